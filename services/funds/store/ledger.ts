import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LedgerEntryRecorded } from '../../../events/catalogue';
import { clock } from '../../../libs/clock';
import { db, isConditionFailed } from '../../../libs/db';
import { busy, conflict, ruleBroken, type DomainError } from '../../../libs/errors';
import { outboxAttributes, publishAfterWrite } from '../../../libs/outbox';
import { eventId } from '../domain/ids';
import { chainEntry, contentHash, LedgerRuleError, reversedSeq, type Entry, type EntryDraft, type Fund } from '../domain/ledger';
import { allEntries, blockSk, getEntry, headEntry, ledgerPk, refKey } from './ledger-read';
import { recordHead } from './summaries';
import { table } from './table';

export * from './ledger-read';

/**
 * A fund's journal. Entries live in blocks: block items keyed by their first sequence number, each
 * holding one or more consecutive entries. Appending is one conditional put of the next block
 * (`attribute_not_exists`): two writers cannot both extend the chain from the same head, so the
 * chain stays gap-free and an overdraft is refused before anything is written.
 *
 * A busy ledger: within an instance, appends to one ledger wait in one queue (first come, first
 * served) and are committed together, as one block per round trip (group commit), so a hot ledger's
 * throughput grows with its load instead of collapsing into retries (each append costs about two
 * DynamoDB calls of its own, the block's few calls are shared). Across instances the conditional
 * put decides; a writer that keeps losing backs off with jitter and, past a bounded budget
 * (CONTENTION_BUDGET_MS), answers Busy (503 with Retry-After) instead of making its caller wait.
 *
 * Idempotency: an entry's client reference is claimed first (one conditional put); a retry with the
 * same content gets the first entry, another content is refused (409). A claim left pending by a
 * crash is taken over after its lease, and the entries appended since the claim are searched for the
 * reference before appending again.
 */
const LEASE_MS = 30_000;
/** At most this many entries, and about this many bytes, per block. */
const GROUP_MAX_ENTRIES = 40;
const GROUP_MAX_BYTES = 200_000;
/** How long one group may keep losing the race to other instances before its appends answer Busy. */
const CONTENTION_BUDGET_MS = 2_500;

export interface AppendStats {
  /** Conditional block puts tried (1 per group when uncontended). */
  attempts: number;
  writeUnits: number;
}

export interface AppendOptions {
  stats?: AppendStats;
  /** false: skip the per-instance queue and commit alone, as a separate Lambda instance would. */
  serialize?: boolean;
}

export interface Appended {
  entry: Entry;
  replayed: boolean;
}

interface Pending {
  draft: EntryDraft;
  stats?: AppendStats;
  resolve: (a: Appended) => void;
  reject: (e: unknown) => void;
}

interface LedgerQueue {
  waiting: Pending[];
  running: boolean;
  /** The head this instance last wrote or read; a conditional put tells when it is stale. */
  head?: Entry | null;
}
const queues = new Map<string, LedgerQueue>();

export function append(compoundId: string, fund: Fund, draft: EntryDraft, options: AppendOptions = {}): Promise<Appended> {
  return new Promise<Appended>((resolve, reject) => {
    const pending: Pending = { draft, stats: options.stats, resolve, reject };
    if (options.serialize === false) {
      void commitGroup(compoundId, fund, [pending], { waiting: [], running: true });
      return;
    }
    const key = ledgerPk(compoundId, fund);
    let queue = queues.get(key);
    if (!queue) queues.set(key, (queue = { waiting: [], running: false }));
    queue.waiting.push(pending);
    if (!queue.running) void drain(key, compoundId, fund, queue);
  });
}

async function drain(key: string, compoundId: string, fund: Fund, queue: LedgerQueue): Promise<void> {
  queue.running = true;
  try {
    while (queue.waiting.length > 0) {
      const group: Pending[] = [];
      let bytes = 0;
      while (queue.waiting.length > 0 && group.length < GROUP_MAX_ENTRIES && bytes < GROUP_MAX_BYTES) {
        const next = queue.waiting.shift()!;
        bytes += JSON.stringify(next.draft).length;
        group.push(next);
      }
      await commitGroup(compoundId, fund, group, queue);
    }
  } finally {
    queue.running = false;
    if (queue.waiting.length === 0) queues.delete(key);
    else void drain(key, compoundId, fund, queue);
  }
}

