import type { Context } from 'aws-lambda';
import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import { issueNotices } from './issue';
import { table } from './store/keys';

/** Every event a rule names (domain/rules.ts), once per event id: its notices become broadcasts and units of work. */
export const handler = async (event: DeliveredEvent, context?: Context) => {
  await consumeOnce(table(), 'route-events', event, async () => void (await issueNotices(event)), context);
};
