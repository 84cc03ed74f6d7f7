import { CATEGORY_RULES, type EnforcementCategory, type Severity } from './categories';
import { addDaysToDate, addMonthsToDate, DEFAULT_ZONE, isWeekend, localDate, startOfDate } from './time';

/**
 * Periods as the Civil Code counts them (arts. 200-204): the day a period starts in is not counted
 * (art. 201); a period of months ends on the corresponding day of the last month, or that month's
 * last day when it has none (art. 202); a last day that is a rest day moves to the next working day,
 * and the period ends at 24:00 of its last day (art. 203). Days are calendar days in the compound's
 * zone. Rest days here are Saturdays and Sundays; public holidays and the working weekends that
 * make up for them are announced yearly and are not modelled (a deadline may then fall on a holiday).
 */
function lastDayToDeadline(lastDay: string, zone: string): string {
  let day = lastDay;
  while (isWeekend(day)) day = addDaysToDate(day, 1);
  // 24:00 of the last day is 00:00 of the next.
  return startOfDate(addDaysToDate(day, 1), zone);
}

/** The end of a period of `days` calendar days that starts at `from`. */
export function daysPeriodEnd(from: string, days: number, zone = DEFAULT_ZONE): string {
  if (!Number.isInteger(days) || days < 1) throw new Error(`a period is at least one whole day, not ${days}`);
  return lastDayToDeadline(addDaysToDate(localDate(from, zone), days), zone);
}

/** The end of a period of `months` calendar months that starts at `from`. */
export function monthsPeriodEnd(from: string, months: number, zone = DEFAULT_ZONE): string {
  if (!Number.isInteger(months) || months < 1) throw new Error(`a period is at least one whole month, not ${months}`);
  return lastDayToDeadline(addMonthsToDate(localDate(from, zone), months), zone);
}

export const rectificationDays = (category: EnforcementCategory, severity: Severity): number => CATEGORY_RULES[category].days[severity];

/** The rectification deadline a notice issued at `issuedAt` gives, from the category and severity. */
export function rectificationDeadline(category: EnforcementCategory, severity: Severity, issuedAt: string, zone = DEFAULT_ZONE): string {
  return daysPeriodEnd(issuedAt, rectificationDays(category, severity), zone);
}

/** A deadline is missed from the instant it ends (24:00 of the last day), not a millisecond earlier. */
export const isOverdue = (deadline: string, now: string): boolean => Date.parse(now) >= Date.parse(deadline);
