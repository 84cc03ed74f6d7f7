import { CompoundRegistered } from '../../events/catalogue';
import type { DeliveredEvent } from '../../events/envelope';
import * as store from './store';

/** Every event becomes an audit record; compound registrations also teach this service where compounds are (for scoped reads). */
export const handler = async (event: DeliveredEvent) => {
  if (event['detail-type'] === CompoundRegistered.detailType && event.source === CompoundRegistered.source) await store.registry.apply(event);
  await store.record(event);
};
