import { addWorkingDaysToDate, daysBetween as datesBetween, instantOf, localDate, timeZoneOf, wallTime } from '../../../libs/calendar';
import { DEFAULT_TIME_ZONE } from '../../../libs/topology';

/**
 * Periods and day counts in the compound's time zone (Asia/Shanghai unless the compound says
 * otherwise), on libs/calendar.ts. Instants are ISO-8601 UTC strings; a month, a quarter or a working
 * day is a span of wall-clock time in the zone: the first quarter of 2027 in Beijing runs from
 * 2026-12-31T16:00Z to 2027-03-31T16:00Z.
 */
export { DEFAULT_TIME_ZONE, instantOf, localDate, timeZoneOf, wallTime };

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "2027-03": the month an instant falls in, in the zone. */
export function monthOf(instant: string, timeZone: string): string {
  const w = wallTime(instant, timeZone);
  return `${w.year}-${pad(w.month)}`;
}

const PERIOD = /^(\d{4})-(\d{2})$/;
function parsePeriod(period: string): [number, number] {
  const m = PERIOD.exec(period);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new Error(`not a month: ${period}`);
  return [Number(m[1]), Number(m[2])];
}

export function addMonths(period: string, months: number): string {
  const [y, m] = parsePeriod(period);
  const index = y * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}

/** Whole months from `a` to `b` (b − a). */
export function monthsBetween(a: string, b: string): number {
  const [ya, ma] = parsePeriod(a);
  const [yb, mb] = parsePeriod(b);
  return yb * 12 + mb - (ya * 12 + ma);
}

/** When a month starts (00:00 on the 1st in the zone), as an instant. */
export function monthStart(period: string, timeZone: string): string {
  const [y, m] = parsePeriod(period);
  return instantOf(timeZone, y, m, 1);
}

export interface Quarter {
  /** "2027-Q1" */
  label: string;
  /** First instant of the quarter (inclusive), ISO UTC. */
  from: string;
  /** First instant of the next quarter (exclusive). */
  to: string;
}

const QUARTER = /^(\d{4})-Q([1-4])$/;

export function quarter(label: string, timeZone: string): Quarter {
  const m = QUARTER.exec(label);
  if (!m) throw new Error(`not a quarter: ${label}`);
  const y = Number(m[1]);
  const q = Number(m[2]);
  const firstMonth = `${y}-${pad((q - 1) * 3 + 1)}`;
  return { label, from: monthStart(firstMonth, timeZone), to: monthStart(addMonths(firstMonth, 3), timeZone) };
}

/** The quarter an instant falls in, in the zone. */
export function quarterOf(instant: string, timeZone: string): Quarter {
  const w = wallTime(instant, timeZone);
  return quarter(`${w.year}-Q${Math.floor((w.month - 1) / 3) + 1}`, timeZone);
}

export function nextQuarterLabel(label: string): string {
  const m = QUARTER.exec(label);
  if (!m) throw new Error(`not a quarter: ${label}`);
  const q = Number(m[2]);
  return q === 4 ? `${Number(m[1]) + 1}-Q1` : `${m[1]}-Q${q + 1}`;
}

/** The quarter before the one `instant` falls in: the one a disclosure on the 1st publishes. */
export function previousQuarter(instant: string, timeZone: string): Quarter {
  const current = quarterOf(instant, timeZone);
  return quarterOf(new Date(Date.parse(current.from) - 1).toISOString(), timeZone);
}

/** Calendar days from a's date to b's date in the zone (b − a): 23:30 to 00:30 the next day is 1. */
export const daysBetween = (a: string, b: string, timeZone: string): number => datesBetween(localDate(a, timeZone), localDate(b, timeZone));

/**
 * `days` working days (Monday to Friday on the zone's calendar) after an instant, at the same wall
 * time. Public holidays are a per-city list, not modelled yet.
 */
export function addWorkingDays(instant: string, days: number, timeZone: string): string {
  const w = wallTime(instant, timeZone);
  const [year, month, day] = addWorkingDaysToDate(localDate(instant, timeZone), days).split('-').map(Number) as [number, number, number];
  return instantOf(timeZone, year, month, day, w.hour, w.minute, w.second, w.millisecond);
}
