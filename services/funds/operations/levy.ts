import { ArrearsCleared, ArrearsRecorded, LevyMonthCharged, LevyStarted } from '../../../events/catalogue';
import type { BusEvent } from '../../../events/envelope';
import type { Principal } from '../../../libs/auth';
import { clock } from '../../../libs/clock';
import { conflict, notFound, NotReady, notReady, ruleBroken, type FieldError } from '../../../libs/errors';
import { logger } from '../../../libs/logger';
import { addMonths, monthOf, monthStart, timeZoneOf } from '../domain/calendar';
import { eventId, shortId, systemRef } from '../domain/ids';
import type { Entry } from '../domain/ledger';
import {
  applyCharge,
  applyPayments,
  arrearsChanges,
  bucketCount,
  bucketOf,
  chargeSheets,
  creditFen,
  firstLevyMonth,
  isApplied,
  levyFigures,
  maxPaymentFen,
  monthlyLevyFen,
  owedFen,
  owingSince,
  settleThrough,
  sheetHash,
  sheetTotal,
  type ChargeLine,
  type LevyFigures,
  type UnitLevy,
} from '../domain/levy';
import { levyChargePostings, levyPaymentPostings } from '../domain/postings';
import * as ledger from '../store/ledger';
import * as levies from '../store/levy';
import type { Bucket, LevyConfig } from '../store/levy';
import { registry } from '../store/table';
import { eventContext } from './context';

/**
 * The small-maintenance levy: started by a matter-6 resolution, charged month by month per compound
 * (a unit of work of the levy clock), paid by receipts. The journal is the source of truth; the unit
 * accounts (buckets) are derived from it (see domain/levy.ts).
 */
const FUND = 'small_maintenance' as const;
/** A receipt claimed by a payment that has not reached the journal after this long may be taken over. */
const RECEIPT_LEASE_MS = 2 * 60_000;

export async function startLevy(input: { compoundId: string; rateFenPerM2Month: number; voteId: string; decidedAt: string; correlationId?: string }): Promise<boolean> {
  const compound = await registry.getCompound(input.compoundId);
  if (!compound) throw notReady(`compound ${input.compoundId} is not known here yet`);
  const timeZone = timeZoneOf(compound);
  const firstPeriod = firstLevyMonth(monthOf(input.decidedAt, timeZone));
  const resolutionRef = `elections/vote/${input.voteId}`;
  const levy: LevyConfig = {
    compoundId: input.compoundId,
    rateFenPerM2Month: input.rateFenPerM2Month,
    resolutionRef,
    firstPeriod,
    timeZone,
    developerId: compound.developerId,
    buckets: compound.unitCount ? bucketCount(compound.unitCount) : 0,
    startedAt: clock.nowIso(),
  };
  const event = LevyStarted.create(
    { compoundId: input.compoundId, rateFenPerM2Month: input.rateFenPerM2Month, firstPeriod, resolutionRef },
    eventContext(input.compoundId, 'funds', eventId('LevyStarted', input.compoundId, input.voteId), input.correlationId),
  );
  return levies.startLevy(levy, monthStart(firstPeriod, timeZone), [event]);
}

export async function requireLevy(compoundId: string): Promise<LevyConfig> {
  const levy = await levies.getLevy(compoundId);
  if (!levy) throw notFound(`compound ${compoundId} has no small-maintenance levy (it needs a 3/4 resolution of matter 6)`);
  if (levy.buckets > 0) return levy;
  // Started before its roll arrived: the buckets are sized now, once.
  const compound = await registry.getCompound(compoundId);
  if (!compound?.unitCount) throw notReady(`the roll of ${compoundId} is not known here yet`);
  await levies.setBuckets(compoundId, bucketCount(compound.unitCount));
  return (await levies.getLevy(compoundId))!;
}

const arrearsIdFor = (compoundId: string) => (unitId: string, since: string) => shortId('levy', compoundId, unitId, since);

function arrearsEvents(compoundId: string, opened: ReturnType<typeof arrearsChanges>['opened'], cleared: ReturnType<typeof arrearsChanges>['cleared'], actor: string): BusEvent[] {
  return [
    ...opened.map((a) =>
      ArrearsRecorded.create(
        { compoundId, ownerId: a.payerId, unitId: a.unitId, kind: 'small_maintenance_levy', amountFen: a.owedFen, arrearsId: a.arrearsId },
        eventContext(compoundId, actor, eventId('ArrearsRecorded', compoundId, a.arrearsId)),
      ),
    ),
    ...cleared.map((a) => ArrearsCleared.create({ compoundId, ownerId: a.payerId, unitId: a.unitId, arrearsId: a.arrearsId }, eventContext(compoundId, actor, eventId('ArrearsCleared', compoundId, a.arrearsId)))),
  ];
}

