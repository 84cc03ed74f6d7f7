import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import * as store from './store';

/** Keeps this service's own copy of compounds and rolls, from the registry's events. */
export const handler = async (event: DeliveredEvent) => {
  await consumeOnce(store.table(), 'registry-read-model', event, () => store.registry.apply(event));
};
