import type { Principal } from '../../../libs/auth';
import { clock } from '../../../libs/clock';
import { conflict, NotReady, ruleBroken, type FieldError } from '../../../libs/errors';
import type { Entry } from '../domain/ledger';
import { bucketOf, creditFen, levyFigures, maxPaymentFen, monthlyLevyFen, owedFen, owingSince, type LevyFigures, type UnitLevy } from '../domain/levy';
import { systemRef } from '../domain/ids';
import { levyPaymentPostings } from '../domain/postings';
import * as ledger from '../store/ledger';
import * as levies from '../store/levy';
import type { Bucket } from '../store/levy';
import { registry } from '../store/table';
import { applyToBuckets, FUND, requireLevy, syncBuckets } from './levy';

/**
 * The levy's accounts as people see them: receipts recorded (one journal entry per receipt or per
 * batch, all or nothing), a unit's account, and the compound's summary checked against the journal.
 */
/** A receipt claimed by a payment that has not reached the journal after this long may be taken over. */
const RECEIPT_LEASE_MS = 2 * 60_000;

export interface PaymentLine {
  receiptRef: string;
  unitId: string;
  amountFen: number;
  /** Where it came from (a CSV line), for the report of what is wrong. */
  line?: number;
}

export interface UnitAccountView {
  unitId: string;
  payerId?: string;
  ownerId?: string;
  holding?: string;
  chargedFen: number;
  paidFen: number;
  owedFen: number;
  creditFen: number;
  owingSince?: string;
  arrearsOpen?: string;
  recent: { period: string; fen: number; payerId: string }[];
}

export function unitView(u: UnitLevy): UnitAccountView {
  return {
    unitId: u.unitId,
    payerId: u.payerId,
    ownerId: u.ownerId,
    holding: u.holding,
    chargedFen: u.chargedFen,
    paidFen: u.paidFen,
    owedFen: owedFen(u),
    creditFen: creditFen(u),
    owingSince: owingSince(u)?.period,
    arrearsOpen: u.arrearsId,
    recent: u.recent.map(([period, fen, payerId]) => ({ period, fen, payerId })),
  };
}

export async function unitAccount(compoundId: string, unitId: string): Promise<UnitLevy | undefined> {
  const levy = await requireLevy(compoundId);
  const bucket = await levies.getBucket(compoundId, bucketOf(unitId, levy.buckets));
  return bucket.units[unitId];
}

/**
 * Record levy receipts: one journal entry for all of them (a single receipt, or a batch from a CSV),
 * all or nothing. Each receipt is claimed once per compound; each line is checked against the unit
 * (on the roll, not paying more than it owes plus ADVANCE_MONTHS_MAX months ahead). Then the entry,
 * then the accounts of the units paid for (derived from the entry; a crash in between is caught up
 * from the journal by the next run or read).
 */
export async function recordPayments(
  compoundId: string,
  paymentId: string,
  lines: PaymentLine[],
  principal: Principal,
  memo: string,
  /** Problems already found (lines of a file that did not parse): reported together with the rest. */
  earlier: FieldError[] = [],
): Promise<{ entry: Entry; replayed: boolean; accounts: UnitAccountView[] }> {
  const levy = await requireLevy(compoundId);
  const errors: FieldError[] = [...earlier];
  const where = (l: PaymentLine, i: number) => (l.line !== undefined ? `line ${l.line}` : lines.length > 1 ? `body.lines[${i}]` : 'body');
  const seen = new Set<string>();
  lines.forEach((l, i) => {
    const key = `${l.receiptRef}\u0000${l.unitId}`;
    if (seen.has(key)) errors.push({ field: `${where(l, i)}: receipt`, reason: `receipt ${l.receiptRef} names unit ${l.unitId} twice` });
    seen.add(key);
  });

  // The units: known accounts, or on the roll (a unit may pay before its first charge).
  const touched = [...new Set(lines.map((l) => bucketOf(l.unitId, levy.buckets)))];
  const buckets = new Map((await levies.getBuckets(compoundId, touched)).map((b) => [b.bucket, b]));
  const unknown = lines.filter((l) => !buckets.get(bucketOf(l.unitId, levy.buckets))!.units[l.unitId]);
  let roll: Map<string, { area: number }> | undefined;
  if (unknown.length) {
    const compound = await registry.getCompound(compoundId);
    const active = compound && (await registry.loadActiveRoll(compound));
    roll = new Map((active?.units ?? []).map((u) => [u.unitId, u]));
  }
  const paying = new Map<string, number>();
  lines.forEach((l, i) => {
    const account = buckets.get(bucketOf(l.unitId, levy.buckets))!.units[l.unitId];
    const onRoll = roll?.get(l.unitId);
    if (!account && !onRoll) return void errors.push({ field: `${where(l, i)}: unit`, reason: `unit ${l.unitId} is not on the compound's roll` });
    const monthly = account?.recent.at(-1)?.[1] ?? monthlyLevyFen(levy.rateFenPerM2Month, onRoll!.area);
    const total = (paying.get(l.unitId) ?? 0) + l.amountFen;
    paying.set(l.unitId, total);
    const max = maxPaymentFen(account, monthly);
    if (total > max) errors.push({ field: `${where(l, i)}: amount`, reason: `unit ${l.unitId} owes ${account ? owedFen(account) : 0} fen; it may pay at most ${max} fen (up to 12 months ahead)` });
  });
  const lineOf = (e: FieldError) => Number(/^line (\d+)/.exec(e.field)?.[1] ?? 0);
  if (errors.length)
    throw ruleBroken(
      `${errors.length} problem(s) with the receipts; nothing was recorded`,
      errors.sort((a, b) => lineOf(a) - lineOf(b)),
    );

  const clientRef = systemRef('levy-pay', paymentId);
  await claimReceipts(compoundId, clientRef, lines);
  const total = lines.reduce((s, l) => s + l.amountFen, 0);
  const { entry, replayed } = await ledger.append(compoundId, FUND, {
    kind: 'levy_payment',
    postings: levyPaymentPostings(total),
    memo,
    sourceDocument: { type: 'receipt', ref: paymentId },
    actor: principal.subject,
    clientRef,
    at: clock.nowIso(),
    detail: { lines: lines.map((l) => ({ unitId: l.unitId, amountFen: l.amountFen, receiptRef: l.receiptRef })) },
  });
  const after = await applyToBuckets(levy, entry, principal.subject);
  const units = [...new Set(lines.map((l) => l.unitId))];
  return { entry, replayed, accounts: units.map((u) => unitView(after.get(bucketOf(u, levy.buckets))?.units[u] ?? { unitId: u, chargedFen: 0, paidFen: 0, recent: [] })) };
}

