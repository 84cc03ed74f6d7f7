import { addWorkingDaysToDate, DEFAULT_ZONE, endOfDate, isWorkingDay, localDate as zonedDate, type WorkingCalendar, WEEKDAYS_ONLY } from '../../../libs/calendar';

/**
 * Deadlines in working days, counted in the compound's time zone (Beijing time) with libs/calendar.ts.
 * Which days are working days is the State Council's yearly holiday notice: public holidays fall on
 * weekdays and some weekends are make-up working days (调休). The bureau enters each year's list
 * (PUT /disputes/calendar/{year}); without one, Monday to Friday are working days.
 */
export const SHANGHAI_OFFSET_MINUTES = 8 * 60;
const OFFSET_MS = SHANGHAI_OFFSET_MINUTES * 60_000;

export { isWorkingDay, type WorkingCalendar, WEEKDAYS_ONLY };

/** The local (Beijing time) date of an instant. */
export const localDate = (iso: string): string => zonedDate(iso, DEFAULT_ZONE);

/** The local month (YYYY-MM) of an instant: statistics are kept per local month. */
export const localMonth = (iso: string): string => localDate(iso).slice(0, 7);

/** The last instant (23:59:59.999 Beijing time) of a local date, in UTC. */
export const endOfLocalDay = (date: string): string => endOfDate(date, DEFAULT_ZONE);

/**
 * "Within N working days": the end of the N-th working day after the local day of `from` (the day a
 * complaint arrives does not count, whatever the hour). N = 0 is the end of the day itself.
 */
export function workingDeadline(from: string, workingDays: number, calendar: WorkingCalendar = WEEKDAYS_ONLY): string {
  return endOfLocalDay(addWorkingDaysToDate(localDate(from), workingDays, calendar));
}

/** An instant as a W3C datetime with the Beijing offset (what Open311 asks for): 2026-05-01T16:00:00+08:00. */
export function shanghaiTime(iso: string): string {
  const local = new Date(Date.parse(iso) + OFFSET_MS).toISOString();
  return `${local.slice(0, 19)}+08:00`;
}

/** Whole minutes from one instant to another (never negative). */
export const minutesBetween = (from: string, to: string): number => Math.max(0, Math.floor((Date.parse(to) - Date.parse(from)) / 60_000));
