/**
 * Deadlines in working days, counted in the compound's time zone. Asia/Shanghai has kept UTC+08:00
 * without daylight saving since 1991, so a fixed offset is exact for every date the service sees.
 * Which days are working days is the State Council's yearly holiday notice: public holidays fall on
 * weekdays and some weekends are make-up working days (调休). The bureau enters each year's list
 * (PUT /disputes/calendar/{year}); without one, Monday to Friday are working days.
 */
export const SHANGHAI_OFFSET_MINUTES = 8 * 60;
const OFFSET_MS = SHANGHAI_OFFSET_MINUTES * 60_000;
const DAY_MS = 86_400_000;

export interface WorkingCalendar {
  /** Local dates (YYYY-MM-DD) that are not working days although they fall Monday to Friday. */
  holidays: readonly string[];
  /** Local dates that are working days although they fall on a weekend (make-up days). */
  workdays: readonly string[];
}

export const WEEKDAYS_ONLY: WorkingCalendar = { holidays: [], workdays: [] };

/** The local (Beijing time) date of an instant. */
export const localDate = (iso: string): string => new Date(Date.parse(iso) + OFFSET_MS).toISOString().slice(0, 10);

/** The local month (YYYY-MM) of an instant: statistics are kept per local month. */
export const localMonth = (iso: string): string => localDate(iso).slice(0, 7);

const dayAfter = (date: string): string => new Date(Date.parse(`${date}T00:00:00.000Z`) + DAY_MS).toISOString().slice(0, 10);

export function isWorkingDay(date: string, calendar: WorkingCalendar = WEEKDAYS_ONLY): boolean {
  if (calendar.workdays.includes(date)) return true;
  if (calendar.holidays.includes(date)) return false;
  const weekday = new Date(`${date}T00:00:00.000Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The last instant (23:59:59.999 Beijing time) of a local date, in UTC. */
export const endOfLocalDay = (date: string): string => new Date(Date.parse(`${date}T00:00:00.000Z`) + DAY_MS - OFFSET_MS - 1).toISOString();

/**
 * "Within N working days": the end of the N-th working day after the local day of `from` (the day a
 * complaint arrives does not count, whatever the hour). N = 0 is the end of the day itself.
 */
export function workingDeadline(from: string, workingDays: number, calendar: WorkingCalendar = WEEKDAYS_ONLY): string {
  if (!Number.isInteger(workingDays) || workingDays < 0) throw new Error(`working days must be a whole number, not ${workingDays}`);
  let date = localDate(from);
  for (let counted = 0; counted < workingDays; ) {
    date = dayAfter(date);
    if (isWorkingDay(date, calendar)) counted++;
  }
  return endOfLocalDay(date);
}

/** An instant as a W3C datetime with the Beijing offset (what Open311 asks for): 2026-05-01T16:00:00+08:00. */
export function shanghaiTime(iso: string): string {
  const local = new Date(Date.parse(iso) + OFFSET_MS).toISOString();
  return `${local.slice(0, 19)}+08:00`;
}

/** Whole minutes from one instant to another (never negative). */
export const minutesBetween = (from: string, to: string): number => Math.max(0, Math.floor((Date.parse(to) - Date.parse(from)) / 60_000));
