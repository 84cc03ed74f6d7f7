import { createHash } from 'node:crypto';
import { addMonths, monthsBetween } from './calendar';

/**
 * The small maintenance fund levy (小公维金): a rate in fen per m² per month over each unit's area.
 *
 * Where the money is: the small-maintenance journal is the source of truth. A month's charge is one
 * entry (its per-unit lines are kept in charge sheets, one per bucket of units, whose hashes the
 * entry carries); a payment is one entry whose lines say which units paid what. A unit's account
 * (charged, paid, owed, in advance, in arrears) is derived from those entries: units are grouped in
 * buckets of about 150, and a bucket remembers which entries it has applied, so applying an entry
 * twice changes nothing and a bucket that missed an entry (a crash) catches up from the journal.
 */

/** Unpaid this many whole months after the month charged, a levy becomes arrears (default). */
export const ARREARS_AFTER_MONTHS = 2;
/** A unit may pay ahead at most this many months of its current charge (default). */
export const ADVANCE_MONTHS_MAX = 12;
export const UNITS_PER_BUCKET = 150;
/** Months of charges a unit's account keeps to tell which month an amount owed dates from. */
export const RECENT_MONTHS_KEPT = 24;

/**
 * Areas are hundredths of a m², so the exact charge is rate × area / 100 fen; it is rounded half up
 * to a whole fen, once per unit and month (never summed as fractions).
 */
export function monthlyLevyFen(rateFenPerM2Month: number, areaHundredths: number): number {
  if (!Number.isSafeInteger(rateFenPerM2Month) || rateFenPerM2Month < 0) throw new Error('the rate is a whole number of fen');
  if (!Number.isSafeInteger(areaHundredths) || areaHundredths <= 0) throw new Error('the area is a positive number of hundredths of a m²');
  return Number((BigInt(rateFenPerM2Month) * BigInt(areaHundredths) + 50n) / 100n);
}

export type Holding = 'owned' | 'unsold' | 'sold_undelivered';

/**
 * Who pays a unit's levy: the developer for units it has not sold or not yet delivered, as with
 * property fees before delivery (Property Management Regulations); the owner once delivered.
 */
export const levyPayer = (unit: { holding: Holding; ownerId: string }, developerId: string): string => (unit.holding === 'owned' ? unit.ownerId : developerId);

export const bucketCount = (unitCount: number): number => Math.max(1, Math.ceil(unitCount / UNITS_PER_BUCKET));

/** A unit's bucket: a stable hash of its id (FNV-1a), so the grouping does not depend on the roll's order. */
export function bucketOf(unitId: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < unitId.length; i++) {
    h ^= unitId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % buckets;
}

export interface ChargeLine {
  unitId: string;
  payerId: string;
  /** The owner of record (the buyer of an undelivered unit); the payer may differ. */
  ownerId: string;
  holding: Holding;
  fen: number;
}

/** One month's charges of every unit, by bucket, in unit order (so a recomputation is identical). */
export function chargeSheets(
  units: readonly { unitId: string; area: number; holding: Holding; ownerId: string }[],
  rateFenPerM2Month: number,
  developerId: string,
  buckets: number,
): Map<number, ChargeLine[]> {
  const sheets = new Map<number, ChargeLine[]>();
  for (const u of [...units].sort((a, b) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0))) {
    const fen = monthlyLevyFen(rateFenPerM2Month, u.area);
    if (fen === 0) continue;
    const b = bucketOf(u.unitId, buckets);
    const line: ChargeLine = { unitId: u.unitId, payerId: levyPayer(u, developerId), ownerId: u.ownerId, holding: u.holding, fen };
    sheets.set(b, [...(sheets.get(b) ?? []), line]);
  }
  return sheets;
}

export const sheetHash = (period: string, lines: readonly ChargeLine[]): string =>
  createHash('sha256')
    .update(JSON.stringify([period, lines.map((l) => [l.unitId, l.payerId, l.ownerId, l.holding, l.fen])]))
    .digest('hex');

export const sheetTotal = (lines: readonly ChargeLine[]): number => lines.reduce((s, l) => s + l.fen, 0);

/** A unit's levy account. */
export interface UnitLevy {
  unitId: string;
  payerId?: string;
  ownerId?: string;
  holding?: Holding;
  chargedFen: number;
  paidFen: number;
  /** The latest months charged: [period, fen, payer], oldest first, at most RECENT_MONTHS_KEPT. */
  recent: [string, number, string][];
  /** The open arrears record, if any, and whom it names. */
  arrearsId?: string;
  arrearsPayerId?: string;
}

export interface BucketState {
  units: Record<string, UnitLevy>;
  /** Every small-maintenance entry up to this sequence number is reflected. */
  throughSeq: number;
  /** Entries after throughSeq that are reflected too. */
  applied: number[];
}

export const emptyBucket = (): BucketState => ({ units: {}, throughSeq: 0, applied: [] });

export const owedFen = (u: Pick<UnitLevy, 'chargedFen' | 'paidFen'>): number => Math.max(0, u.chargedFen - u.paidFen);
export const creditFen = (u: Pick<UnitLevy, 'chargedFen' | 'paidFen'>): number => Math.max(0, u.paidFen - u.chargedFen);

/**
 * The oldest month still (partly) unpaid: payments settle the oldest months first, so what is owed
 * is the latest months' charges. Undefined when nothing is owed; the oldest month kept when more is
 * owed than the months kept add up to.
 */
