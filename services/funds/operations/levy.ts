import { ArrearsCleared, ArrearsRecorded, LevyMonthCharged, LevyStarted } from '../../../events/catalogue';
import type { BusEvent } from '../../../events/envelope';
import { clock } from '../../../libs/clock';
import { conflict, notFound, notReady } from '../../../libs/errors';
import { logger } from '../../../libs/logger';
import { addMonths, monthOf, monthStart, timeZoneOf } from '../domain/calendar';
import { eventId, shortId, systemRef } from '../domain/ids';
import type { Entry } from '../domain/ledger';
import { applyCharge, applyPayments, arrearsChanges, bucketCount, bucketOf, chargeSheets, firstLevyMonth, isApplied, settleThrough, sheetHash, sheetTotal, type ChargeLine } from '../domain/levy';
import { levyChargePostings } from '../domain/postings';
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
export const FUND = 'small_maintenance' as const;

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
    ...cleared.map((a) =>
      ArrearsCleared.create({ compoundId, ownerId: a.payerId, unitId: a.unitId, arrearsId: a.arrearsId }, eventContext(compoundId, actor, eventId('ArrearsCleared', compoundId, a.arrearsId))),
    ),
  ];
}

/**
 * Bring buckets up to date with the journal: apply the levy entries they have not applied (in order),
 * then, when `period` is given, open or clear arrears as of that month. One conditional write per
 * bucket; a bucket changed meanwhile is read again.
 */
export async function syncBuckets(levy: LevyConfig, buckets: readonly number[], options: { period?: string; known?: Map<string, ChargeLine[]>; actor: string }): Promise<Bucket[]> {
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
  const developerFen = [...known.values()]
    .flat()
    .filter((l) => l.payerId === levy.developerId)
    .reduce((s, l) => s + l.fen, 0);
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
    await syncBuckets(
      levy,
      Array.from({ length: levy.buckets }, (_, b) => b),
      { period: evaluateArrears ? period : undefined, known, actor: 'schedule:levy-clock' },
    );
    events.push(
      LevyMonthCharged.create(
        { compoundId, period, units: unitsCharged, totalFen: total, developerFen, entrySeq: entry.seq },
        eventContext(compoundId, 'schedule:levy-clock', eventId('LevyMonthCharged', compoundId, period)),
      ),
    );
  }
  await levies.markCharged(compoundId, period, monthStart(addMonths(period, 1), levy.timeZone), events);
}

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

export async function reconcileLevy(compoundId: string): Promise<Bucket[]> {
  const levy = await requireLevy(compoundId);
  return syncBuckets(
    levy,
    Array.from({ length: levy.buckets }, (_, b) => b),
    { actor: 'funds:reconcile' },
  );
}
