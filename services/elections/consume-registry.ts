import { CompoundRegistered } from '../../events/catalogue';
import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import { refreshSummary } from './committee-record';
import { table } from './store/keys';
import { registry } from './store/registry';
import { putArea } from './store/summaries';

/**
 * Keeps this service's own copy of compounds and rolls, from the registry's events; a new compound
 * also gets its committee summary (none yet) and makes its street and community locatable.
 */
export const handler = async (event: DeliveredEvent) => {
  await consumeOnce(table(), 'registry-read-model', event, async () => {
    await registry.apply(event);
    if (event['detail-type'] === CompoundRegistered.detailType) {
      const { data } = CompoundRegistered.parse(event);
      await putArea('street', data.location.streetId, data.location);
      await putArea('community', data.location.communityId, data.location);
      await refreshSummary(data.compoundId);
    }
  });
};
