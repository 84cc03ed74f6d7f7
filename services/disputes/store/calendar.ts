import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { assignments, db } from '../../../libs/db';
import { updateWithEvents } from '../../../libs/outbox';
import { WEEKDAYS_ONLY, type WorkingCalendar } from '../domain/calendar';
import { table } from './table';

const key = (year: number) => ({ pk: `CALENDAR#${year}`, sk: 'CALENDAR' });
const cache = new Map<number, { at: number; calendar: WorkingCalendar }>();
const CACHE_MS = 60_000;

export async function getCalendar(year: number): Promise<(WorkingCalendar & { year: number; setAt?: string; setBy?: string }) | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: key(year) }));
  return Item ? { year, holidays: Item.holidays as string[], workdays: Item.workdays as string[], setAt: Item.setAt as string, setBy: Item.setBy as string } : undefined;
}

/** The calendar deadlines starting now are counted in: this year's and next year's lists (a deadline may cross the new year). */
export async function calendarAround(now: string): Promise<WorkingCalendar> {
  const year = Number(now.slice(0, 4));
  const parts = await Promise.all(
    [year, year + 1].map(async (y) => {
      const hit = cache.get(y);
      if (hit && Date.now() - hit.at < CACHE_MS) return hit.calendar;
      const calendar = (await getCalendar(y)) ?? WEEKDAYS_ONLY;
      cache.set(y, { at: Date.now(), calendar });
      return calendar;
    }),
  );
  return { holidays: parts.flatMap((p) => p.holidays), workdays: parts.flatMap((p) => p.workdays) };
}

/** Replace a year's calendar (one put, its event in the item's outbox). */
export async function putCalendar(year: number, calendar: WorkingCalendar, by: string, at: string, event: BusEvent): Promise<void> {
  const fields = assignments({ holidays: calendar.holidays, workdays: calendar.workdays, setAt: at, setBy: by });
  await updateWithEvents(table(), key(year), { set: fields.set, names: fields.names, values: fields.values }, [event]);
  cache.delete(year);
}
