import { clock } from '../../libs/clock';
import { enqueue } from '../../libs/queue';
import { dueVotes } from './store/votes';

/** Every few minutes: find the votes whose next step is due and put each on the vote-steps queue. */
export const handler = async () => {
  const due = await dueVotes(clock.nowIso());
  await enqueue(
    'vote-steps',
    due.map(({ compoundId, voteId }) => ({ compoundId, voteId })),
  );
  return { enqueued: due.length };
};
