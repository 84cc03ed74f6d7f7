import { clock } from '../../libs/clock';
import { enqueue } from '../../libs/queue';
import * as store from './store';

/** Daily: committees whose term ends within 3 months and whose street office was not reminded yet, one unit each. */
export const handler = async () => {
  const due = await store.committeesDueForReminder(clock.nowIso());
  await enqueue('term-reminders', due.map(({ compoundId }) => ({ compoundId })));
  return { enqueued: due.length };
};
