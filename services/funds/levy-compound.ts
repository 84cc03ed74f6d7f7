import * as z from '../../events/zod';
import { NotReady } from '../../libs/errors';
import { id } from '../../libs/ids';
import { unitWorker } from '../../libs/jobs';
import { logger } from '../../libs/logger';
import { runLevyCompound } from './operations/levy';

/**
 * One compound's levy: every month begun and not yet charged, once (see operations/levy.ts). A roll
 * still arriving leaves the compound due: the next run picks it up.
 */
export const handler = unitWorker('funds', z.object({ compoundId: id }), async ({ compoundId }) => {
  try {
    return await runLevyCompound(compoundId);
  } catch (error) {
    if (error instanceof NotReady) {
      logger('funds').info('levy skipped for now', { compoundId, reason: error.message });
      return { charged: [], status: 'not ready' };
    }
    throw error;
  }
});
