import { addDaysToDate, daysBetween, DEFAULT_ZONE, isWeekend, localDate, weekday } from './time';

/**
 * Which compounds a sweep should reach first. The inputs are what the service keeps per compound
 * from its own events (open hazards, past findings, complaints referred, the last sweep) and what
 * the bureau tells it (the year the compound was built).
 */
export interface RiskInputs {
  openHazards: number;
  previousFindings: number;
  /** Complaints referred by the disputes service and not yet inspected. */
  openReferrals: number;
  builtYear?: number;
  lastSweptAt?: string;
}

export const WEIGHTS = {
  openHazard: { each: 10, cap: 30 },
  previousFinding: { each: 3, cap: 15 },
  openReferral: { each: 10, cap: 20 },
  /** Building age in years (at least) → points. */
  age: [
    [30, 15],
    [20, 10],
    [10, 5],
  ] as const,
  /** Days since the last sweep (at least) → points; never swept scores the most. */
  sinceSweep: [
    [730, 20],
    [365, 15],
    [180, 8],
  ] as const,
  neverSwept: 20,
} as const;

/** A compound is due when it has not been swept for this long… */
export const SWEEP_INTERVAL_DAYS = 365;
/** …or for this long when its buildings are at least OLD_BUILDING_YEARS old. */
export const OLD_BUILDING_INTERVAL_DAYS = 180;
export const OLD_BUILDING_YEARS = 20;

export type DueReason = 'never_swept' | 'open_hazards' | 'referred_complaints' | 'interval_elapsed' | 'old_building_interval_elapsed';

const step = (value: number, table: readonly (readonly [number, number])[]): number => table.find(([atLeast]) => value >= atLeast)?.[1] ?? 0;

export function riskScore(inputs: RiskInputs, now: string, zone = DEFAULT_ZONE): { score: number; components: Record<string, number> } {
  const today = localDate(now, zone);
  const components = {
    openHazards: Math.min(WEIGHTS.openHazard.cap, WEIGHTS.openHazard.each * Math.max(0, inputs.openHazards)),
    previousFindings: Math.min(WEIGHTS.previousFinding.cap, WEIGHTS.previousFinding.each * Math.max(0, inputs.previousFindings)),
    openReferrals: Math.min(WEIGHTS.openReferral.cap, WEIGHTS.openReferral.each * Math.max(0, inputs.openReferrals)),
    buildingAge: inputs.builtYear === undefined ? 0 : step(Number(today.slice(0, 4)) - inputs.builtYear, WEIGHTS.age),
    sinceLastSweep: inputs.lastSweptAt === undefined ? WEIGHTS.neverSwept : step(daysBetween(localDate(inputs.lastSweptAt, zone), today), WEIGHTS.sinceSweep),
  };
  return { score: Object.values(components).reduce((a, b) => a + b, 0), components };
}

/** Whether a compound is due for a sweep, and why (empty reasons: not due). */
export function dueReasons(inputs: RiskInputs, now: string, zone = DEFAULT_ZONE): DueReason[] {
  const today = localDate(now, zone);
  const reasons: DueReason[] = [];
  if (inputs.lastSweptAt === undefined) reasons.push('never_swept');
  if (inputs.openHazards > 0) reasons.push('open_hazards');
  if (inputs.openReferrals > 0) reasons.push('referred_complaints');
  if (inputs.lastSweptAt !== undefined) {
    const since = daysBetween(localDate(inputs.lastSweptAt, zone), today);
    if (since >= SWEEP_INTERVAL_DAYS) reasons.push('interval_elapsed');
    else if (inputs.builtYear !== undefined && Number(today.slice(0, 4)) - inputs.builtYear >= OLD_BUILDING_YEARS && since >= OLD_BUILDING_INTERVAL_DAYS) reasons.push('old_building_interval_elapsed');
  }
  return reasons;
}

/** FNV-1a: a stable spread of compounds over days, the same on every run. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The day a compound's sweep is planned for within a campaign's period: the riskier, the earlier
 * (score 100 on the first day, 0 towards the last), spread by a stable hash over a tenth of the
 * period so that equal scores do not all land on one day, and moved off a weekend when the period
 * allows. A period already under way plans from `today`.
 */
export function plannedDate(score: number, period: { startsOn: string; endsOn: string }, today: string, compoundId: string): string {
  const start = today > period.startsOn ? today : period.startsOn;
  const span = Math.max(0, daysBetween(start, period.endsOn));
  const clamped = Math.min(100, Math.max(0, score));
  const spread = Math.max(1, Math.floor(span / 10) + 1);
  const offset = Math.min(span, Math.floor(((100 - clamped) * span) / 100) + (stableHash(compoundId) % spread));
  let day = addDaysToDate(start, offset);
  if (isWeekend(day)) {
    const saturday = weekday(day) === 6;
    const monday = addDaysToDate(day, saturday ? 2 : 1);
    const friday = addDaysToDate(day, saturday ? -1 : -2);
    if (monday <= period.endsOn) day = monday;
    else if (friday >= start) day = friday;
  }
  return day;
}
