import { CompoundRegistered, RollActivated, RollChunkPublished, UnitHolderChanged } from '../../events/catalogue';
import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import * as store from './store';

/** Keeps this service's own copy of compounds and rolls, from the registry's events. */
export const handler = async (event: DeliveredEvent) => {
  await consumeOnce(store.table(), 'registry-read-model', event, async () => {
    switch (event['detail-type']) {
      case CompoundRegistered.detailType: {
        const { data } = CompoundRegistered.parse(event);
        await store.putCompound({ compoundId: data.compoundId, name: data.name, ...data.location, developerId: data.developerId, governance: data.governance });
        return;
      }
      case RollChunkPublished.detailType: {
        const { data } = RollChunkPublished.parse(event);
        await store.putRollChunk(data.compoundId, data.rollVersion, data.chunkIndex, data.units);
        return;
      }
      case RollActivated.detailType: {
        const { data } = RollActivated.parse(event);
        await store.activateRoll(data.compoundId, data.rollVersion, data.chunkCount, data.unitCount);
        return;
      }
      case UnitHolderChanged.detailType: {
        const { metadata, data } = UnitHolderChanged.parse(event);
        await store.putHolderChange(data.compoundId, data.rollVersion, data.unit, metadata.occurredAt);
        return;
      }
      default:
        throw new Error(`registry-read-model does not take ${event['detail-type']}`);
    }
  });
};
