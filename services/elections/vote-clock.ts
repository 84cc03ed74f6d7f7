import { clock } from '../../libs/clock';
import { HttpProblem } from '../../libs/http/problem';
import { logger } from '../../libs/logger';
import { closeVote, finalizeVote, openVote } from './lifecycle';
import * as store from './store';

/** Every few minutes: open, close and finalize whatever is due. Each step is one conditional write, so overlapping runs are harmless. */
export const handler = async () => {
  const now = clock.nowIso();
  const done = { opened: 0, closed: 0, finalized: 0, waiting: 0 };
  const steps = [
    ['scheduled', openVote, 'opened'],
    ['open', closeVote, 'closed'],
    ['preliminary', finalizeVote, 'finalized'],
  ] as const;
  for (const [status, step, counter] of steps) {
    for (const due of await store.dueVotes(status, now)) {
      const vote = await store.getVote(due.compoundId, due.voteId, true);
      if (!vote || vote.status !== status) continue;
      try {
        await step(vote, 'schedule:vote-clock');
        done[counter]++;
      } catch (error) {
        // A 409 is a vote not ready yet (e.g. its roll is still arriving): try again next run.
        if (error instanceof HttpProblem && error.status === 409) done.waiting++;
        else logger('elections').error('vote clock step failed', { vote: due, error: String(error) });
      }
    }
  }
  return done;
};