type Claim = { owned: true; headAtClaim: number } | { owned: false; outcome: Appended | DomainError };

/** Claim a draft's client reference, or learn what became of it. */
async function claim(compoundId: string, fund: Fund, draft: EntryDraft, headSeq: number): Promise<Claim> {
  const hash = contentHash(draft);
  const key = refKey(compoundId, fund, draft.clientRef);
  const now = clock.now().getTime();
  try {
    await db().send(
      new PutCommand({ TableName: table(), Item: { ...key, contentHash: hash, status: 'pending', headAtClaim: headSeq, leaseUntil: now + LEASE_MS }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return { owned: true, headAtClaim: headSeq };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const { Item: existing } = await db().send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true }));
  if (!existing) return claim(compoundId, fund, draft, headSeq);
  if (existing.contentHash !== hash) return { owned: false, outcome: conflictFor(draft, existing.seq as number | undefined) };
  if (existing.status === 'done') return { owned: false, outcome: { entry: (await getEntry(compoundId, fund, existing.seq as number))!, replayed: true } };
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: key,
        UpdateExpression: 'SET leaseUntil = :until',
        ConditionExpression: '#status = :pending AND leaseUntil < :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':until': now + LEASE_MS, ':pending': 'pending', ':now': now },
      }),
    );
  } catch (leaseError) {
    if (isConditionFailed(leaseError)) return { owned: false, outcome: busy(`an entry with client reference ${draft.clientRef} is being written; retry shortly`) };
    throw leaseError;
  }
  // Taken over from a writer that stopped: did its entry land after all?
  const landed = (await allEntries(compoundId, fund, existing.headAtClaim as number)).find((e) => e.clientRef === draft.clientRef);
  if (landed) {
    await markDone(compoundId, fund, [landed]);
    return { owned: false, outcome: { entry: landed, replayed: true } };
  }
  return { owned: true, headAtClaim: existing.headAtClaim as number };
}

function conflictFor(draft: EntryDraft, seq: number | undefined): DomainError {
  const reverses = reversedSeq(draft);
  if (reverses !== undefined) return conflict(`entry ${reverses} is already reversed${seq ? ` (by entry ${seq})` : ''}; an entry is reversed once`, seq ? { existing: seq } : {});
  return conflict(`client reference ${draft.clientRef} was already used for a different entry`, seq ? { existing: seq } : {});
}

async function markDone(compoundId: string, fund: Fund, entries: readonly Entry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 25) {
    let requests = entries.slice(i, i + 25).map((e) => ({
      PutRequest: { Item: { ...refKey(compoundId, fund, e.clientRef), contentHash: contentHash(e), status: 'done', seq: e.seq } },
    }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      const result = await db().send(new BatchWriteCommand({ RequestItems: { [table()]: requests } }));
      requests = (result.UnprocessedItems?.[table()] ?? []) as typeof requests;
      if (requests.length && attempt > 8) throw new Error('DynamoDB kept client references unprocessed');
      if (requests.length) await sleep(20 * 2 ** attempt);
    }
  }
}

/** Nothing was written for this reference (refused, or every put lost the race): give it back. */
async function releaseClaim(compoundId: string, fund: Fund, clientRef: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: table(), Key: refKey(compoundId, fund, clientRef) }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function entryEvent(compoundId: string, fund: Fund, entry: Entry) {
  return LedgerEntryRecorded.create(
    {
      compoundId,
      fund,
      seq: entry.seq,
      kind: entry.kind,
      postings: entry.postings,
      memo: entry.memo,
      sourceDocument: entry.sourceDocument,
      hash: entry.hash,
      period: entry.detail?.period,
      lines: entry.detail?.lines?.length,
      reverses: entry.detail?.reverses,
    },
    { compoundId, actor: entry.actor, occurredAt: entry.at, id: eventId('LedgerEntryRecorded', compoundId, fund, entry.seq) },
  );
}

