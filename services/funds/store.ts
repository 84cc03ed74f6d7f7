import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../events/envelope';
import { clock } from '../../libs/clock';
import { tableName } from '../../libs/config';
import { assignments, db, isConditionFailed, queryAll, stripKeys, type Key } from '../../libs/db';
import { conflict, ruleBroken } from '../../libs/errors';
import { queryPage } from '../../libs/http/pagination';
import { insertWithEvents, updateWithEvents } from '../../libs/outbox';
import { RegistryReadModel } from '../registry/kit/read-model';
import { chainEntry, contentHash, LedgerRuleError, type Entry, type EntryDraft, type Fund } from './domain/ledger';
import type { Approval, Step } from './domain/review';

/**
 * Funds table layout (pk / sk), besides the registry read model (services/registry/kit/read-model.ts):
 *   LEDGER#c#fund / ENTRY#0000000042     journal entry 42: one conditional put (entry N+1 exists at most once)
 *   LEDGER#c#fund / REF#<clientRef>      the client reference of an entry, claimed before the append
 *   COMPOUND#c    / PROJECT#p            an authorized project and its expenses (the expenses' one item; gsi1: PROJECTS / c#p)
 *   COMPOUND#c    / LEVY                 the small-maintenance levy the owners approved
 *   LEVY#c        / UNIT#u               a unit's levy account: owed, charged periods, payment refs
 *   COMPOUND#c    / DISCLOSURE#2027-Q1   a quarterly disclosure
 */
export const table = () => tableName('funds');
export const registry = new RegistryReadModel(table);

const ledgerPk = (compoundId: string, fund: Fund) => `LEDGER#${compoundId}#${fund}`;
const entrySk = (seq: number) => `ENTRY#${String(seq).padStart(10, '0')}`;

// ---- the journal -------------------------------------------------------------------------------

export async function headEntry(compoundId: string, fund: Fund): Promise<Entry | undefined> {
  const page = await db().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': ledgerPk(compoundId, fund), ':prefix': 'ENTRY#' },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  return stripKeys<Entry>(page.Items?.[0]);
}

export async function getEntry(compoundId: string, fund: Fund, seq: number): Promise<Entry | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: { pk: ledgerPk(compoundId, fund), sk: entrySk(seq) }, ConsistentRead: true }));
  return stripKeys<Entry>(Item);
}

export function pageEntries(compoundId: string, fund: Fund, limit: number, cursor?: string) {
  return queryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': ledgerPk(compoundId, fund), ':prefix': 'ENTRY#' },
    },
    limit,
    cursor,
    (i) => stripKeys<Entry>(i)!,
  );
}

export async function allEntries(compoundId: string, fund: Fund, afterSeq = 0): Promise<Entry[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': ledgerPk(compoundId, fund), ':from': entrySk(afterSeq + 1), ':to': 'ENTRY#9999999999' },
    ConsistentRead: true,
  });
  return items.map((i) => stripKeys<Entry>(i)!);
}

/** Optimistic append: read the head, chain entry N+1, put it only if it does not exist; retry on a race. */
async function appendUnchecked(compoundId: string, fund: Fund, draft: EntryDraft, stats?: { attempts: number; writeUnits: number }, knownHead?: Entry | undefined): Promise<Entry> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const head = attempt === 0 && knownHead !== undefined ? knownHead : await headEntry(compoundId, fund);
    const entry = chainEntry(head, draft);
    try {
      const result = await db().send(
        new PutCommand({
          TableName: table(),
          Item: { pk: ledgerPk(compoundId, fund), sk: entrySk(entry.seq), ...entry },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      if (stats) {
        stats.attempts += attempt + 1;
        stats.writeUnits += result.ConsumedCapacity?.CapacityUnits ?? 0;
      }
      return entry;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      // Someone appended first: back off a little (jittered) and chain onto the new head.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 + attempt * 2)));
    }
  }
  throw conflict('the ledger is too busy; retry');
}

const LEASE_MS = 30_000;

/**
 * Appends to one ledger from one instance go one at a time: they would only race each other for
 * entry N+1. Across instances the conditional put still decides.
 */
const ledgerQueues = new Map<string, Promise<unknown>>();
function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = ledgerQueues.get(key) ?? Promise.resolve();
  const run = previous.then(work, work);
  const tail = run.catch(() => undefined);
  ledgerQueues.set(key, tail);
  void tail.then(() => {
    if (ledgerQueues.get(key) === tail) ledgerQueues.delete(key);
  });
  return run;
}