/**
 * Bring buckets up to date with the journal: apply the levy entries they have not applied (in order),
 * then, when `period` is given, open or clear arrears as of that month. One conditional write per
 * bucket; a bucket changed meanwhile is read again.
 */
async function syncBuckets(levy: LevyConfig, buckets: readonly number[], options: { period?: string; known?: Map<string, ChargeLine[]>; actor: string }): Promise<Bucket[]> {
  const { compoundId } = levy;
  const out: Bucket[] = [];
  let states = await levies.getBuckets(compoundId, buckets);
  for (let attempt = 0; attempt < 6 && states.length > 0; attempt++) {
    const from = Math.min(...states.map((b) => b.throughSeq));
    const { entries } = await ledger.entriesAfter(compoundId, FUND, from);
    const levyEntries = entries.filter((e) => e.kind === 'levy_charge' || e.detail?.lines);
    const lastSeq = entries.at(-1)?.seq ?? from;
    const retry: number[] = [];
    await Promise.all(
      states.map(async (bucket) => {
        let state: Bucket = bucket;
        for (const entry of levyEntries) {
          if (isApplied(state, entry.seq)) continue;
          state = { ...state, ...(await applyEntry(levy, state, entry, options.known)) };
        }
        state = { ...state, ...settleThrough(state, lastSeq) };
        let events: BusEvent[] = [];
        if (options.period) {
          const changes = arrearsChanges(state, options.period, arrearsIdFor(compoundId));
          state = { ...state, ...changes.state };
          events = arrearsEvents(compoundId, changes.opened, changes.cleared, options.actor);
        }
        if (JSON.stringify(state) === JSON.stringify(bucket)) return void out.push(bucket);
        if (await levies.saveBucket(compoundId, state, events)) out.push({ ...state, version: state.version + 1 });
        else retry.push(bucket.bucket);
      }),
    );
    states = retry.length ? await levies.getBuckets(compoundId, retry) : [];
  }
  if (states.length) throw conflict(`levy accounts of ${compoundId} are busy; retry`);
  return out.sort((a, b) => a.bucket - b.bucket);
}

async function applyEntry(levy: LevyConfig, state: Bucket, entry: Entry, known?: Map<string, ChargeLine[]>) {
  if (entry.kind === 'levy_charge') {
    const period = entry.detail!.period!;
    const lines = known?.get(`${period}#${state.bucket}`) ?? (entry.detail?.sheets?.some((s) => s.bucket === state.bucket) ? await levies.getSheet(levy.compoundId, period, state.bucket) : []) ?? [];
    return applyCharge(state, entry.seq, period, lines);
  }
  const mine = (entry.detail?.lines ?? []).filter((l) => bucketOf(l.unitId, levy.buckets) === state.bucket);
  return applyPayments(state, entry.seq, mine);
}

/**
 * The levy clock's unit of work for one compound: charge every month that has begun and is not yet
 * charged (a late or failed run catches up, each month once), bring every account up to date with
 * the journal, and open or clear arrears. Idempotent: sheets are written once, the month's entry is
 * idempotent by its reference, buckets skip entries they applied, and the levy moves along the due
 * index only once a month is fully charged.
 */
export async function runLevyCompound(compoundId: string): Promise<{ charged: string[]; status: string }> {
  if (!(await levies.getLevy(compoundId))) return { charged: [], status: 'no levy' };
  const levy = await requireLevy(compoundId);
  const current = monthOf(clock.nowIso(), levy.timeZone);
  let next = levy.chargedThrough ? addMonths(levy.chargedThrough, 1) : levy.firstPeriod;
  if (next > current) {
    await levies.setDue(compoundId, monthStart(next, levy.timeZone));
    return { charged: [], status: 'not due' };
  }
  const compound = await registry.getCompound(compoundId);
  const roll = compound && (await registry.loadActiveRoll(compound));
  if (!roll) throw notReady(`the roll of ${compoundId} is not complete here yet`);
  const charged: string[] = [];
  for (; next <= current; next = addMonths(next, 1)) {
    await chargeMonth(levy, roll.units, next, next === current);
    charged.push(next);
  }
  return { charged, status: 'charged' };
}

