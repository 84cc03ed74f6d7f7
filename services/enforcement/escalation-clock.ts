import { clock } from '../../libs/clock';
import { enqueue } from '../../libs/queue';
import { dueFindings } from './store/findings';

/** Daily at 00:30 (deadlines end at midnight): findings whose next escalation step is due go on the escalations queue. */
export const handler = async () => {
  const due = await dueFindings(clock.nowIso());
  await enqueue(
    'escalations',
    due.map(({ compoundId, findingId }) => ({ compoundId, findingId })),
  );
  return { enqueued: due.length };
};
