/**
 * Check a published ballot log in the browser, trusting nothing the server says about it: recompute
 * every entry's hash and the chain (services/elections/domain/ballot-log.ts, same serialisation:
 * SHA-256 over JSON arrays), the head, the headcount tally against the published result
 * (domain/verify.ts `headcountTally`), and, with the voter's receipt, that the receipt is the hash of
 * the voter's own ballot record, that it is in the log with the choice cast, and that its area
 * commitment opens with the voter's salt. Web Crypto only; no library.
 */
export interface LogEntry {
  seq: number;
  receipt: string;
  choice: string | string[];
  headcount: number;
  areaCommitment: string;
  previousHash: string;
  hash: string;
}

export interface PublishedLog {
  vote: { voteId: string; kind: 'resolution' | 'election' | 'removal' };
  head: string;
  entries: LogEntry[];
  result: {
    kind: 'resolution' | 'election';
    figures: { participatingHeadcount: number; forHeadcount?: number };
    againstHeadcount?: number;
    abstainHeadcount?: number;
    candidates?: { candidateId: string; forHeadcount: number }[];
  };
}

/** What the voter kept: the answer to their POST …/ballots (or GET …/ballots/mine) and their owner id. */
export interface KeptReceipt {
  voteId: string;
  voterId: string;
  receipt: string;
  nonce: string;
  areaSalt: string;
  choice: string | string[];
  area: number;
  headcount: number;
  castAt: string;
}

export type CheckName = 'chain' | 'head' | 'tally' | 'receiptFound' | 'receiptRecomputed' | 'choice' | 'commitment';
export interface Check {
  name: CheckName;
  ok: boolean;
  detail?: string;
}

export const GENESIS = '0'.repeat(64);

export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export const entryHash = (e: Omit<LogEntry, 'hash'>) => sha256(JSON.stringify([e.seq, e.receipt, e.choice, e.headcount, e.areaCommitment, e.previousHash]));
export const receiptOf = (b: KeptReceipt) => sha256(JSON.stringify([b.voteId, b.voterId, b.choice, b.area, b.headcount, b.castAt, b.nonce]));
export const areaCommitmentOf = (receipt: string, area: number, salt: string) => sha256(JSON.stringify(['area', receipt, area, salt]));

/** The first entry breaking the chain (sequence, link, order or hash), or undefined. */
export async function firstBrokenEntry(entries: readonly LogEntry[]): Promise<string | undefined> {
  let previousHash = GENESIS;
  let previousReceipt = '';
  for (const [i, e] of entries.entries()) {
    if (e.seq !== i) return `entry ${i}: sequence ${e.seq}`;
    if (e.previousHash !== previousHash) return `entry ${i}: previousHash does not match the entry before`;
    if (e.receipt <= previousReceipt) return `entry ${i}: receipts out of order (duplicate or reordered)`;
    const { seq, receipt, choice, headcount, areaCommitment } = e;
    if ((await entryHash({ seq, receipt, choice, headcount, areaCommitment, previousHash })) !== e.hash) return `entry ${i}: hash does not match (altered)`;
    previousHash = e.hash;
    previousReceipt = e.receipt;
  }
  return undefined;
}

export function headcountTally(kind: PublishedLog['vote']['kind'], entries: readonly Pick<LogEntry, 'choice' | 'headcount'>[]): Record<string, number> {
  const counts: Record<string, number> = { participating: 0 };
  for (const e of entries) {
    counts.participating! += e.headcount;
    for (const key of kind === 'election' ? (Array.isArray(e.choice) ? e.choice : []) : [String(e.choice)]) counts[key] = (counts[key] ?? 0) + e.headcount;
  }
  return counts;
}

export function publishedHeadcounts(r: PublishedLog['result']): Record<string, number> {
  return r.kind === 'resolution'
    ? { participating: r.figures.participatingHeadcount, for: r.figures.forHeadcount ?? 0, against: r.againstHeadcount ?? 0, abstain: r.abstainHeadcount ?? 0 }
    : { participating: r.figures.participatingHeadcount, ...Object.fromEntries((r.candidates ?? []).map((c) => [c.candidateId, c.forHeadcount])) };
}

export async function verifyInBrowser(log: PublishedLog, kept?: KeptReceipt): Promise<Check[]> {
  const checks: Check[] = [];
  const broken = await firstBrokenEntry(log.entries);
  checks.push({ name: 'chain', ok: !broken, detail: broken });
  const head = log.entries.at(-1)?.hash ?? GENESIS;
  checks.push({ name: 'head', ok: head === log.head, detail: head === log.head ? undefined : `${head} ≠ ${log.head}` });
  const counted = headcountTally(log.vote.kind, log.entries);
  const published = publishedHeadcounts(log.result);
  const keys = new Set([...Object.keys(counted), ...Object.keys(published)]);
  const differ = [...keys].filter((k) => (counted[k] ?? 0) !== (published[k] ?? 0));
  checks.push({ name: 'tally', ok: differ.length === 0, detail: differ.map((k) => `${k}: ${counted[k] ?? 0} ≠ ${published[k] ?? 0}`).join(', ') || undefined });
  if (!kept) return checks;
  const recomputed = await receiptOf(kept);
  checks.push({ name: 'receiptRecomputed', ok: recomputed === kept.receipt });
  const mine = log.entries.find((e) => e.receipt === kept.receipt);
  checks.push({ name: 'receiptFound', ok: !!mine });
  checks.push({ name: 'choice', ok: !!mine && JSON.stringify(mine.choice) === JSON.stringify(kept.choice) });
  checks.push({ name: 'commitment', ok: !!mine && (await areaCommitmentOf(kept.receipt, kept.area, kept.areaSalt)) === mine.areaCommitment });
  return checks;
}
