import { DEFAULT_TIME_ZONE } from '../../../libs/topology';

/**
 * Periods and day counts in the compound's time zone (Asia/Shanghai unless the compound says
 * otherwise). Instants are ISO-8601 UTC strings; a month, a quarter or a working day is a span of
 * wall-clock time in the zone: the first quarter of 2027 in Beijing runs from 2026-12-31T16:00Z to
 * 2027-03-31T16:00Z. No library: Intl knows the zones' offsets.
 */
export { DEFAULT_TIME_ZONE };

/** A compound's zone: its own when it names one, Beijing's by default. */
export function timeZoneOf(compound?: object): string {
  const zone = (compound as { timeZone?: unknown } | undefined)?.timeZone;
  return typeof zone === 'string' && zone ? zone : DEFAULT_TIME_ZONE;
}

interface WallTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 0 Sunday … 6 Saturday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
    formatters.set(timeZone, f);
  }
  return f;
}
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The wall-clock time in `timeZone` at an instant. */
export function wallTime(instant: string | number | Date, timeZone: string): WallTime {
  const ms = typeof instant === 'number' ? instant : new Date(instant).getTime();
  if (!Number.isFinite(ms)) throw new Error(`not an instant: ${String(instant)}`);
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    millisecond: ((ms % 1000) + 1000) % 1000,
    weekday: WEEKDAYS.indexOf(parts.weekday!),
  };
}

/** The instant (ISO UTC) when the wall clock in `timeZone` shows this time. */
export function instantOf(timeZone: string, year: number, month: number, day = 1, hour = 0, minute = 0, second = 0, millisecond = 0): string {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  let guess = asUtc;
  // The zone's offset at the guess moves the guess; twice settles it across an offset change.
  for (let i = 0; i < 3; i++) {
    const w = wallTime(guess, timeZone);
    const shown = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
    const next = guess + (asUtc - shown);
    if (next === guess) break;
    guess = next;
  }
  return new Date(guess).toISOString();
}

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

/** "2027-03-31": the calendar date in the zone. */
export function localDate(instant: string, timeZone: string): string {
  const w = wallTime(instant, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** Calendar days from a's date to b's date in the zone (b − a): 23:30 to 00:30 the next day is 1. */
export function daysBetween(a: string, b: string, timeZone: string): number {
  const day = (iso: string) => {
    const w = wallTime(iso, timeZone);
    return Date.UTC(w.year, w.month - 1, w.day) / 86_400_000;
  };
  return day(b) - day(a);
}

/**
 * `days` working days (Monday to Friday on the zone's calendar) after an instant, at the same wall
 * time. Public holidays are a per-city list, not modelled yet.
 */
export function addWorkingDays(instant: string, days: number, timeZone: string): string {
  const w = wallTime(instant, timeZone);
  const date = new Date(Date.UTC(w.year, w.month - 1, w.day));
  let left = days;
  while (left > 0) {
    date.setUTCDate(date.getUTCDate() + 1);
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return instantOf(timeZone, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), w.hour, w.minute, w.second, w.millisecond);
}
