/**
 * Calendar arithmetic in a compound's time zone (Asia/Shanghai unless the compound names another):
 * the one place the services count days, months, working days and the Civil Code's periods.
 * Instants are ISO-8601 UTC strings; calendar dates are `YYYY-MM-DD` on the zone's wall calendar.
 * Pure: no clock is read here. No library: Intl knows the zones' offsets.
 */
export const DEFAULT_ZONE = 'Asia/Shanghai';

/** A compound's zone: its own when it names one, Beijing's by default. */
export function timeZoneOf(compound?: object): string {
  const zone = (compound as { timeZone?: unknown } | undefined)?.timeZone;
  return typeof zone === 'string' && zone ? zone : DEFAULT_ZONE;
}

export interface WallTime {
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
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's offset from UTC at an instant, in ms, read from Intl (slow: a formatToParts call). */
function offsetFromIntl(ms: number, zone: string): number {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const shown = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return shown - Math.floor(ms / 1000) * 1000;
}

/**
 * Offsets per zone and UTC day, read from Intl once a day. A zone changes its offset at most once a
 * day, so a day whose first and last millisecond have the same offset has it throughout; on a day
 * it changes (summer time, twice a year where kept) each instant is read from Intl. Bounded: cleared
 * when full.
 */
const DAY = 86_400_000;
const offsets = new Map<string, number | null>();
function offsetAt(ms: number, zone: string): number {
  const day = Math.floor(ms / DAY);
  const key = `${zone}|${day}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const first = offsetFromIntl(day * DAY, zone);
    offset = first === offsetFromIntl((day + 1) * DAY - 1, zone) ? first : null;
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset ?? offsetFromIntl(ms, zone);
}

/** The wall-clock time in `zone` at an instant. */
export function wallTime(instant: string | number | Date, zone: string = DEFAULT_ZONE): WallTime {
  const ms = typeof instant === 'number' ? instant : new Date(instant).getTime();
  if (!Number.isFinite(ms)) throw new Error(`not an instant: ${String(instant)}`);
  const wall = new Date(ms + offsetAt(ms, zone));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    millisecond: wall.getUTCMilliseconds(),
    weekday: wall.getUTCDay(),
  };
}

/** The instant (ISO UTC) when the wall clock in `zone` shows this time. */
export function instantOf(zone: string, year: number, month: number, day = 1, hour = 0, minute = 0, second = 0, millisecond = 0): string {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  let guess = asUtc;
  // The zone's offset at the guess moves the guess; a few passes settle it across an offset change.
  for (let i = 0; i < 3; i++) {
    const w = wallTime(guess, zone);
    const shown = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
    const next = guess + (asUtc - shown);
    if (next === guess) break;
    guess = next;
  }
  return new Date(guess).toISOString();
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

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

const formatDate = (utcMidnight: Date): string => `${pad(utcMidnight.getUTCFullYear(), 4)}-${pad(utcMidnight.getUTCMonth() + 1)}-${pad(utcMidnight.getUTCDate())}`;

/** The calendar date of an instant in the zone. */
export function localDate(instant: string, zone: string = DEFAULT_ZONE): string {
  const w = wallTime(instant, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** The instant a calendar date begins (00:00) in the zone. */
export function startOfDate(date: string, zone: string = DEFAULT_ZONE): string {
  const { y, m, d } = parseDate(date);
  return instantOf(zone, y, m, d);
}

/** The last millisecond (23:59:59.999) of a calendar date in the zone. */
export const endOfDate = (date: string, zone: string = DEFAULT_ZONE): string => new Date(Date.parse(startOfDate(addDaysToDate(date, 1), zone)) - 1).toISOString();

/** Whether an instant is the very start (00:00:00.000) of its date in the zone. */
export const isStartOfDate = (instant: string, zone: string = DEFAULT_ZONE): boolean => startOfDate(localDate(instant, zone), zone) === new Date(instant).toISOString();

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

/** Whole days from one date to another (negative when `to` is earlier). */
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

/** `2026-05`: the month of an instant in the zone. */
export const monthOf = (instant: string, zone: string = DEFAULT_ZONE): string => localDate(instant, zone).slice(0, 7);

/**
 * Which days are working days: the State Council's yearly holiday notice makes some weekdays public
 * holidays and some weekends make-up working days (调休). Without a list, Monday to Friday work.
 */
export interface WorkingCalendar {
  /** Local dates (YYYY-MM-DD) that are not working days although they fall Monday to Friday. */
  holidays: readonly string[];
  /** Local dates that are working days although they fall on a weekend (make-up days). */
  workdays: readonly string[];
}

export const WEEKDAYS_ONLY: WorkingCalendar = { holidays: [], workdays: [] };

export function isWorkingDay(date: string, calendar: WorkingCalendar = WEEKDAYS_ONLY): boolean {
  if (calendar.workdays.includes(date)) return true;
  if (calendar.holidays.includes(date)) return false;
  return !isWeekend(date);
}

/** The `n`-th working day after `date` (the date itself is not counted; n = 0 is the date itself). */
export function addWorkingDaysToDate(date: string, n: number, calendar: WorkingCalendar = WEEKDAYS_ONLY): string {
  if (!Number.isInteger(n) || n < 0) throw new Error(`working days must be a whole number, not ${n}`);
  let day = date;
  for (let counted = 0; counted < n; ) {
    day = addDaysToDate(day, 1);
    if (isWorkingDay(day, calendar)) counted++;
  }
  return day;
}

/** The first working day on or after `date`. */
export function workingDayOnOrAfter(date: string, calendar: WorkingCalendar = WEEKDAYS_ONLY): string {
  let day = date;
  while (!isWorkingDay(day, calendar)) day = addDaysToDate(day, 1);
  return day;
}

/**
 * How a Civil Code period (arts. 200-204) is counted.
 * - `startDay`: art. 201 does not count the day a period starts in (`'next'`, the default).
 *   `'midnight-counts'` counts a day the period begins at its very start (00:00:00.000 local) in full.
 *   That is not the Code's count: it is for a period a law or the parties' agreement sets otherwise
 *   (art. 204), such as a vote's close, the time of the meeting announced as the owners' rules of
 *   procedure (议事规则) fix it.
 * - `restDays`: art. 203 moves a last day that is a statutory rest day to the day after the rest days.
 *   Rest days are those `calendar` says are not working days (Saturdays and Sundays without one);
 *   `false` keeps the last day where it falls (a period whose end was fixed and announced ahead).
 */
export interface PeriodCount {
  startDay?: 'next' | 'midnight-counts';
  restDays?: WorkingCalendar | false;
}

/** The first day a period starting at `from` counts (art. 201). */
export function firstCountedDay(from: string, zone: string = DEFAULT_ZONE, count: PeriodCount = {}): string {
  const day = localDate(from, zone);
  return count.startDay === 'midnight-counts' && isStartOfDate(from, zone) ? day : addDaysToDate(day, 1);
}

/** The instant a period whose last day is `lastDay` ends: 24:00 of that day, after any move past rest days (art. 203). */
export function periodEndOf(lastDay: string, zone: string = DEFAULT_ZONE, count: PeriodCount = {}): string {
  const day = count.restDays === false ? lastDay : workingDayOnOrAfter(lastDay, count.restDays ?? WEEKDAYS_ONLY);
  // 24:00 of the last day is 00:00 of the next: the period runs up to, not including, that instant.
  return startOfDate(addDaysToDate(day, 1), zone);
}

/** The end of a period of `days` calendar days that starts at `from` (arts. 201, 203). */
export function daysPeriodEnd(from: string, days: number, zone: string = DEFAULT_ZONE, count: PeriodCount = {}): string {
  if (!Number.isInteger(days) || days < 1) throw new Error(`a period is at least one whole day, not ${days}`);
  return periodEndOf(addDaysToDate(firstCountedDay(from, zone, count), days - 1), zone, count);
}

/**
 * The end of a period of `months` calendar months that starts at `from` (arts. 201-203). When the day
 * the period starts in does not count, its last day is the day of the last month corresponding to that
 * start day, or that month's last day when it has none (art. 202: from 10:00 of 31 Jan, 1 month: to
 * 24:00 of 28 Feb). When the first day counts (from 00:00, `'midnight-counts'`), the period holds whole
 * months from that first day: its last day is the day before the day of the last month corresponding to
 * the first day, or that month's last day when it has none (from 00:00 of 1 Mar: to 24:00 of 31 Mar; of
 * 31 Jan: to 24:00 of 28 Feb).
 */
export function monthsPeriodEnd(from: string, months: number, zone: string = DEFAULT_ZONE, count: PeriodCount = {}): string {
  if (!Number.isInteger(months) || months < 1) throw new Error(`a period is at least one whole month, not ${months}`);
  const first = firstCountedDay(from, zone, count);
  const startDayCounts = first === localDate(from, zone);
  return periodEndOf(startDayCounts ? dayBeforeCorresponding(first, months) : addMonthsToDate(localDate(from, zone), months), zone, count);
}

/** The day before the day `months` later corresponding to `date`, or that month's last day when it has no corresponding day. */
function dayBeforeCorresponding(date: string, months: number): string {
  const { y, m, d } = parseDate(date);
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return d > lastDay ? formatDate(new Date(Date.UTC(y, m - 1 + months, lastDay))) : addDaysToDate(formatDate(new Date(Date.UTC(y, m - 1 + months, d))), -1);
}

/** A deadline is missed from the instant it ends (24:00 of the last day), not a millisecond earlier. */
export const isPast = (deadline: string, now: string): boolean => Date.parse(now) >= Date.parse(deadline);
