import { createHash } from 'node:crypto';

/**
 * The verifiable ballot log (docs/elections.md, "Ballot privacy").
 *
 * Each ballot yields a receipt, the hash of its record including a secret nonce the voter keeps
 * (without the nonce a receipt cannot be linked to a name by trying every owner and choice).
 *
 * A unit's area is as good as a name to anyone who can read the roll (the property company, the
 * officials), so the log an owner sees carries no area: each entry has the receipt, the choice, the
 * headcount and a commitment to the area (the hash of receipt, area and a secret salt). The entries
 * are in receipt order (which says nothing about who or when) and chained by hash; the chain covers
 * the commitment, not the area, so one head serves two views of the same log:
 * - the public log (everyone in the compound): receipts, choices, headcounts, commitments. An owner
 *   finds their receipt and checks their commitment with the salt they were given; anyone
 *   recomputes the headcount tally and the chain;
 * - the weighted log (those who may see who voted what: the committee and the street office): the
 *   same entries opened with area and salt, from which the area-weighted tally is recomputed.
 */
export interface BallotRecord {
  voteId: string;
  voterId: string;
  /** `for` / `against` / `abstain`, or the candidate ids chosen in an election. */
  choice: string | string[];
  area: number;
  headcount: number;
  castAt: string;
  nonce: string;
}

export interface LogEntry {
  seq: number;
  receipt: string;
  choice: string | string[];
  headcount: number;
  areaCommitment: string;
  previousHash: string;
  hash: string;
}

/** An entry of the weighted log: the public entry opened with its area and salt. */
export interface WeightedLogEntry extends LogEntry {
  area: number;
  areaSalt: string;
}

export const GENESIS = '0'.repeat(64);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A canonical, order-fixed serialization: the same record always hashes the same. */
export const receiptOf = (b: BallotRecord): string =>
  sha256(JSON.stringify([b.voteId, b.voterId, b.choice, b.area, b.headcount, b.castAt, b.nonce]));

/** The commitment to a ballot's area: without the salt it says nothing; with it, it proves the area. */
export const areaCommitmentOf = (receipt: string, area: number, areaSalt: string): string => sha256(JSON.stringify(['area', receipt, area, areaSalt]));

export const entryHash = (e: Omit<LogEntry, 'hash'>): string =>
  sha256(JSON.stringify([e.seq, e.receipt, e.choice, e.headcount, e.areaCommitment, e.previousHash]));

export interface LoggedBallot {
  receipt: string;
  choice: string | string[];
  area: number;
  headcount: number;
  areaSalt: string;
}

/** The weighted log of a vote's counted ballots (the public log is this without area and salt). */
export function buildLog(ballots: readonly LoggedBallot[]): WeightedLogEntry[] {
  const ordered = [...ballots].sort((a, b) => (a.receipt < b.receipt ? -1 : 1));
  const log: WeightedLogEntry[] = [];
  let previousHash = GENESIS;
  for (const [seq, b] of ordered.entries()) {
    const entry = { seq, receipt: b.receipt, choice: b.choice, headcount: b.headcount, areaCommitment: areaCommitmentOf(b.receipt, b.area, b.areaSalt), previousHash };
    const hash = entryHash(entry);
    log.push({ ...entry, hash, area: b.area, areaSalt: b.areaSalt });
    previousHash = hash;
  }
  return log;
}

export const publicEntry = ({ area: _a, areaSalt: _s, ...entry }: WeightedLogEntry): LogEntry => entry;

export const headOf = (log: readonly Pick<LogEntry, 'hash'>[]): string => log.at(-1)?.hash ?? GENESIS;

export const isWeighted = (e: LogEntry): e is WeightedLogEntry => typeof (e as WeightedLogEntry).area === 'number' && typeof (e as WeightedLogEntry).areaSalt === 'string';

/** The first entry that breaks the chain (or, in a weighted log, opens its commitment wrongly), or undefined. */
export function firstBrokenEntry(log: readonly LogEntry[], previous: { hash: string; receipt: string; seq: number } = { hash: GENESIS, receipt: '', seq: 0 }): { seq: number; reason: string } | undefined {
  let previousHash = previous.hash;
  let previousReceipt = previous.receipt;
  for (const [i, e] of log.entries()) {
    const expected = previous.seq + i;
    if (e.seq !== expected) return { seq: expected, reason: `sequence ${e.seq} where ${expected} was expected` };
    if (e.previousHash !== previousHash) return { seq: expected, reason: 'previousHash does not match the entry before' };
    if (e.receipt <= previousReceipt) return { seq: expected, reason: 'receipts are not in ascending order (duplicate or reordered)' };
    const { seq, receipt, choice, headcount, areaCommitment } = e;
    if (entryHash({ seq, receipt, choice, headcount, areaCommitment, previousHash: e.previousHash }) !== e.hash) return { seq: expected, reason: 'hash does not match the entry (altered)' };
    if (isWeighted(e) && areaCommitmentOf(e.receipt, e.area, e.areaSalt) !== e.areaCommitment) return { seq: expected, reason: 'the area does not open its commitment (altered)' };
    previousHash = e.hash;
    previousReceipt = e.receipt;
  }
  return undefined;
}