/** Commit a group of drafts as one block (or answer each of them otherwise). */
async function commitGroup(compoundId: string, fund: Fund, group: Pending[], queue: LedgerQueue): Promise<void> {
  // The same reference twice in one group: the first is written, the others follow its fate.
  const followers = new Map<Pending, Pending>();
  const leaders: Pending[] = [];
  const byRef = new Map<string, Pending>();
  for (const p of group) {
    const first = byRef.get(p.draft.clientRef);
    if (first) followers.set(p, first);
    else {
      byRef.set(p.draft.clientRef, p);
      leaders.push(p);
    }
  }
  const outcomes = new Map<Pending, Appended | unknown>();
  try {
    if (queue.head === undefined) queue.head = (await headEntry(compoundId, fund)) ?? null;
    const claims = await Promise.all(leaders.map((p) => claim(compoundId, fund, p.draft, queue.head?.seq ?? 0).catch((error: unknown) => ({ owned: false as const, outcome: error as DomainError }))));
    let owned = leaders.filter((p, i) => {
      const c = claims[i]!;
      if (!c.owned) outcomes.set(p, c.outcome);
      return c.owned;
    });
    const started = Date.now();
    for (let attempt = 0; owned.length > 0; attempt++) {
      // Chain every owned draft on the head; a draft the rules refuse is answered alone.
      const entries: Entry[] = [];
      const chained: Pending[] = [];
      let previous = queue.head ?? undefined;
      for (const p of owned) {
        try {
          const entry = chainEntry(previous, p.draft);
          entries.push(entry);
          chained.push(p);
          previous = entry;
        } catch (error) {
          if (!(error instanceof LedgerRuleError)) throw error;
          outcomes.set(p, ruleBroken(error.reason));
          await releaseClaim(compoundId, fund, p.draft.clientRef);
        }
      }
      owned = chained;
      if (entries.length === 0) break;
      try {
        const result = await db().send(
          new PutCommand({
            TableName: table(),
            Item: {
              pk: ledgerPk(compoundId, fund),
              sk: blockSk(entries[0]!.seq),
              first: entries[0]!.seq,
              last: entries.at(-1)!.seq,
              entries,
              ...outboxAttributes(entries.map((e) => entryEvent(compoundId, fund, e))),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        for (const p of owned) {
          if (p.stats) {
            p.stats.attempts += attempt + 1;
            p.stats.writeUnits += (result.ConsumedCapacity?.CapacityUnits ?? 0) / owned.length;
          }
        }
        queue.head = entries.at(-1)!;
        owned.forEach((p, i) => outcomes.set(p, { entry: entries[i]!, replayed: false }));
        await markDone(compoundId, fund, entries);
        await publishAfterWrite(table(), { pk: ledgerPk(compoundId, fund), sk: blockSk(entries[0]!.seq) });
        await recordHead(compoundId, fund, entries.at(-1)!).catch(() => undefined); // an aggregate: the next append repairs it
        owned = [];
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        // Another instance extended the chain: back off a little (jittered), then chain on its head.
        if (Date.now() - started > CONTENTION_BUDGET_MS) {
          for (const p of owned) {
            outcomes.set(p, busy(`the ${fund} ledger of ${compoundId} is busy; retry in a moment`));
            await releaseClaim(compoundId, fund, p.draft.clientRef);
          }
          owned = [];
          break;
        }
        await sleep(Math.random() * Math.min(100, 4 * 2 ** Math.min(attempt, 5)));
        queue.head = (await headEntry(compoundId, fund)) ?? null;
      }
    }
  } catch (error) {
    // An unexpected failure (the store itself): nothing of this group is known written, the claims lapse.
    queue.head = undefined;
    for (const p of leaders) if (!outcomes.has(p)) outcomes.set(p, error);
  }
  for (const p of group) {
    const outcome = outcomes.get(followers.get(p) ?? p);
    const replay = followers.has(p) && isAppended(outcome);
    if (isAppended(outcome)) {
      if (followers.has(p) && contentHash(p.draft) !== contentHash(outcome.entry)) p.reject(conflictFor(p.draft, outcome.entry.seq));
      else p.resolve(replay ? { entry: outcome.entry, replayed: true } : outcome);
    } else p.reject(outcome);
  }
}

const isAppended = (o: unknown): o is Appended => typeof o === 'object' && o !== null && 'entry' in o && 'replayed' in o;
