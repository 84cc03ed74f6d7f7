/**
 * Local time for notices: quiet hours, digest times and dates in messages are read in the compound's
 * time zone (Asia/Shanghai by default). The offset is asked of the zone database for each instant, so
 * a zone with daylight saving works too; Asia/Shanghai has none (UTC+08:00 since 1991). The zone
 * arithmetic is libs/calendar.ts's.
 */
import { instantOf, type WallTime, wallTime } from '../../../libs/calendar';

export const MINUTES_PER_DAY = 24 * 60;

/** `HH:MM` (24-hour) as minutes since local midnight. */
export function minutesOf(hhmm: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!match) throw new Error(`not a time of day (HH:MM): ${hhmm}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The wall clock (libs/calendar.ts's WallTime) with the weekday counted as notices name it: Monday 1 … Sunday 7. */
export type LocalParts = Omit<WallTime, 'millisecond' | 'weekday'> & { weekday: number };

/** The wall-clock reading of an instant in a zone (libs/calendar.ts does the zone arithmetic). */
export function localParts(instant: Date, zone: string): LocalParts {
  const w = wallTime(instant, zone);
  return { year: w.year, month: w.month, day: w.day, hour: w.hour, minute: w.minute, second: w.second, weekday: w.weekday === 0 ? 7 : w.weekday };
}

/** Minutes the zone is ahead of UTC at that instant (480 for Beijing time). */
export function offsetMinutes(instant: Date, zone: string): number {
  const w = wallTime(instant, zone);
  return Math.round((Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond) - instant.getTime()) / 60_000);
}

/** Minutes since local midnight at that instant. */
export function localMinuteOfDay(instant: Date, zone: string): number {
  const p = localParts(instant, zone);
  return p.hour * 60 + p.minute;
}

/**
 * Whether a local minute of the day falls in [from, to): a window that wraps midnight (22:00–07:00)
 * is the union of its evening and morning parts; from = to is an empty window.
 */
export function inWindow(minute: number, from: number, to: number): boolean {
  if (from === to) return false;
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

/** The first instant at or after `after` whose local time of day is `minute` (to the minute). */
export function nextLocalTime(after: Date, minute: number, zone: string): Date {
  const p = localParts(after, zone);
  for (let dayOffset = 0; dayOffset <= 2; dayOffset++) {
    const candidate = new Date(instantOf(zone, p.year, p.month, p.day + dayOffset, 0, minute));
    if (candidate.getTime() >= after.getTime()) return candidate;
  }
  throw new Error('unreachable: a time of day recurs within two days');
}
