import { createHash } from 'node:crypto';

/**
 * The verifiable ballot log (docs/elections.md, "Ballot privacy" and "The log after an upheld objection").
 *
 * Each ballot yields a receipt, the hash of its record including a secret nonce the voter keeps
 * (without the nonce a receipt cannot be linked to a name by trying every owner and choice). The
 * record names the channel (online or paper), the proxy holder and the paper ballot's number, so the
 * receipt printed on a paper ballot's copy binds the same facts as an online one.
 *
 * A unit's area is as good as a name to anyone who can read the roll (the property company, the
 * officials), and how few owners voted on paper or by proxy can be as telling, so the log an owner
 * sees carries neither: each entry has the receipt, the choice, the headcount and a commitment (the
 * hash of receipt, area, channel, proxy flag and a secret salt). The entries are in receipt order
 * (which says nothing about who or when) and chained by hash; the chain covers the commitment, not
 * what it hides, so one head serves two views of the same log:
 * - the public log (everyone in the compound): receipts, choices, headcounts, commitments. An owner
 *   finds their receipt and checks their commitment with the salt they were given; anyone
 *   recomputes the headcount tally and the chain;
 * - the weighted log (those who may see who voted what: the committee and the street office): the
 *   same entries opened with area, channel, proxy flag and salt, from which the area-weighted tally
 *   and the ballots per channel are recomputed.
 *
 * The log only grows. The ballots counted at the close come first; a ballot an upheld objection
 * removes is struck by a removal entry appended after them, chained to the head before it, so the
 * head anyone saved before the removal is still a link of the chain after it.
 */
export type Channel = 'online' | 'paper';

export interface BallotRecord {
  voteId: string;
  voterId: string;
  /** `for` / `against` / `abstain`, or the candidate ids chosen in an election. */
  choice: string | string[];
  area: number;
  headcount: number;
  castAt: string;
  nonce: string;
  channel: Channel;
  /** The person who voted for the owner under a proxy, if any. */
  proxyHolderId?: string;
  /** A paper ballot's number (printed on the sheet). */
  paperNumber?: string;
}

export interface LogEntry {
  seq: number;
  receipt: string;
  choice: string | string[];
  headcount: number;
  commitment: string;
  previousHash: string;
  hash: string;
}

/** An entry of the weighted log: the public entry opened with what its commitment hides. */
export interface WeightedLogEntry extends LogEntry {
  area: number;
  channel: Channel;
  byProxy: boolean;
  salt: string;
}

/** A ballot struck from the count by an upheld objection (the street office's decision `objectionId`). */
export interface RemovalEntry {
  seq: number;
  removes: string;
  objectionId: string;
  previousHash: string;
  hash: string;
}

export type AnyLogEntry = LogEntry | RemovalEntry;

export const GENESIS = '0'.repeat(64);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A canonical, order-fixed serialization: the same record always hashes the same. */
export const receiptOf = (b: BallotRecord): string =>
  sha256(JSON.stringify([b.voteId, b.voterId, b.choice, b.area, b.headcount, b.castAt, b.nonce, b.channel, b.proxyHolderId ?? null, b.paperNumber ?? null]));

/** What a commitment hides: without the salt it says nothing; with it, it proves the area, the channel and whether by proxy. */
export interface Opening {
  area: number;
  channel: Channel;
  byProxy: boolean;
}

export const commitmentOf = (receipt: string, o: Opening, salt: string): string => sha256(JSON.stringify(['ballot', receipt, o.area, o.channel, o.byProxy, salt]));

export const entryHash = (e: Omit<LogEntry, 'hash'>): string => sha256(JSON.stringify([e.seq, e.receipt, e.choice, e.headcount, e.commitment, e.previousHash]));

export const removalHash = (e: Omit<RemovalEntry, 'hash'>): string => sha256(JSON.stringify(['removal', e.seq, e.removes, e.objectionId, e.previousHash]));

export interface LoggedBallot extends Opening {
  receipt: string;
  choice: string | string[];
  headcount: number;
  salt: string;
}

