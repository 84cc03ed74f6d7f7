import { CATEGORY_RULES, type EnforcementCategory, type Severity } from './categories';
import { daysPeriodEnd, DEFAULT_ZONE, isPast } from '../../../libs/calendar';

/**
 * Periods as the Civil Code counts them (arts. 200-204), from libs/calendar.ts: the day a notice is
 * issued in is not counted (art. 201), a last day on a Saturday or Sunday moves to the Monday and the
 * period ends at 24:00 of its last day (art. 203), in the compound's zone. Public holidays and the
 * make-up working weekends are announced yearly and are not modelled here (a deadline may then fall
 * on a holiday).
 */
export { daysPeriodEnd, monthsPeriodEnd } from '../../../libs/calendar';

export const rectificationDays = (category: EnforcementCategory, severity: Severity): number => CATEGORY_RULES[category].days[severity];

/** The rectification deadline a notice issued at `issuedAt` gives, from the category and severity. */
export function rectificationDeadline(category: EnforcementCategory, severity: Severity, issuedAt: string, zone = DEFAULT_ZONE): string {
  return daysPeriodEnd(issuedAt, rectificationDays(category, severity), zone);
}

/** A deadline is missed from the instant it ends (24:00 of the last day), not a millisecond earlier. */
export const isOverdue = isPast;
