/**
 * Check a fund's ledger in the browser, trusting nothing the server says about it: recompute every
 * entry's hash (services/funds/domain/ledger.ts `entryHash`, same serialisation: SHA-256 over the
 * canonical JSON of the fields, object keys sorted, the detail appended only when present), the
 * chain of previousHash links, the sequence, that every entry is balanced (integer fen, debits =
 * credits), the running balances from the postings alone, the reversals, and that the head the
 * server publishes (GET …/funds `headHash`) is the hash the chain reaches. Web Crypto only; no library.
 *
 * Each check runs over every entry (not only to the first fault), so the owner sees each kind of
 * fault at once; `firstBad` is the first entry any check rejects, the entry the server's
 * `verifyLedger` stops at.
 */
export interface Posting {
  account: string;
  amountFen: number;
}

export interface LedgerEntry {
  seq: number;
  kind: string;
  postings: Posting[];
  balances: Record<string, number>;
  memo: string;
  sourceDocument: { type: string; ref: string };
  actor: string;
  clientRef: string;
  at: string;
  detail?: unknown;
  previousHash: string;
  hash: string;
}

/** What the server claims: the head of the chain and how many entries it had (GET /compounds/{c}/funds). */
export interface ClaimedHead {
  head: string;
  entries: number;
}

export type LedgerCheckName = 'sequence' | 'links' | 'hashes' | 'balanced' | 'balances' | 'reversals' | 'head';
export interface LedgerCheck {
  name: LedgerCheckName;
  ok: boolean;
  detail?: string;
}

export interface LedgerVerdict {
  ok: boolean;
  entries: number;
  checks: LedgerCheck[];
  /** The first entry any check rejects (its position from 1, the seq it states, the check). */
  firstBad?: { position: number; seq: number; check: LedgerCheckName; reason: string };
  /** Balances recomputed from the postings alone (fen). */
  balances: Record<string, number>;
  /** The hash the chain reaches, recomputed. */
  head: string;
}

export const GENESIS = '0'.repeat(64);
const ACCOUNT = /^(cash|levy_receivable|appropriations|opening_balance|(income|costs|reserved|spent):[a-z0-9_-]{1,64})$/;
const HASH_BATCH = 512;

export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** JSON with every object's keys sorted, as the server serialises what it hashes. */
export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );

export function ledgerEntryHash(e: Omit<LedgerEntry, 'hash'>): Promise<string> {
  const fields: unknown[] = [e.seq, e.kind, e.postings, e.balances, e.memo, e.sourceDocument, e.actor, e.clientRef, e.at, e.previousHash];
  if (e.detail !== undefined) fields.push(e.detail);
  return sha256(canonical(fields));
}

/** Why the postings of one entry do not balance, or undefined (the server's `checkPostings`). */
export function unbalanced(postings: readonly Posting[]): string | undefined {
  if (!Array.isArray(postings) || postings.length < 2) return 'an entry has at least two postings';
  const seen = new Set<string>();
  let sum = 0;
  for (const p of postings) {
    if (!ACCOUNT.test(p.account)) return `unknown account ${p.account}`;
    if (seen.has(p.account)) return `account ${p.account} appears twice in one entry`;
    seen.add(p.account);
    if (!Number.isSafeInteger(p.amountFen) || p.amountFen === 0) return `posting to ${p.account} must be a non-zero whole number of fen`;
    sum += p.amountFen;
  }
  return sum === 0 ? undefined : `debits and credits differ by ${sum} fen`;
}

const overdrawn = (account: string, balance: number) => (account === 'cash' ? balance < 0 : account.startsWith('reserved:') ? balance > 0 : false);

async function recomputedHashes(entries: readonly LedgerEntry[]): Promise<string[]> {
  const hashes: string[] = [];
  for (let i = 0; i < entries.length; i += HASH_BATCH) {
    hashes.push(...(await Promise.all(entries.slice(i, i + HASH_BATCH).map(({ hash: _stated, ...rest }) => ledgerEntryHash(rest)))));
  }
  return hashes;
}

