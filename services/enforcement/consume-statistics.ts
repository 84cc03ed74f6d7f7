import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import { deltasOf, periodsOfMonth, sweptKeysOf, type Level } from './domain/statistics';
import { monthOf } from './domain/time';
import { adjustRisk } from './store/risk';
import { addCounters, firstSwept } from './store/stats';
import { registry, table } from './store/table';

type Data = Record<string, unknown> & { compoundId: string };

/** What an event changes in its compound's sweep risk. */
function riskChange(detailType: string, data: Data): { deltas: Partial<Record<'openHazards' | 'previousFindings' | 'openReferrals', number>>; sweptAt?: boolean } {
  switch (detailType) {
    case 'FindingReferred':
      return { deltas: { openReferrals: 1 } };
    case 'FindingConfirmed':
      return { deltas: { openHazards: 1, previousFindings: 1, ...(data.source === 'referral' ? { openReferrals: -1 } : {}) } };
    case 'FindingDismissed':
      return { deltas: { openReferrals: -1 } };
    case 'FindingRectified':
      return { deltas: { openHazards: -1 } };
    case 'InspectionRecorded':
      return { deltas: {}, sweptAt: true };
    default:
      return { deltas: {} };
  }
}

/**
 * The service's own events become counters: per compound per month, and the same rolled up to its
 * street, its district and the city; compounds swept are counted once per compound (and category)
 * per month, quarter and year. Each level is its own idempotent step, so a redelivery after a
 * partial failure finishes the levels left and counts none twice.
 */
export const handler = async (event: DeliveredEvent) => {
  const detailType = event['detail-type'];
  const { metadata } = event.detail;
  const data = event.detail.data as Data;
  const compound = await registry.getCompound(data.compoundId);
  if (!compound) throw new Error(`compound ${data.compoundId} is not known here yet`);
  const scopes: [Level, string][] = [
    ['compound', compound.compoundId],
    ['street', compound.streetId],
    ['district', compound.districtId],
    ['city', 'city'],
  ];
  const month = monthOf(metadata.occurredAt);

  const risk = riskChange(detailType, data);
  await consumeOnce(table(), 'risk', event, () => adjustRisk(compound.compoundId, risk.deltas, risk.sweptAt ? metadata.occurredAt : undefined));

  const deltas = deltasOf({ detailType, data });
  if (Object.keys(deltas).length) {
    for (const [level, scopeId] of scopes) await consumeOnce(table(), `stats-${level}`, event, () => addCounters(level, scopeId, month, deltas));
  }

  const keys = sweptKeysOf({ detailType, data });
  if (keys.length) {
    for (const period of periodsOfMonth(month)) {
      const first: string[] = [];
      for (const key of keys) if (await firstSwept(compound.compoundId, period, key, metadata.id)) first.push(key);
      if (!first.length) continue;
      const counts = Object.fromEntries(first.map((k) => [k, 1]));
      for (const [level, scopeId] of scopes) await consumeOnce(table(), `swept-${level}-${period}`, event, () => addCounters(level, scopeId, period, counts));
    }
  }
};