/**
 * Append idempotently by client reference: the reference is claimed first (one conditional put);
 * a retry with the same content gets the first entry, another content is refused (409). A claim left
 * pending by a crash is taken over after its lease, and the entries appended since the claim are
 * searched for the reference before appending again.
 */
export interface AppendOptions {
  stats?: { attempts: number; writeUnits: number };
  /** false: skip the per-instance queue, as separate Lambda instances would (tests of the conditional put use it). */
  serialize?: boolean;
}

export function append(compoundId: string, fund: Fund, draft: EntryDraft, options: AppendOptions = {}): Promise<{ entry: Entry; replayed: boolean }> {
  const work = () => appendIdempotent(compoundId, fund, draft, options.stats);
  return options.serialize === false ? work() : oneAtATime(ledgerPk(compoundId, fund), work);
}

async function appendIdempotent(compoundId: string, fund: Fund, draft: EntryDraft, stats?: { attempts: number; writeUnits: number }): Promise<{ entry: Entry; replayed: boolean }> {
  const hash = contentHash(draft);
  const refKey = { pk: ledgerPk(compoundId, fund), sk: `REF#${draft.clientRef}` };
  const now = clock.now().getTime();
  const head = await headEntry(compoundId, fund);
  try {
    await db().send(
      new PutCommand({
        TableName: table(),
        Item: { ...refKey, contentHash: hash, status: 'pending', headAtClaim: head?.seq ?? 0, leaseUntil: now + LEASE_MS },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const { Item: claim } = await db().send(new GetCommand({ TableName: table(), Key: refKey, ConsistentRead: true }));
    if (!claim) return appendIdempotent(compoundId, fund, draft, stats);
    if (claim.contentHash !== hash) throw conflict(`client reference ${draft.clientRef} was already used for a different entry`);
    if (claim.status === 'done') return { entry: (await getEntry(compoundId, fund, claim.seq as number))!, replayed: true };
    try {
      await db().send(
        new UpdateCommand({
          TableName: table(),
          Key: refKey,
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: '#status = :pending AND leaseUntil < :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':until': now + LEASE_MS, ':pending': 'pending', ':now': now },
        }),
      );
    } catch (leaseError) {
      if (isConditionFailed(leaseError)) throw conflict(`an entry with client reference ${draft.clientRef} is being written; retry shortly`);
      throw leaseError;
    }
    const landed = (await allEntries(compoundId, fund, claim.headAtClaim as number)).find((e) => e.clientRef === draft.clientRef);
    if (landed) {
      await markRefDone(refKey, landed.seq);
      return { entry: landed, replayed: true };
    }
  }
  let entry: Entry;
  try {
    entry = await appendUnchecked(compoundId, fund, draft, stats, head);
  } catch (error) {
    if (error instanceof LedgerRuleError) {
      // Nothing was written and nothing will be: give the reference back.
      await db().send(new DeleteCommand({ TableName: table(), Key: refKey }));
      throw ruleBroken(error.reason);
    }
    // Nothing was written: release the lease so that a retry may continue at once.
    await db().send(new UpdateCommand({ TableName: table(), Key: refKey, UpdateExpression: 'SET leaseUntil = :zero', ExpressionAttributeValues: { ':zero': 0 } }));
    throw error;
  }
  await markRefDone(refKey, entry.seq);
  return { entry, replayed: false };
}

async function markRefDone(key: Key, seq: number) {
  await db().send(
    new UpdateCommand({ TableName: table(), Key: key, UpdateExpression: 'SET #status = :done, seq = :seq REMOVE leaseUntil', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':done': 'done', ':seq': seq } }),
  );
}


// ---- projects and their expenses --------------------------------------------------------------------

export interface Expense {
  expenseId: string;
  payee: string;
  amountFen: number;
  purpose: string;
  attachments: string[];
  submittedBy: string;
  submittedAt: string;
  status: 'in_review' | 'approved' | 'rejected' | 'paid';
  tier: 1 | 2 | 3;
  tierAmountFen: number;
  approvals: Approval[];
  rejection?: { step: Step; by: string; at: string; reason: string };
  /** When the step now waiting is overdue. */
  stepDueAt: string;
  escalatedSteps: Step[];
  paid?: { entrySeq: number; at: string; by: string; paymentRef: string };
}

export interface Project {
  compoundId: string;
  projectId: string;
  fund: Fund;
  title: string;
  approvedFen: number;
  basis: 'resolution' | 'emergency';
  basisRef: string;
  status: 'awaiting_confirmation' | 'authorized';
  emergency?: { category: string; description: string; reportedBy: string; confirmedBy?: string; confirmedAt?: string };
  /** Sum of the amounts of expenses not rejected: what remains is approvedFen − committedFen. */
  committedFen: number;
  expenses: Record<string, Expense>;
  createdAt: string;
  /** Ties the project's events to what caused it (the vote), for the audit trail. */
  correlationId: string;
  /** Set once the reservation entry is in the ledger. */
  reservationSeq?: number;
}

const projectKey = (compoundId: string, projectId: string): Key => ({ pk: `COMPOUND#${compoundId}`, sk: `PROJECT#${projectId}` });

export async function createProject(project: Project, events: BusEvent[]): Promise<boolean> {
  const key = projectKey(project.compoundId, project.projectId);
  return insertWithEvents(table(), { ...key, ...project, gsi1pk: 'PROJECTS', gsi1sk: `${project.compoundId}#${project.projectId}` }, events);
}

export async function getProject(compoundId: string, projectId: string): Promise<(Project & { version: number }) | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: projectKey(compoundId, projectId), ConsistentRead: true }));
  return Item ? { ...stripKeys<Project>(Item)!, version: (Item.version as number | undefined) ?? 0 } : undefined;
}