/** Every entry of the fund, from its first, against the head the server claims for it. */
export async function verifyLedgerInBrowser(entries: readonly LedgerEntry[], claimed: ClaimedHead): Promise<LedgerVerdict> {
  const hashes = await recomputedHashes(entries);
  const faults = new Map<LedgerCheckName, { position: number; reason: string }>();
  const fault = (name: LedgerCheckName, position: number, reason: string) => {
    if (!faults.has(name)) faults.set(name, { position, reason });
  };
  let balances: Record<string, number> = {};
  let previousHash = GENESIS;
  const reversed = new Map<number, number>();
  for (const [i, e] of entries.entries()) {
    const position = i + 1;
    if (e.seq !== position) fault('sequence', position, `sequence ${e.seq} where ${position} was expected (a gap, a duplicate or a reordering)`);
    if (e.previousHash !== previousHash) fault('links', position, 'previousHash does not match the entry before');
    if (hashes[i] !== e.hash) fault('hashes', position, 'the hash does not match the entry (altered)');
    const notBalanced = unbalanced(e.postings);
    if (notBalanced) fault('balanced', position, notBalanced);
    // The running balances follow from the postings alone, whatever each entry states.
    const next = { ...balances };
    for (const p of Array.isArray(e.postings) ? e.postings : []) next[p.account] = (next[p.account] ?? 0) + p.amountFen;
    const touched = (Array.isArray(e.postings) ? e.postings : []).map((p) => p.account);
    const inexact = touched.filter((a) => !Number.isSafeInteger(next[a]));
    const over = touched.filter((a) => overdrawn(a, next[a]!));
    if (inexact.length) fault('balances', position, `takes ${inexact.join(', ')} beyond 2^53 fen`);
    else if (over.length) fault('balances', position, `overdraws ${over.join(', ')}`);
    else if (canonical(next) !== canonical(e.balances)) fault('balances', position, 'the running balances do not follow from the postings');
    balances = next;
    if (e.kind === 'reversal') {
      const m = /^entry:(\d+)$/.exec(e.sourceDocument?.ref ?? '');
      const target = m ? Number(m[1]) : undefined;
      const original = target !== undefined ? entries[target - 1] : undefined;
      if (target === undefined || target >= e.seq) fault('reversals', position, 'a reversal of an entry that does not come before it');
      else if (reversed.has(target)) fault('reversals', position, `entry ${target} is reversed a second time (first by entry ${reversed.get(target)})`);
      else if (original?.kind === 'reversal') fault('reversals', position, `reverses entry ${target}, itself a reversal`);
      else if (!original || canonical(e.postings) !== canonical(original.postings.map((p) => ({ account: p.account, amountFen: -p.amountFen }))))
        fault('reversals', position, `does not negate entry ${target}`);
      if (target !== undefined) reversed.set(target, e.seq);
    }
    // Linked by the hash each entry states (the hashes check compares it with the recomputed one), as the server links them.
    previousHash = e.hash;
  }
  // The chain is append-only: the head claimed when it had n entries is the hash of entry n (later entries may follow).
  const reached = claimed.entries === 0 ? GENESIS : hashes[claimed.entries - 1];
  if (reached === undefined) fault('head', entries.length, `the server claims ${claimed.entries} entries; the export holds ${entries.length}`);
  else if (reached !== claimed.head) fault('head', claimed.entries, `recomputed ${reached} ≠ claimed ${claimed.head}`);
  const names: LedgerCheckName[] = ['sequence', 'links', 'hashes', 'balanced', 'balances', 'reversals', 'head'];
  const checks = names.map((name): LedgerCheck => {
    const f = faults.get(name);
    return f ? { name, ok: false, detail: `entry ${f.position}: ${f.reason}` } : { name, ok: true };
  });
  const first = [...faults.entries()].filter(([name]) => name !== 'head').sort(([, a], [, b]) => a.position - b.position)[0];
  const headFault = faults.get('head');
  const firstBad = first
    ? { position: first[1].position, seq: entries[first[1].position - 1]!.seq, check: first[0], reason: first[1].reason }
    : headFault
      ? { position: headFault.position, seq: entries[headFault.position - 1]?.seq ?? headFault.position, check: 'head' as const, reason: headFault.reason }
      : undefined;
  return { ok: faults.size === 0, entries: entries.length, checks, ...(firstBad ? { firstBad } : {}), balances, head: entries.length ? hashes.at(-1)! : GENESIS };
}

interface ExportPage {
  entries: LedgerEntry[];
  nextCursor?: string;
}

/**
 * Every page of a fund's export (GET …/funds/{fund}/export, following nextCursor), after the head the
 * server claims (GET …/funds): entries appended in between only extend the chain past that head.
 */
export async function fetchLedger(get: (path: string) => Promise<any>, compoundId: string, fund: string): Promise<{ entries: LedgerEntry[]; claimed: ClaimedHead; pages: number }> {
  const summary = await get(`/compounds/${encodeURIComponent(compoundId)}/funds`);
  const mine = (summary.funds as { fund: string; entries: number; headHash?: string }[]).find((f) => f.fund === fund);
  const claimed: ClaimedHead = { head: mine?.headHash ?? GENESIS, entries: mine?.entries ?? 0 };
  const path = `/compounds/${encodeURIComponent(compoundId)}/funds/${encodeURIComponent(fund)}/export`;
  const entries: LedgerEntry[] = [];
  let pages = 0;
  for (let cursor: string | undefined; ; ) {
    const page = (await get(cursor ? `${path}?cursor=${encodeURIComponent(cursor)}` : path)) as ExportPage;
    pages += 1;
    entries.push(...page.entries);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return { entries, claimed, pages };
}
