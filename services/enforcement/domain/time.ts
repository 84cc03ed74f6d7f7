/**
 * Calendar arithmetic in a compound's time zone: libs/calendar.ts, the one implementation the
 * services share; this service adds its statistics periods.
 */
export { addDaysToDate, addMonthsToDate, DEFAULT_ZONE, daysBetween, isDate, isWeekend, localDate, monthOf, startOfDate, weekday } from '../../../libs/calendar';

export const quarterOfMonth = (month: string): string => `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;

export const yearOfMonth = (month: string): string => month.slice(0, 4);