/** Claim every receipt of a payment, or release what was claimed and say which ones are taken. */
async function claimReceipts(compoundId: string, paymentRef: string, lines: PaymentLine[]): Promise<void> {
  const byReceipt = new Map<string, PaymentLine[]>();
  for (const l of lines) byReceipt.set(l.receiptRef, [...(byReceipt.get(l.receiptRef) ?? []), l]);
  const claimedNow: string[] = [];
  const errors: FieldError[] = [];
  const now = clock.now().getTime();
  const receipts = [...byReceipt.entries()];
  for (let i = 0; i < receipts.length; i += 16) {
    await Promise.all(
      receipts.slice(i, i + 16).map(async ([receiptRef, its]) => {
        const claim = { receiptRef, paymentRef, lines: its.map((l) => ({ unitId: l.unitId, amountFen: l.amountFen })), claimedAt: now };
        const outcome = await levies.claimReceipt(compoundId, claim);
        if (outcome.claimed) return void claimedNow.push(receiptRef);
        const existing = outcome.existing;
        if (existing.paymentRef === paymentRef) return; // a retry of this very payment
        const landed = await ledger.referenceStatus(compoundId, FUND, existing.paymentRef);
        const abandoned = landed?.status !== 'done' && existing.claimedAt + RECEIPT_LEASE_MS < now && (landed === undefined || landed.leaseUntil < now);
        if (abandoned && (await levies.takeOverReceipt(compoundId, claim, existing))) return void claimedNow.push(receiptRef);
        const line = its[0]!;
        errors.push({
          field: `${line.line !== undefined ? `line ${line.line}` : 'body'}: receipt`,
          reason:
            landed?.status === 'done'
              ? `receipt ${receiptRef} was already recorded (entry ${landed.seq}, for unit ${existing.lines.map((l) => l.unitId).join(', ')})`
              : `receipt ${receiptRef} is being recorded by another payment`,
        });
      }),
    );
  }
  if (errors.length) {
    await Promise.all(claimedNow.map((r) => levies.releaseReceipt(compoundId, r, paymentRef)));
    throw conflict(`${errors.length} receipt(s) are already used; nothing was recorded`, { errors });
  }
}

/** A payment entry (or its reversal) applied to the accounts it names; arrears cleared where nothing is owed any more. */
// ---- summary -------------------------------------------------------------------------------------------

export interface LevySummary extends LevyFigures {
  compoundId: string;
  rateFenPerM2Month: number;
  firstPeriod: string;
  chargedThrough?: string;
  resolutionRef: string;
  /** The journal's figures, which the accounts must agree with. */
  ledger: { chargedFen: number; paidFen: number; netOwedFen: number; headSeq: number };
  reconciled: boolean;
}

/**
 * The levy's figures from every account, checked against the journal. If they disagree (an entry
 * not yet applied to an account: a crash, or a payment in flight), the accounts catch up first.
 */
export async function levySummary(compoundId: string): Promise<LevySummary> {
  const levy = await requireLevy(compoundId).catch(async (error: unknown) => {
    // A levy waiting for its roll has no accounts yet (no buckets): nothing charged, nothing owed.
    const waiting = error instanceof NotReady ? await levies.getLevy(compoundId) : undefined;
    if (!waiting) throw error;
    return waiting;
  });
  const all = Array.from({ length: levy.buckets }, (_, b) => b);
  const figures = async (buckets: Bucket[]) => {
    const head = await ledger.headEntry(compoundId, FUND);
    const b = head?.balances ?? {};
    const charged = -(b['income:levy'] ?? 0);
    const net = b.levy_receivable ?? 0;
    return { head, charged, net, f: levyFigures(buckets.flatMap((x) => Object.values(x.units))) };
  };
  let state = await figures(await levies.getBuckets(compoundId, all));
  let reconciled = state.f.chargedFen === state.charged && state.f.chargedFen - state.f.paidFen === state.net;
  if (!reconciled) {
    state = await figures(await syncBuckets(levy, all, { actor: 'funds:levy-summary' }));
    reconciled = state.f.chargedFen === state.charged && state.f.chargedFen - state.f.paidFen === state.net;
  }
  return {
    compoundId,
    rateFenPerM2Month: levy.rateFenPerM2Month,
    firstPeriod: levy.firstPeriod,
    chargedThrough: levy.chargedThrough,
    resolutionRef: levy.resolutionRef,
    ...state.f,
    ledger: { chargedFen: state.charged, paidFen: state.charged - state.net, netOwedFen: state.net, headSeq: state.head?.seq ?? 0 },
    reconciled,
  };
}

/** Catch every account up with the journal (the disclosure and the report want exact figures). */
