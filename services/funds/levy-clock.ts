import { clock } from '../../libs/clock';
import { enqueue } from '../../libs/queue';
import * as levies from './store/levy';

/** Daily: the compounds whose next levy month has begun (or whose run has not completed), one unit each. */
export const handler = async () => {
  const due = await levies.dueLevies(clock.nowIso());
  await enqueue(
    'levy-compounds',
    due.map(({ compoundId }) => ({ compoundId })),
  );
  return { enqueued: due.length };
};