export async function projectsOf(compoundId: string): Promise<Project[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `COMPOUND#${compoundId}`, ':prefix': 'PROJECT#' },
    ConsistentRead: true,
  });
  return items.map((i) => stripKeys<Project>(i)!);
}

export async function allProjects(): Promise<Project[]> {
  const items = await queryAll({ TableName: table(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': 'PROJECTS' } });
  return items.map((i) => stripKeys<Project>(i)!);
}

/**
 * Every change to a project (an expense submitted, reviewed, paid; a confirmation) is one write of
 * the whole project item, conditional on the version read: concurrent reviewers cannot both win,
 * and the approved amount cannot be over-committed.
 */
export async function saveProject(project: Project & { version: number }, events: BusEvent[] = []): Promise<boolean> {
  const { version, ...fields } = project;
  const update = assignments(fields);
  return updateWithEvents(
    table(),
    projectKey(project.compoundId, project.projectId),
    {
      set: [...update.set, '#version = :next'],
      condition: version === 0 ? 'attribute_not_exists(#version) OR #version = :version' : '#version = :version',
      names: { ...update.names, '#version': 'version' },
      values: { ...update.values, ':version': version, ':next': version + 1 },
    },
    events,
  );
}

// ---- the levy -------------------------------------------------------------------------------------------

export interface LevyConfig {
  compoundId: string;
  rateFenPerM2Month: number;
  resolutionRef: string;
  since: string;
}

export async function putLevy(levy: LevyConfig): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { pk: `COMPOUND#${levy.compoundId}`, sk: 'LEVY', ...levy, gsi1pk: 'LEVIES', gsi1sk: levy.compoundId } }));
}

export async function getLevy(compoundId: string): Promise<LevyConfig | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: { pk: `COMPOUND#${compoundId}`, sk: 'LEVY' } }));
  return stripKeys<LevyConfig>(Item);
}

export async function allLevies(): Promise<LevyConfig[]> {
  const items = await queryAll({ TableName: table(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': 'LEVIES' } });
  return items.map((i) => stripKeys<LevyConfig>(i)!);
}

export interface LevyAccount {
  compoundId: string;
  unitId: string;
  ownerId: string;
  owedFen: number;
  chargedFen: number;
  paidFen: number;
  periods: string[];
  /** The oldest period still unpaid. */
  owingSince?: string;
  arrearsOpen?: string;
}

const levyKey = (compoundId: string, unitId: string): Key => ({ pk: `LEVY#${compoundId}`, sk: `UNIT#${unitId}` });

export async function getLevyAccount(compoundId: string, unitId: string): Promise<LevyAccount | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: levyKey(compoundId, unitId), ConsistentRead: true }));
  if (!Item) return undefined;
  const { periodSet, paymentRefs, ...rest } = stripKeys<Record<string, unknown>>(Item)!;
  return { ...(rest as unknown as LevyAccount), periods: [...((periodSet as Set<string> | undefined) ?? [])].sort(), owedFen: (rest.owedFen as number) ?? 0 };
}

