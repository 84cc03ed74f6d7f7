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
 *   levy_receivable       small-maintenance levy charged and not yet paid (must not go below zero)
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
  if (account === 'cash' || account === 'levy_receivable') return balance < 0;
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
  const over = postings.map((p) => p.account).filter((a) => overdrawn(a, next[a]!));
  if (over.length) throw new LedgerRuleError(`this entry would overdraw ${over.join(', ')}`);
  return next;
}

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function entryHash(e: Omit<Entry, 'hash'>): string {
  return sha256(canonical([e.seq, e.kind, e.postings, e.balances, e.memo, e.sourceDocument, e.actor, e.clientRef, e.at, e.previousHash]));
}

/** What a client reference promises: a retry with the same reference carries the same content. */
export const contentHash = (d: Pick<EntryDraft, 'kind' | 'postings' | 'memo' | 'sourceDocument'>): string =>
  sha256(canonical([d.kind, d.postings, d.memo, d.sourceDocument]));

/** The next entry after `previous` (undefined for the first). Throws LedgerRuleError for an unbalanced or overdrawing entry. */
export function chainEntry(previous: Entry | undefined, draft: EntryDraft): Entry {
  checkPostings(draft.postings);
  const balances = applyPostings(previous?.balances ?? {}, draft.postings);
  const entry = { ...draft, seq: (previous?.seq ?? 0) + 1, balances, previousHash: previous?.hash ?? GENESIS };
  return { ...entry, hash: entryHash(entry) };
}

export function reversalOf(entry: Entry, actor: string, reason: string, clientRef: string, at: string): EntryDraft {
  return {
    kind: 'reversal',
    postings: entry.postings.map((p) => ({ account: p.account, amountFen: -p.amountFen })),
    memo: `reverses entry ${entry.seq}: ${reason}`,
    sourceDocument: { type: 'reversal', ref: `entry:${entry.seq}` },
    actor,
    clientRef,
    at,
  };
}

export interface LedgerCheck {
  ok: boolean;
  entries: number;
  firstBad?: { seq: number; reason: string };
  balances: Record<string, number>;
  head: string;
}

/** Recompute the chain and the balances from the entries alone, stopping at the first bad entry. */
export function verifyLedger(entries: readonly Entry[]): LedgerCheck {
  let balances: Record<string, number> = {};
  let previousHash = GENESIS;
  for (const [i, e] of entries.entries()) {
    const bad = (reason: string): LedgerCheck => ({ ok: false, entries: entries.length, firstBad: { seq: e.seq ?? i + 1, reason }, balances, head: previousHash });
    if (e.seq !== i + 1) return bad(`sequence ${e.seq} where ${i + 1} was expected (a gap or a duplicate)`);
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
    previousHash = hash;
  }
  return { ok: true, entries: entries.length, balances, head: previousHash };
}

/** Available = cash not set aside for projects. */
export const available = (b: Readonly<Record<string, number>>): number => (b.cash ?? 0) - (b.appropriations ?? 0);
