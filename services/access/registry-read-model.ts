import type { DeliveredEvent } from '../../events/envelope';
import * as store from './store';

/** Where compounds and their communities lie: what a street office's grants are checked against. */
export const handler = async (event: DeliveredEvent) => store.applyCompoundRegistered(event);
