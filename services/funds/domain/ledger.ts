import { createHash } from 'node:crypto';

/**
 * A fund's journal: immutable entries of balanced postings (debits = credits), each carrying the
 * running balances and the hash of the entry before it. Corrections are reversing entries.
 *
 * Amounts are integer fen (分). A posting's amount is positive for a debit, negative for a credit;
 * balances are kept the same way (an income account's balance is negative: a credit balance).
 *
 * Accounts:
 *   cash                  money the fund holds (must not go below zero)
 *   levy_receivable       small-maintenance levy charged and not yet paid, net of what units paid in
 *                         advance (negative when advance payments exceed what is owed)
 *   income:<source>       income by source (advertising, parking, stalls, base_stations, rents, levy, deposits, donations, interest)
 *   costs:<kind>          reasonable costs of earning public revenue
 *   appropriations        the part of the fund set aside for approved projects
 *   reserved:<project>    what remains approved for a project (a credit; must not go above zero)
 *   spent:<project>       what a project has been paid
 *   opening_balance       balances carried in when a ledger starts on this platform
 */
export const FUNDS = ['maintenance', 'small_maintenance', 'public_revenue', 'neighbours'] as const;
export type Fund = (typeof FUNDS)[number];

export interface Posting {
  account: string;
  amountFen: number;
}

export interface SourceDocument {
  type: 'resolution' | 'invoice' | 'receipt' | 'contract' | 'bank_statement' | 'emergency_confirmation' | 'levy_run' | 'reversal' | 'other';
  ref: string;
}

export interface EntryDraft {
  kind: 'income' | 'donation' | 'deposit' | 'reservation' | 'payment' | 'levy_charge' | 'levy_payment' | 'reversal' | 'opening';
  postings: Posting[];
  memo: string;
  sourceDocument: SourceDocument;
  actor: string;
  clientRef: string;
  at: string;
  /**
   * What the postings summarise, when it matters to someone checking the entry: the receipts of a
   * levy payment (unit by unit), the charge sheets of a levy month, the expense a payment pays, the
   * entry a reversal reverses. Covered by the hash.
   */
  detail?: EntryDetail;
}

export interface EntryDetail {
  /** A levy month: "2027-03", and the per-bucket charge sheets (their totals and hashes). */
  period?: string;
  sheets?: { bucket: number; units: number; totalFen: number; hash: string }[];
  /** Levy receipts: unit, amount, receipt. */
  lines?: { unitId: string; amountFen: number; receiptRef: string }[];
  /** A payment: the expense it pays. */
  projectId?: string;
  expenseId?: string;
  /** A reversal: the entry it reverses, and the caller's reference for the request. */
  reverses?: number;
  requestRef?: string;
}

export interface Entry extends EntryDraft {
  seq: number;
  balances: Record<string, number>;
  previousHash: string;
  hash: string;
}

export const GENESIS = '0'.repeat(64);
const ACCOUNT = /^(cash|levy_receivable|appropriations|opening_balance|(income|costs|reserved|spent):[a-z0-9_-]{1,64})$/;

export class LedgerRuleError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Accounts whose balance must never cross zero, and in which direction. */
export function overdrawn(account: string, balance: number): boolean {
  if (account === 'cash') return balance < 0;
  if (account.startsWith('reserved:')) return balance > 0;
  return false;
}

export function checkPostings(postings: readonly Posting[]): void {
  if (postings.length < 2) throw new LedgerRuleError('an entry has at least two postings');
  const seen = new Set<string>();
  let sum = 0;
  for (const p of postings) {
    if (!ACCOUNT.test(p.account)) throw new LedgerRuleError(`unknown account ${p.account}`);
    if (seen.has(p.account)) throw new LedgerRuleError(`account ${p.account} appears twice in one entry`);
    seen.add(p.account);
    if (!Number.isSafeInteger(p.amountFen) || p.amountFen === 0) throw new LedgerRuleError(`posting to ${p.account} must be a non-zero whole number of fen`);
    sum += p.amountFen;
  }
  if (sum !== 0) throw new LedgerRuleError(`debits and credits differ by ${sum} fen`);
}

export function applyPostings(balances: Readonly<Record<string, number>>, postings: readonly Posting[]): Record<string, number> {
  const next = { ...balances };
  for (const p of postings) next[p.account] = (next[p.account] ?? 0) + p.amountFen;
  // Beyond 2^53 a number is no longer exact (and DynamoDB's client refuses to read it back).
  const inexact = postings.map((p) => p.account).filter((a) => !Number.isSafeInteger(next[a]!));
  if (inexact.length) throw new LedgerRuleError(`this entry would take ${inexact.join(', ')} beyond 2^53 fen, past what is kept exactly`);
  const over = postings.map((p) => p.account).filter((a) => overdrawn(a, next[a]!));
  if (over.length) throw new LedgerRuleError(`this entry would overdraw ${over.join(', ')}`);
  return next;
}

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// Entries without a detail hash as they always did; the detail is appended only when present.
export function entryHash(e: Omit<Entry, 'hash'>): string {
  const fields: unknown[] = [e.seq, e.kind, e.postings, e.balances, e.memo, e.sourceDocument, e.actor, e.clientRef, e.at, e.previousHash];
  if (e.detail !== undefined) fields.push(e.detail);
  return sha256(canonical(fields));
}