export async function levyAccounts(compoundId: string): Promise<LevyAccount[]> {
  const items = await queryAll({ TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `LEVY#${compoundId}` }, ConsistentRead: true });
  return items.map((i) => {
    const { periodSet, paymentRefs: _p, ...rest } = stripKeys<Record<string, unknown>>(i)!;
    return { ...(rest as unknown as LevyAccount), periods: [...((periodSet as Set<string> | undefined) ?? [])].sort() };
  });
}

/** Charge a unit for a period at most once (the period is remembered in the item). */
export async function chargeUnit(compoundId: string, unitId: string, ownerId: string, period: string, fen: number): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: levyKey(compoundId, unitId),
        UpdateExpression: 'SET compoundId = :c, unitId = :u, ownerId = :o, owingSince = if_not_exists(owingSince, :period) ADD owedFen :fen, chargedFen :fen, periodSet :periods',
        ConditionExpression: 'attribute_not_exists(periodSet) OR NOT contains(periodSet, :period)',
        ExpressionAttributeValues: { ':c': compoundId, ':u': unitId, ':o': ownerId, ':period': period, ':fen': fen, ':periods': new Set([period]) },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Record a payment once (by its receipt reference), never more than is owed. */
export async function payUnit(compoundId: string, unitId: string, fen: number, receiptRef: string): Promise<'paid' | 'duplicate' | 'too_much' | 'unknown'> {
  const account = await getLevyAccount(compoundId, unitId);
  if (!account) return 'unknown';
  try {
    const clearsAll = account.owedFen === fen;
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: levyKey(compoundId, unitId),
        UpdateExpression: `ADD owedFen :minus, paidFen :fen, paymentRefs :refs${clearsAll ? ' REMOVE owingSince' : ''}`,
        ConditionExpression: 'owedFen >= :fen AND (attribute_not_exists(paymentRefs) OR NOT contains(paymentRefs, :ref))',
        ExpressionAttributeValues: { ':minus': -fen, ':fen': fen, ':refs': new Set([receiptRef]), ':ref': receiptRef },
      }),
    );
    return 'paid';
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const now = await db().send(new GetCommand({ TableName: table(), Key: levyKey(compoundId, unitId), ConsistentRead: true }));
    return (now.Item?.paymentRefs as Set<string> | undefined)?.has(receiptRef) ? 'duplicate' : 'too_much';
  }
}

/** Open or close the arrears record of a unit, with its event, once. */
export async function setArrears(compoundId: string, unitId: string, arrearsId: string | undefined, event: BusEvent): Promise<boolean> {
  return updateWithEvents(
    table(),
    levyKey(compoundId, unitId),
    arrearsId
      ? { set: ['arrearsOpen = :id'], condition: 'attribute_not_exists(arrearsOpen)', values: { ':id': arrearsId } }
      : { remove: ['arrearsOpen'], condition: 'attribute_exists(arrearsOpen)' },
    [event],
  );
}

// ---- disclosures ------------------------------------------------------------------------------------------

export async function putDisclosure(compoundId: string, period: string, disclosure: Record<string, unknown>, event: BusEvent): Promise<boolean> {
  return insertWithEvents(table(), { pk: `COMPOUND#${compoundId}`, sk: `DISCLOSURE#${period}`, ...disclosure }, [event]);
}

export async function getDisclosure(compoundId: string, period: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: { pk: `COMPOUND#${compoundId}`, sk: `DISCLOSURE#${period}` } }));
  return stripKeys(Item);
}

export function pageDisclosures(compoundId: string, limit: number, cursor?: string) {
  return queryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `COMPOUND#${compoundId}`, ':prefix': 'DISCLOSURE#' },
      ProjectionExpression: 'period, publishedAt',
      ScanIndexForward: false,
    },
    limit,
    cursor,
    (i) => i as { period: string; publishedAt: string },
  );
}

export function pageProjects(compoundId: string, limit: number, cursor?: string) {
  return queryPage(
    { TableName: table(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': `COMPOUND#${compoundId}`, ':prefix': 'PROJECT#' } },
    limit,
    cursor,
    (i) => stripKeys<Project>(i)!,
  );
}
