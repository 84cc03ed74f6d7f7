import { clock } from '../../libs/clock';
import { enqueue } from '../../libs/queue';
import * as summaries from './store/summaries';

/** Daily: the compounds with a quarter ended and not yet disclosed, one unit each. */
export const handler = async () => {
  const due = await summaries.dueDisclosures(clock.nowIso());
  await enqueue(
    'disclosure-compounds',
    due.map(({ compoundId }) => ({ compoundId })),
  );
  return { enqueued: due.length };
};