async function chargeMonth(levy: LevyConfig, units: Parameters<typeof chargeSheets>[0], period: string, evaluateArrears: boolean): Promise<void> {
  const { compoundId } = levy;
  const computed = chargeSheets(units, levy.rateFenPerM2Month, levy.developerId, levy.buckets);
  const known = new Map<string, ChargeLine[]>();
  const sheets: { bucket: number; units: number; totalFen: number; hash: string }[] = [];
  for (const [bucket, lines] of [...computed.entries()].sort(([a], [b]) => a - b)) {
    const standing = await levies.putSheet(compoundId, period, bucket, lines);
    known.set(`${period}#${bucket}`, standing);
    sheets.push({ bucket, units: standing.length, totalFen: sheetTotal(standing), hash: sheetHash(period, standing) });
  }
  const total = sheets.reduce((s, x) => s + x.totalFen, 0);
  const unitsCharged = sheets.reduce((s, x) => s + x.units, 0);
  const developerFen = [...known.values()].flat().filter((l) => l.payerId === levy.developerId).reduce((s, l) => s + l.fen, 0);
  const events: BusEvent[] = [];
  if (total > 0) {
    const { entry } = await ledger.append(compoundId, FUND, {
      kind: 'levy_charge',
      postings: levyChargePostings(total),
      memo: `small maintenance levy ${period}: ${unitsCharged} units at ${levy.rateFenPerM2Month} fen/m²/month (the developer pays ${developerFen} fen for units not delivered)`,
      sourceDocument: { type: 'levy_run', ref: `${levy.resolutionRef}#${period}` },
      actor: 'schedule:levy-clock',
      clientRef: systemRef('levy', period),
      at: clock.nowIso(),
      detail: { period, sheets },
    });
    await syncBuckets(levy, Array.from({ length: levy.buckets }, (_, b) => b), { period: evaluateArrears ? period : undefined, known, actor: 'schedule:levy-clock' });
    events.push(
      LevyMonthCharged.create(
        { compoundId, period, units: unitsCharged, totalFen: total, developerFen, entrySeq: entry.seq },
        eventContext(compoundId, 'schedule:levy-clock', eventId('LevyMonthCharged', compoundId, period)),
      ),
    );
  }
  await levies.markCharged(compoundId, period, monthStart(addMonths(period, 1), levy.timeZone), events);
}

// ---- payments -------------------------------------------------------------------------------------

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
  if (errors.length) throw ruleBroken(`${errors.length} problem(s) with the receipts; nothing was recorded`, errors.sort((a, b) => lineOf(a) - lineOf(b)));

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
          reason: landed?.status === 'done' ? `receipt ${receiptRef} was already recorded (entry ${landed.seq}, for unit ${existing.lines.map((l) => l.unitId).join(', ')})` : `receipt ${receiptRef} is being recorded by another payment`,
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
export async function applyToBuckets(levy: LevyConfig, entry: Entry, actor: string): Promise<Map<number, Bucket>> {
  const buckets = [...new Set((entry.detail?.lines ?? []).map((l) => bucketOf(l.unitId, levy.buckets)))];
  const out = new Map<number, Bucket>();
  const current = monthOf(clock.nowIso(), levy.timeZone);
  let pending = buckets;
  for (let attempt = 0; attempt < 8 && pending.length > 0; attempt++) {
    const states = await levies.getBuckets(levy.compoundId, pending);
    const retry: number[] = [];
    await Promise.all(
      states.map(async (bucket) => {
        if (isApplied(bucket, entry.seq)) return void out.set(bucket.bucket, bucket);
        const applied = { ...bucket, ...(await applyEntry(levy, bucket, entry)) };
        const changes = arrearsChanges(applied, current, arrearsIdFor(levy.compoundId));
        // Only clearing here: arrears open on the levy clock's schedule, not because someone paid part.
        const cleared = changes.cleared;
        const state: Bucket = { ...applied, units: Object.fromEntries(Object.entries(applied.units).map(([u, acc]) => [u, cleared.some((c) => c.unitId === u) ? changes.state.units[u]! : acc])) };
        if (await levies.saveBucket(levy.compoundId, state, arrearsEvents(levy.compoundId, [], cleared, actor))) out.set(bucket.bucket, { ...state, version: state.version + 1 });
        else retry.push(bucket.bucket);
      }),
    );
    pending = retry;
  }
  if (pending.length) logger('funds').warn('levy accounts busy; the next run or read catches up', { compoundId: levy.compoundId, seq: entry.seq });
  for (const b of pending) out.set(b, await levies.getBucket(levy.compoundId, b));
  return out;
}

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
export async function reconcileLevy(compoundId: string): Promise<Bucket[]> {
  const levy = await requireLevy(compoundId);
  return syncBuckets(levy, Array.from({ length: levy.buckets }, (_, b) => b), { actor: 'funds:reconcile' });
}
