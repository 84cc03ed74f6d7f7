import * as z from '../../events/zod';
import { id } from '../../libs/ids';
import { unitWorker } from '../../libs/jobs';
import { enqueue } from '../../libs/queue';
import { importPass, IMPORT_QUEUE } from './roll-import';

/**
 * One invocation of an upload import: as much as its time allows (`remainingMs`), then back on the
 * queue to go on where it stopped. A failing invocation is retried by the queue; one whose retries
 * ran out is found by the import watch.
 */
export const handler = unitWorker('registry', z.object({ compoundId: id, importId: id }), async ({ compoundId, importId }, context) => {
  const outcome = await importPass(compoundId, importId, context);
  if (outcome === 'continue') await enqueue(IMPORT_QUEUE, [{ compoundId, importId }]);
  return outcome;
});
