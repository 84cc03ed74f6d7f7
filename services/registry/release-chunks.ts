import { RollActivated } from '../../events/catalogue';
import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import * as store from './store';

/**
 * The registry's own consumer of RollActivated: publishes the chunks of the version that became
 * current. Chunks wait outside any outbox until then, so a roll that never became current publishes
 * nothing (services/registry/store.ts, importRoll).
 */
export const handler = async (event: DeliveredEvent) => {
  const { data } = RollActivated.parse(event);
  await consumeOnce(store.table(), 'release-roll-chunks', event, async () => {
    await store.releaseRollChunks(data.compoundId, data.rollVersion, data.chunkCount);
  });
};
