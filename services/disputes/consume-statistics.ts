import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import { countersFor } from './domain/statistics';
import { addToRow, LEVELS, rememberStreet, rowKey } from './store/statistics';
import { registry, table } from './store/table';

/**
 * Adds a counted event to four monthly rows: its compound's, street's, district's and the city's.
 * Each row is claimed for the event on its own, so a failure after two rows retries only the other
 * two: every row counts the event exactly once.
 */
export const handler = async (event: DeliveredEvent) => {
  const counted = countersFor({ detailType: event['detail-type'], occurredAt: event.detail.metadata.occurredAt, data: event.detail.data as Record<string, unknown> });
  const compoundId = event.detail.metadata.compoundId;
  if (!counted || !compoundId) return;
  const compound = await registry.getCompound(compoundId);
  // Not yet in our copy of the registry: fail, and the bus delivers it again later.
  if (!compound) throw new Error(`compound ${compoundId} is not in the registry read model yet`);
  await rememberStreet(compound.streetId, compound.districtId);
  for (const level of LEVELS) {
    await consumeOnce(table(), `statistics:${level}`, event, () => addToRow(rowKey(level, compound, counted.month), counted.add));
  }
};
