import { clock } from '../../libs/clock';
import { enqueue } from '../../libs/queue';
import { committeesDueForTerm } from './store/committee';

/** Daily: committees whose term step is due (the reminder 3 months ahead, or the end), one unit each. */
export const handler = async () => {
  const due = await committeesDueForTerm(clock.nowIso());
  await enqueue(
    'term-reminders',
    due.map(({ compoundId }) => ({ compoundId })),
  );
  return { enqueued: due.length };
};
