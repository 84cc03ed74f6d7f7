import { CompoundRegistered } from '../../events/catalogue';
import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import { recordLocation } from './store/summaries';
import { registry, table } from './store/table';

/** Keeps this service's own copy of compounds and rolls, and where each compound is (for the reports). */
export const handler = async (event: DeliveredEvent) => {
  await consumeOnce(table(), 'registry-read-model', event, async () => {
    await registry.apply(event);
    if (event['detail-type'] === CompoundRegistered.detailType) {
      const { data } = CompoundRegistered.parse(event);
      await recordLocation({ compoundId: data.compoundId, ...data.location });
    }
  });
};
