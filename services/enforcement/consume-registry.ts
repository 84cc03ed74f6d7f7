import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import { registry, table } from './store/table';

/** Keeps this service's own copy of compounds and rolls, from the registry's events. */
export const handler = async (event: DeliveredEvent) => {
  await consumeOnce(table(), 'registry-read-model', event, () => registry.apply(event));
};
