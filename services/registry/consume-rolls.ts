import { RollActivated, RollImportCompleted } from '../../events/catalogue';
import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import { complete } from './roll-import';
import * as store from './store';

/**
 * The registry's own consumer of what an activation published (both events ride in the one write
 * that made a roll current):
 *   RollActivated        publishes that version's chunks, which wait outside any outbox until then,
 *                        so a roll that never became current publishes nothing (store/rolls.ts);
 *   RollImportCompleted  records the import as completed, should the importer have stopped between
 *                        the activation and recording it.
 */
export const ROLL_EVENTS = [RollActivated, RollImportCompleted];

export const handler = async (event: DeliveredEvent) => {
  await consumeOnce(store.table(), 'roll-activation', event, async () => {
    if (event['detail-type'] === RollActivated.detailType) {
      const { data } = RollActivated.parse(event);
      await store.releaseRollChunks(data.compoundId, data.rollVersion, data.chunkCount);
    } else {
      const { data } = RollImportCompleted.parse(event);
      await complete(data, data);
    }
  });
};
