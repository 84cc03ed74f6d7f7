import { clock } from '../../libs/clock';
import { enqueue } from '../../libs/queue';
import { dueComplaints } from './store/complaints';

/** Every quarter hour: the complaints whose deadline or confirmation period has come, one unit each on the case-steps queue. */
export const handler = async () => {
  const due = await dueComplaints(clock.nowIso());
  await enqueue(
    'case-steps',
    due.map(({ complaintId }) => ({ complaintId })),
  );
  return { enqueued: due.length };
};
