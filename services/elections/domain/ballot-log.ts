import { createHash } from 'node:crypto';

/**
 * The verifiable ballot log. Each ballot yields a receipt, the hash of its record including a secret
 * nonce the voter keeps (without the nonce, a receipt cannot be linked to a name by trying every
 * owner and choice). At the close, the log is published: entries in receipt order (which reveals
 * nothing about when or who), each carrying its choice and weights and chained to the previous one
 * by hash. Anyone can recompute the chain and the tally; each owner can find their own receipt.
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
  area: number;
  headcount: number;
  previousHash: string;
  hash: string;
}

export const GENESIS = '0'.repeat(64);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A canonical, order-fixed serialization: the same record always hashes the same. */
export const receiptOf = (b: BallotRecord): string =>
  sha256(JSON.stringify([b.voteId, b.voterId, b.choice, b.area, b.headcount, b.castAt, b.nonce]));

export const entryHash = (e: Omit<LogEntry, 'hash'>): string =>
  sha256(JSON.stringify([e.seq, e.receipt, e.choice, e.area, e.headcount, e.previousHash]));

export function buildLog(ballots: readonly { receipt: string; choice: string | string[]; area: number; headcount: number }[]): LogEntry[] {
  const ordered = [...ballots].sort((a, b) => (a.receipt < b.receipt ? -1 : 1));
  const log: LogEntry[] = [];
  let previousHash = GENESIS;
  for (const [seq, b] of ordered.entries()) {
    const entry = { seq, receipt: b.receipt, choice: b.choice, area: b.area, headcount: b.headcount, previousHash };
    const hash = entryHash(entry);
    log.push({ ...entry, hash });
    previousHash = hash;
  }
  return log;
}

export const headOf = (log: readonly LogEntry[]): string => log.at(-1)?.hash ?? GENESIS;

/** The first entry that breaks the chain, or undefined if the whole log holds. */
export function firstBrokenEntry(log: readonly LogEntry[]): { seq: number; reason: string } | undefined {
  let previousHash = GENESIS;
  let previousReceipt = '';
  for (const [i, e] of log.entries()) {
    if (e.seq !== i) return { seq: i, reason: `sequence ${e.seq} where ${i} was expected` };
    if (e.previousHash !== previousHash) return { seq: i, reason: 'previousHash does not match the entry before' };
    if (e.receipt <= previousReceipt) return { seq: i, reason: 'receipts are not in ascending order (duplicate or reordered)' };
    const { hash, ...rest } = e;
    if (entryHash(rest) !== hash) return { seq: i, reason: 'hash does not match the entry (altered)' };
    previousHash = hash;
    previousReceipt = e.receipt;
  }
  return undefined;
}
