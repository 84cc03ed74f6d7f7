/**
 * Check a published ballot log in the browser, trusting nothing the server says about it: recompute
 * every entry's hash and the chain (services/elections/domain/ballot-log.ts, same serialisation:
 * SHA-256 over JSON arrays), the head, the headcount tally against the published result
 * (domain/verify.ts `headcountTally`), and, with the voter's receipt, that the receipt is the hash of
 * the voter's own ballot record (channel, proxy and paper number included), that it is in the log with
 * the choice cast, and that its commitment opens with the voter's salt. Removal entries (ballots
 * struck by an upheld objection) are checked in the chain and left out of the tally. Web Crypto only; no library.
 */
export interface LogEntry {
  seq: number;
  receipt: string;
  choice: string | string[];
  headcount: number;
  commitment: string;
  previousHash: string;
  hash: string;
}

/** A ballot struck from the count by an upheld objection, appended after the ballots. */
export interface RemovalEntry {
  seq: number;
  removes: string;
  objectionId: string;
  previousHash: string;
  hash: string;
}

export type AnyLogEntry = LogEntry | RemovalEntry;
export const isRemoval = (e: AnyLogEntry): e is RemovalEntry => typeof (e as RemovalEntry).removes === 'string';

export interface PublishedLog {
  vote: { voteId: string; kind: 'resolution' | 'election' | 'removal' };
  head: string;
  entries: AnyLogEntry[];
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
  salt: string;
  choice: string | string[];
  area: number;
  headcount: number;
  castAt: string;
  channel: 'online' | 'paper';
  /** Who voted for the owner under a proxy, if anyone. */
  proxyHolderId?: string;
  /** The paper ballot's number, if on paper. */
  paperNumber?: string;
}

/** The receipt as the server answers it (POST …/ballots, GET …/ballots/mine), as the browser keeps it. */
export function keptFrom(answer: any, voteId: string, voterId: string): KeptReceipt {
  return {
    voteId,
    voterId: answer.voterId ?? voterId,
    receipt: answer.receipt,
    nonce: answer.nonce,
    salt: answer.salt,
    choice: answer.choice,
    area: answer.area,
    headcount: answer.headcount,
    castAt: answer.castAt,
    channel: answer.channel ?? 'online',
    ...(answer.proxy?.holderId ? { proxyHolderId: answer.proxy.holderId } : {}),
    ...(answer.paper?.number ? { paperNumber: answer.paper.number } : {}),
  };
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

export const entryHash = (e: Omit<LogEntry, 'hash'>) => sha256(JSON.stringify([e.seq, e.receipt, e.choice, e.headcount, e.commitment, e.previousHash]));
export const removalHash = (e: Omit<RemovalEntry, 'hash'>) => sha256(JSON.stringify(['removal', e.seq, e.removes, e.objectionId, e.previousHash]));
export const receiptOf = (b: KeptReceipt) => sha256(JSON.stringify([b.voteId, b.voterId, b.choice, b.area, b.headcount, b.castAt, b.nonce, b.channel, b.proxyHolderId ?? null, b.paperNumber ?? null]));
export const commitmentOf = (receipt: string, o: { area: number; channel: string; byProxy: boolean }, salt: string) => sha256(JSON.stringify(['ballot', receipt, o.area, o.channel, o.byProxy, salt]));

/** The first entry breaking the log (sequence, link, order, hash, a removal of what is not there), or undefined. */
export async function firstBrokenEntry(entries: readonly AnyLogEntry[]): Promise<string | undefined> {
  let previousHash = GENESIS;
  let previousReceipt = '';
  let removing = false;
  const receipts = new Set<string>();
  const removed = new Set<string>();
  for (const [i, e] of entries.entries()) {
    if (e.seq !== i) return `entry ${i}: sequence ${e.seq}`;
    if (e.previousHash !== previousHash) return `entry ${i}: previousHash does not match the entry before`;
    if (isRemoval(e)) {
      removing = true;
      const { seq, removes, objectionId } = e;
      if ((await removalHash({ seq, removes, objectionId, previousHash })) !== e.hash) return `entry ${i}: hash does not match (altered)`;
      if (!receipts.has(removes) || removed.has(removes)) return `entry ${i}: removes a ballot that is not in the log, or twice`;
      removed.add(removes);
    } else {
      if (removing) return `entry ${i}: a ballot after the removals`;
      if (e.receipt <= previousReceipt) return `entry ${i}: receipts out of order (duplicate or reordered)`;
      const { seq, receipt, choice, headcount, commitment } = e;
      if ((await entryHash({ seq, receipt, choice, headcount, commitment, previousHash })) !== e.hash) return `entry ${i}: hash does not match (altered)`;
      receipts.add(e.receipt);
      previousReceipt = e.receipt;
    }
    previousHash = e.hash;
  }
  return undefined;
}

/** The ballot entries that still count: those no removal entry strikes. */
export function countedEntries(entries: readonly AnyLogEntry[]): LogEntry[] {
  const removed = new Set(entries.flatMap((e) => (isRemoval(e) ? [e.removes] : [])));
  return entries.filter((e): e is LogEntry => !isRemoval(e) && !removed.has(e.receipt));
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
  const counted = headcountTally(log.vote.kind, countedEntries(log.entries));
  const published = publishedHeadcounts(log.result);
  const keys = new Set([...Object.keys(counted), ...Object.keys(published)]);
  const differ = [...keys].filter((k) => (counted[k] ?? 0) !== (published[k] ?? 0));
  checks.push({ name: 'tally', ok: differ.length === 0, detail: differ.map((k) => `${k}: ${counted[k] ?? 0} ≠ ${published[k] ?? 0}`).join(', ') || undefined });
  if (!kept) return checks;
  const recomputed = await receiptOf(kept);
  checks.push({ name: 'receiptRecomputed', ok: recomputed === kept.receipt });
  const mine = log.entries.find((e): e is LogEntry => !isRemoval(e) && e.receipt === kept.receipt);
  const struck = log.entries.some((e) => isRemoval(e) && e.removes === kept.receipt);
  // Found but struck by an upheld objection: in the log, no longer counted; the voter must see that.
  checks.push({ name: 'receiptFound', ok: !!mine && !struck, detail: struck ? 'struck by an upheld objection' : undefined });
  checks.push({ name: 'choice', ok: !!mine && JSON.stringify(mine.choice) === JSON.stringify(kept.choice) });
  const opening = { area: kept.area, channel: kept.channel, byProxy: kept.proxyHolderId !== undefined };
  checks.push({ name: 'commitment', ok: !!mine && (await commitmentOf(kept.receipt, opening, kept.salt)) === mine.commitment });
  return checks;
}
