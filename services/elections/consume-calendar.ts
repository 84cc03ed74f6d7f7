import { WorkingCalendarSet } from '../../events/catalogue';
import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import { logger } from '../../libs/logger';
import { putCalendarYear } from './store/calendar';
import { table } from './store/keys';

/**
 * The bureau's working calendar of a year (entered in disputes), kept here for the periods the Civil
 * Code moves past statutory holidays (art. 203): the objection period and the officers' deadline.
 */
export const handler = async (event: DeliveredEvent) => {
  await consumeOnce(table(), 'working-calendar', event, async () => {
    const { metadata, data } = WorkingCalendarSet.parse(event);
    if (!data.holidayDates || !data.workdayDates) {
      // Published before the event carried its dates: nothing to keep (the bureau's next PUT of the year brings them).
      logger('elections').warn('working calendar without its dates ignored', { year: data.year, eventId: metadata.id });
      return;
    }
    await putCalendarYear({ year: data.year, holidays: data.holidayDates, workdays: data.workdayDates, setAt: metadata.occurredAt, setBy: metadata.actor, eventId: metadata.id });
  });
};