/** What a client reference promises: a retry with the same reference carries the same content. */
export const contentHash = (d: Pick<EntryDraft, 'kind' | 'postings' | 'memo' | 'sourceDocument' | 'detail'>): string =>
  sha256(canonical(d.detail === undefined ? [d.kind, d.postings, d.memo, d.sourceDocument] : [d.kind, d.postings, d.memo, d.sourceDocument, d.detail]));

/** The next entry after `previous` (undefined for the first). Throws LedgerRuleError for an unbalanced or overdrawing entry. */
export function chainEntry(previous: Entry | undefined, draft: EntryDraft): Entry {
  checkPostings(draft.postings);
  const balances = applyPostings(previous?.balances ?? {}, draft.postings);
  const entry = { ...draft, seq: (previous?.seq ?? 0) + 1, balances, previousHash: previous?.hash ?? GENESIS };
  return { ...entry, hash: entryHash(entry) };
}

/**
 * The reversal of an entry. Its client reference is derived from the entry reversed, so an entry has
 * at most one reversal however many requests race (the caller's own reference is kept in the detail:
 * a retry of the same request is recognised, another request is refused).
 */
export function reversalOf(entry: Entry, actor: string, reason: string, requestRef: string, at: string): EntryDraft {
  const detail: EntryDetail = { reverses: entry.seq, requestRef };
  if (entry.detail?.lines) detail.lines = entry.detail.lines.map((l) => ({ ...l, amountFen: -l.amountFen }));
  return {
    kind: 'reversal',
    postings: entry.postings.map((p) => ({ account: p.account, amountFen: -p.amountFen })),
    memo: `reverses entry ${entry.seq}: ${reason}`,
    sourceDocument: { type: 'reversal', ref: `entry:${entry.seq}` },
    actor,
    clientRef: reversalRef(entry.seq),
    at,
    detail,
  };
}

/** The one client reference a reversal of entry `seq` can have (see ids.ts: "@" is never a caller's). */
export const reversalRef = (seq: number): string => `@reversal/${seq}`;

/** The entry a reversal reverses, from its source document. */
export const reversedSeq = (e: Pick<EntryDraft, 'kind' | 'sourceDocument'>): number | undefined => {
  if (e.kind !== 'reversal') return undefined;
  const m = /^entry:(\d+)$/.exec(e.sourceDocument.ref);
  return m ? Number(m[1]) : undefined;
};

export interface LedgerCheck {
  ok: boolean;
  entries: number;
  firstBad?: { seq: number; reason: string };
  balances: Record<string, number>;
  head: string;
}

/**
 * Recompute the chain and the balances from the entries alone, stopping at the first bad entry.
 * `after`: the entries continue the chain from this one (a page of a longer journal); without it
 * they start at the genesis. Double reversals are caught among the entries given (and the CLI gives
 * them all).
 */
export function verifyLedger(entries: readonly Entry[], after?: Entry): LedgerCheck {
  let balances: Record<string, number> = { ...(after?.balances ?? {}) };
  let previousHash = after?.hash ?? GENESIS;
  const offset = after?.seq ?? 0;
  const reversed = new Map<number, number>();
  for (const [i, e] of entries.entries()) {
    const bad = (reason: string): LedgerCheck => ({ ok: false, entries: offset + entries.length, firstBad: { seq: e.seq ?? offset + i + 1, reason }, balances, head: previousHash });
    if (e.seq !== offset + i + 1) return bad(`sequence ${e.seq} where ${offset + i + 1} was expected (a gap or a duplicate)`);
    if (e.previousHash !== previousHash) return bad('previousHash does not match the entry before');
    try {
      checkPostings(e.postings);
      balances = applyPostings(balances, e.postings);
    } catch (error) {
      return bad((error as Error).message);
    }
    if (canonical(balances) !== canonical(e.balances)) return bad('the running balances do not follow from the postings');
    const { hash, ...rest } = e;
    if (entryHash(rest) !== hash) return bad('the hash does not match the entry (altered)');
    if (e.kind === 'reversal') {
      const target = reversedSeq(e);
      if (target === undefined || target >= e.seq) return bad('a reversal of an entry that does not come before it');
      const original = entries[target - 1 - offset];
      if (reversed.has(target)) return bad(`entry ${target} is reversed a second time (first by entry ${reversed.get(target)})`);
      // A target before this window cannot be compared here; the full check (the CLI) compares it.
      if (original) {
        if (original.kind === 'reversal') return bad(`reverses entry ${target}, itself a reversal`);
        if (canonical(e.postings) !== canonical(original.postings.map((p) => ({ account: p.account, amountFen: -p.amountFen })))) return bad(`does not negate entry ${target}`);
      }
      reversed.set(target, e.seq);
    }
    previousHash = hash;
  }
  return { ok: true, entries: offset + entries.length, balances, head: previousHash };
}

/** Available = cash not set aside for projects. */
export const available = (b: Readonly<Record<string, number>>): number => (b.cash ?? 0) - (b.appropriations ?? 0);
