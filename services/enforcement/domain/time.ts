/**
 * Calendar arithmetic in a compound's time zone (Asia/Shanghai by default). Instants are ISO-8601
 * UTC strings; calendar dates are `YYYY-MM-DD` in the zone. Pure: no clock is read here.
 */
export const DEFAULT_ZONE = 'Asia/Shanghai';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(zone, found);
  }
  return found;
}

function wallClock(epochMs: number, zone: string): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(epochMs))
      .map((p) => [p.type, p.value]),
  );
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day), h: Number(parts.hour), mi: Number(parts.minute), s: Number(parts.second) };
}

/** The zone's offset from UTC at an instant, in ms (Shanghai: +8 h all year). */
function offsetAt(epochMs: number, zone: string): number {
  const w = wallClock(epochMs, zone);
  const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.h, w.mi, w.s);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

export function isDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function parseDate(date: string): { y: number; m: number; d: number } {
  const m = DATE.exec(date);
  if (!m || !isDate(date)) throw new Error(`not a calendar date: ${date}`);
  return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
}

const formatDate = (utcMidnight: Date): string => utcMidnight.toISOString().slice(0, 10);

/** The calendar date of an instant in the zone. */
export function localDate(iso: string, zone = DEFAULT_ZONE): string {
  const w = wallClock(Date.parse(iso), zone);
  return `${String(w.y).padStart(4, '0')}-${String(w.m).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
}

/** The instant a calendar date begins (00:00) in the zone. */
export function startOfDate(date: string, zone = DEFAULT_ZONE): string {
  const { y, m, d } = parseDate(date);
  const guess = Date.UTC(y, m - 1, d);
  // Two passes settle the offset even on a day a zone changes it.
  let instant = guess - offsetAt(guess, zone);
  instant = guess - offsetAt(instant, zone);
  return new Date(instant).toISOString();
}

export function addDaysToDate(date: string, days: number): string {
  const { y, m, d } = parseDate(date);
  return formatDate(new Date(Date.UTC(y, m - 1, d + days)));
}

/** Calendar months; a day the target month lacks becomes its last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonthsToDate(date: string, months: number): string {
  const { y, m, d } = parseDate(date);
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return formatDate(new Date(Date.UTC(y, m - 1 + months, Math.min(d, lastDay))));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const a = parseDate(from);
  const b = parseDate(to);
  return Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / 86_400_000);
}

/** 0 Sunday … 6 Saturday. */
export function weekday(date: string): number {
  const { y, m, d } = parseDate(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export const isWeekend = (date: string): boolean => [0, 6].includes(weekday(date));

/** `2026-05` of an instant in the zone. */
export const monthOf = (iso: string, zone = DEFAULT_ZONE): string => localDate(iso, zone).slice(0, 7);

export const quarterOfMonth = (month: string): string => `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;

export const yearOfMonth = (month: string): string => month.slice(0, 4);
