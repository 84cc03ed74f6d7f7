/**
 * Local time for notices: quiet hours, digest times and dates in messages are read in the compound's
 * time zone (Asia/Shanghai by default). The offset is asked of the zone database for each instant, so
 * a zone with daylight saving works too; Asia/Shanghai has none (UTC+08:00 since 1991).
 */
export const MINUTES_PER_DAY = 24 * 60;

/** `HH:MM` (24-hour) as minutes since local midnight. */
export function minutesOf(hhmm: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!match) throw new Error(`not a time of day (HH:MM): ${hhmm}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Monday 1 … Sunday 7. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
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
    formatters.set(zone, found);
  }
  return found;
}
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The wall-clock reading of an instant in a zone. */
export function localParts(instant: Date, zone: string): LocalParts {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday!) + 1,
  };
}

/** Minutes the zone is ahead of UTC at that instant (480 for Beijing time). */
export function offsetMinutes(instant: Date, zone: string): number {
  const p = localParts(instant, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
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
    // Midnight of the local day, as if UTC, then shifted by the zone's offset around that time.
    const wall = Date.UTC(p.year, p.month - 1, p.day + dayOffset, 0, minute, 0);
    let candidate = new Date(wall - offsetMinutes(new Date(wall), zone) * 60_000);
    // Near a daylight-saving change the offset at the candidate itself is the right one.
    candidate = new Date(wall - offsetMinutes(candidate, zone) * 60_000);
    if (candidate.getTime() >= after.getTime()) return candidate;
  }
  throw new Error('unreachable: a time of day recurs within two days');
}
