import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { db, isConditionFailed } from '../../../libs/db';
import { localDate, type WorkingCalendar, WEEKDAYS_ONLY } from '../../../libs/calendar';
import { calendarKey, table } from './keys';

/**
 * This service's copy of the bureau's working calendars (public holidays and make-up working days per
 * year, entered in disputes and published as WorkingCalendarSet), which the Civil Code's periods are
 * counted in (art. 203). One item per year; a year's later list replaces the earlier one.
 */
export interface CalendarYear extends WorkingCalendar {
  year: number;
  /** When the bureau set it (the event's time): an older event arriving late does not replace a newer list. */
  setAt: string;
  setBy: string;
  eventId: string;
}

/** Keep a year's calendar unless a list set later is on record already; false when one is. */
export async function putCalendarYear(calendar: CalendarYear): Promise<boolean> {
  try {
    await db().send(
      new PutCommand({
        TableName: table(),
        Item: { ...calendarKey(calendar.year), ...calendar },
        ConditionExpression: 'attribute_not_exists(pk) OR setAt < :at',
        ExpressionAttributeValues: { ':at': calendar.setAt },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** The calendars of these years as one (a year without one adds nothing: Monday to Friday work). */
export async function calendarOfYears(years: readonly number[]): Promise<WorkingCalendar> {
  const found = await Promise.all([...new Set(years)].map(async (year) => (await db().send(new GetCommand({ TableName: table(), Key: calendarKey(year) }))).Item));
  const items = found.filter((i) => i !== undefined);
  if (!items.length) return WEEKDAYS_ONLY;
  return { holidays: items.flatMap((i) => i.holidays as string[]), workdays: items.flatMap((i) => i.workdays as string[]) };
}

/**
 * The calendar a period starting at `from` is counted in: the year of its first local day and the next
 * (a period of days crosses at most into the next year; its last day moved past the new year's holiday
 * included).
 */
export function calendarAround(from: string, zone: string): Promise<WorkingCalendar> {
  const year = Number(localDate(from, zone).slice(0, 4));
  return calendarOfYears([year, year + 1]);
}
