import * as z from '../../events/zod';
import { Conflict, NotReady } from '../../libs/errors';
import { id } from '../../libs/ids';
import { unitWorker } from '../../libs/jobs';
import { logger } from '../../libs/logger';
import { closeVote, finalizeVote, openVote } from './lifecycle';
import { getVote } from './store/votes';

const STEPS = { scheduled: openVote, open: closeVote, preliminary: finalizeVote } as const;

/**
 * One vote's next step: open it (freezing the electorate), count it, or make its result final.
 * Each step is one conditional write, so a unit delivered twice, or raced by a manual call, does it once.
 */
export const handler = unitWorker('elections', z.object({ compoundId: id, voteId: id }), async ({ compoundId, voteId }) => {
  const vote = await getVote(compoundId, voteId, true);
  const step = vote && STEPS[vote.status as keyof typeof STEPS];
  if (!vote || !step) return 'nothing due';
  try {
    await step(vote, 'schedule:vote-clock');
    return 'done';
  } catch (error) {
    // Not ready (its roll is still arriving; the time moved): it stays due, the next run picks it up.
    // Conflict: someone else took the step first.
    if (error instanceof NotReady || error instanceof Conflict) {
      logger('elections').info('vote step skipped', { compoundId, voteId, reason: (error as Error).message });
      return 'skipped';
    }
    throw error;
  }
});