/** The weighted log of a vote's counted ballots (the public log is this without what the commitments hide). */
export function buildLog(ballots: readonly LoggedBallot[]): WeightedLogEntry[] {
  const ordered = [...ballots].sort((a, b) => (a.receipt < b.receipt ? -1 : 1));
  const log: WeightedLogEntry[] = [];
  let previousHash = GENESIS;
  for (const [seq, b] of ordered.entries()) {
    const opening = { area: b.area, channel: b.channel, byProxy: b.byProxy };
    const entry = { seq, receipt: b.receipt, choice: b.choice, headcount: b.headcount, commitment: commitmentOf(b.receipt, opening, b.salt), previousHash };
    const hash = entryHash(entry);
    log.push({ ...entry, hash, ...opening, salt: b.salt });
    previousHash = hash;
  }
  return log;
}

/** The removal entry that follows the log's current head. */
export function removalEntry(seq: number, removes: string, objectionId: string, previousHash: string): RemovalEntry {
  const entry = { seq, removes, objectionId, previousHash };
  return { ...entry, hash: removalHash(entry) };
}

export const publicEntry = ({ area: _a, channel: _c, byProxy: _p, salt: _s, ...entry }: WeightedLogEntry): LogEntry => entry;

export const headOf = (log: readonly Pick<LogEntry, 'hash'>[]): string => log.at(-1)?.hash ?? GENESIS;

export const isRemoval = (e: AnyLogEntry): e is RemovalEntry => typeof (e as RemovalEntry).removes === 'string';

export const isWeighted = (e: AnyLogEntry): e is WeightedLogEntry =>
  !isRemoval(e) && typeof (e as WeightedLogEntry).area === 'number' && typeof (e as WeightedLogEntry).salt === 'string' && typeof (e as WeightedLogEntry).channel === 'string';

/** The ballot entries that still count: those no removal entry strikes. */
export function countedEntries<E extends AnyLogEntry>(log: readonly E[]): Exclude<E, RemovalEntry>[] {
  const removed = new Set(log.flatMap((e) => (isRemoval(e) ? [e.removes] : [])));
  return log.filter((e): e is Exclude<E, RemovalEntry> => !isRemoval(e) && !removed.has(e.receipt));
}

/**
 * The first entry that breaks the log, or undefined: the chain, the order (ballots in ascending
 * receipt order, then removals), a removal striking a ballot of the log once, and in a weighted
 * log each commitment opening to what the entry says.
 */
export function firstBrokenEntry(log: readonly AnyLogEntry[]): { seq: number; reason: string } | undefined {
  let previousHash = GENESIS;
  let previousReceipt = '';
  let removing = false;
  const receipts = new Set<string>();
  const removed = new Set<string>();
  for (const [expected, e] of log.entries()) {
    if (e.seq !== expected) return { seq: expected, reason: `sequence ${e.seq} where ${expected} was expected` };
    if (e.previousHash !== previousHash) return { seq: expected, reason: 'previousHash does not match the entry before' };
    if (isRemoval(e)) {
      removing = true;
      if (removalHash({ seq: e.seq, removes: e.removes, objectionId: e.objectionId, previousHash: e.previousHash }) !== e.hash)
        return { seq: expected, reason: 'hash does not match the entry (altered)' };
      if (!receipts.has(e.removes)) return { seq: expected, reason: 'it removes a receipt that is not in the log' };
      if (removed.has(e.removes)) return { seq: expected, reason: 'it removes a ballot already removed' };
      removed.add(e.removes);
    } else {
      if (removing) return { seq: expected, reason: 'a ballot entry after the removals (ballots come first)' };
      if (e.receipt <= previousReceipt) return { seq: expected, reason: 'receipts are not in ascending order (duplicate or reordered)' };
      const { seq, receipt, choice, headcount, commitment } = e;
      if (entryHash({ seq, receipt, choice, headcount, commitment, previousHash: e.previousHash }) !== e.hash) return { seq: expected, reason: 'hash does not match the entry (altered)' };
      if (isWeighted(e) && commitmentOf(e.receipt, { area: e.area, channel: e.channel, byProxy: e.byProxy }, e.salt) !== e.commitment) {
        return { seq: expected, reason: 'the area, channel or proxy flag does not open its commitment (altered)' };
      }
      receipts.add(e.receipt);
      previousReceipt = e.receipt;
    }
    previousHash = e.hash;
  }
  return undefined;
}
