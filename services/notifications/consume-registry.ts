import type { Context } from 'aws-lambda';
import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import { table } from './store/keys';
import { applyRegistryEvent } from './store/registry';

/** Keeps this service's copy of compounds, who holds which unit by building, and the grid. */
export const handler = async (event: DeliveredEvent, context?: Context) => {
  await consumeOnce(table(), 'registry-read-model', event, () => applyRegistryEvent(event), context);
};
