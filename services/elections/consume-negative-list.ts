import { ArrearsCleared, ArrearsRecorded, CandidateDisqualified, ViolationConfirmed, ViolationRectified } from '../../events/catalogue';
import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import * as store from './store';

/**
 * The negative list follows its sources: a confirmed violation or recorded arrears disqualifies the
 * person named, with the source record as the reason; rectification or clearance lifts it.
 */
export const handler = async (event: DeliveredEvent) => {
  await consumeOnce(store.table(), 'negative-list', event, async () => {
    const { metadata } = event.detail;
    const disqualify = async (personId: string, compoundId: string, reason: store.Disqualification['reason'], sourceRef: string) => {
      const record: store.Disqualification = { personId, compoundId, reason, sourceRef, origin: 'event', active: true, recordedAt: metadata.occurredAt, recordedBy: `${event.source}:${metadata.actor}` };
      const out = CandidateDisqualified.create({ compoundId, personId, reason, sourceRef }, { compoundId, actor: 'elections', occurredAt: metadata.occurredAt, correlationId: metadata.correlationId, id: `disqualified-${personId}-${sourceRef}` });
      await store.recordDisqualification(record, [out]);
    };
    switch (event['detail-type']) {
      case ViolationConfirmed.detailType: {
        const { data } = ViolationConfirmed.parse(event);
        if (data.responsibleOwnerId) await disqualify(data.responsibleOwnerId, data.compoundId, 'unrectified_violation', `enforcement/finding/${data.findingId}`);
        return;
      }
      case ViolationRectified.detailType: {
        const { data } = ViolationRectified.parse(event);
        if (data.responsibleOwnerId) await store.liftDisqualification(data.responsibleOwnerId, `enforcement/finding/${data.findingId}`, 'enforcement', 'violation rectified');
        return;
      }
      case ArrearsRecorded.detailType: {
        const { data } = ArrearsRecorded.parse(event);
        await disqualify(data.ownerId, data.compoundId, data.kind === 'property_fee' ? 'fee_arrears' : 'fund_arrears', `funds/arrears/${data.arrearsId}`);
        return;
      }
      case ArrearsCleared.detailType: {
        const { data } = ArrearsCleared.parse(event);
        await store.liftDisqualification(data.ownerId, `funds/arrears/${data.arrearsId}`, 'funds', 'arrears cleared');
        return;
      }
      default:
        throw new Error(`negative-list does not take ${event['detail-type']}`);
    }
  });
};