export function owingSince(u: UnitLevy): { period: string; payerId: string } | undefined {
  let left = owedFen(u);
  if (left === 0) return undefined;
  for (let i = u.recent.length - 1; i >= 0; i--) {
    const [period, fen, payer] = u.recent[i]!;
    left -= fen;
    if (left <= 0) return { period, payerId: payer };
  }
  const oldest = u.recent[0];
  return oldest ? { period: oldest[0], payerId: oldest[2] } : { period: '0000-01', payerId: u.payerId ?? '' };
}

export const isApplied = (state: BucketState, seq: number): boolean => seq <= state.throughSeq || state.applied.includes(seq);

function unitOf(state: BucketState, unitId: string): UnitLevy {
  return (state.units[unitId] ??= { unitId, chargedFen: 0, paidFen: 0, recent: [] });
}

/** A month's charge sheet applied to a bucket (by the entry with sequence `seq`), once. */
export function applyCharge(state: BucketState, seq: number, period: string, lines: readonly ChargeLine[]): BucketState {
  if (isApplied(state, seq)) return state;
  const next = structuredClone(state);
  for (const line of lines) {
    const u = unitOf(next, line.unitId);
    u.payerId = line.payerId;
    u.ownerId = line.ownerId;
    u.holding = line.holding;
    u.chargedFen += line.fen;
    u.recent = [...u.recent, [period, line.fen, line.payerId] as [string, number, string]].slice(-RECENT_MONTHS_KEPT);
  }
  next.applied.push(seq);
  return next;
}

/** Payment lines (negative ones reverse a payment) applied to a bucket, once. */
export function applyPayments(state: BucketState, seq: number, lines: readonly { unitId: string; amountFen: number }[]): BucketState {
  if (isApplied(state, seq)) return state;
  const next = structuredClone(state);
  for (const line of lines) unitOf(next, line.unitId).paidFen += line.amountFen;
  next.applied.push(seq);
  return next;
}

/** Every entry up to `seq` is now reflected (after a catch-up over the whole journal since throughSeq). */
export function settleThrough(state: BucketState, seq: number): BucketState {
  return { ...state, throughSeq: Math.max(state.throughSeq, seq), applied: state.applied.filter((s) => s > seq) };
}

export interface ArrearsChange {
  unitId: string;
  payerId: string;
  arrearsId: string;
  owedFen: number;
  since: string;
}

/**
 * Open arrears for units whose oldest unpaid month is ARREARS_AFTER_MONTHS or more before `period`;
 * close them for units that owe nothing. `idFor` names a new arrears record.
 */
export function arrearsChanges(state: BucketState, period: string, idFor: (unitId: string, since: string) => string): { state: BucketState; opened: ArrearsChange[]; cleared: ArrearsChange[] } {
  const next = structuredClone(state);
  const opened: ArrearsChange[] = [];
  const cleared: ArrearsChange[] = [];
  for (const u of Object.values(next.units)) {
    const since = owingSince(u);
    if (u.arrearsId && !since) {
      cleared.push({ unitId: u.unitId, payerId: u.arrearsPayerId ?? u.payerId ?? '', arrearsId: u.arrearsId, owedFen: 0, since: '' });
      delete u.arrearsId;
      delete u.arrearsPayerId;
    } else if (!u.arrearsId && since && monthsBetween(since.period, period) >= ARREARS_AFTER_MONTHS) {
      u.arrearsId = idFor(u.unitId, since.period);
      u.arrearsPayerId = since.payerId;
      opened.push({ unitId: u.unitId, payerId: since.payerId, arrearsId: u.arrearsId, owedFen: owedFen(u), since: since.period });
    }
  }
  return { state: next, opened, cleared };
}

export interface LevyFigures {
  units: number;
  chargedFen: number;
  paidFen: number;
  /** What units owe (each unit's unpaid charges; advance payments do not reduce another unit's debt). */
  owedFen: number;
  /** What units paid in advance. */
  creditFen: number;
  unitsInArrears: number;
  arrearsFen: number;
}

export const NO_LEVY: LevyFigures = { units: 0, chargedFen: 0, paidFen: 0, owedFen: 0, creditFen: 0, unitsInArrears: 0, arrearsFen: 0 };

export function levyFigures(units: Iterable<UnitLevy>): LevyFigures {
  const f = { ...NO_LEVY };
  for (const u of units) {
    f.units++;
    f.chargedFen += u.chargedFen;
    f.paidFen += u.paidFen;
    f.owedFen += owedFen(u);
    f.creditFen += creditFen(u);
    if (u.arrearsId) {
      f.unitsInArrears++;
      f.arrearsFen += owedFen(u);
    }
  }
  return f;
}

export const addFigures = (a: LevyFigures, b: LevyFigures): LevyFigures =>
  Object.fromEntries(Object.keys(NO_LEVY).map((k) => [k, a[k as keyof LevyFigures] + b[k as keyof LevyFigures]])) as unknown as LevyFigures;

/** The most a unit may pay now: what it owes plus ADVANCE_MONTHS_MAX months of its current charge. */
export const maxPaymentFen = (u: UnitLevy | undefined, monthlyFen: number): number => (u ? owedFen(u) : 0) + ADVANCE_MONTHS_MAX * monthlyFen;

/** The first month a levy decided at `decidedMonth` charges: the month after the decision. */
export const firstLevyMonth = (decidedMonth: string): string => addMonths(decidedMonth, 1);
