import { ArrearsCleared, ArrearsRecorded, CandidateDisqualified, DisqualificationLifted, ViolationConfirmed, ViolationRectified } from '../../events/catalogue';
import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import { table } from './store/keys';
import { disqualifications, liftDisqualification, recordDisqualification, type Disqualification } from './store/negative-list';
import { locateCompound } from './store/registry';

/**
 * The negative list follows its sources: a confirmed violation or recorded arrears disqualifies the
 * person named, with the source record as the reason; rectification or clearance lifts it. Each
 * record and each lift is one write carrying its event (CandidateDisqualified, DisqualificationLifted),
 * from which the committee record flags or clears a sitting member.
 */
export const handler = async (event: DeliveredEvent) => {
  await consumeOnce(table(), 'negative-list', event, async () => {
    const { metadata } = event.detail;
    const base = { actor: 'elections', occurredAt: metadata.occurredAt, correlationId: metadata.correlationId };
    const disqualify = async (personId: string, compoundId: string, reason: Disqualification['reason'], sourceRef: string) => {
      const location = await locateCompound(compoundId);
      const record: Disqualification = {
        personId,
        compoundId,
        ...(location ? { districtId: location.districtId, streetId: location.streetId, communityId: location.communityId } : {}),
        reason,
        sourceRef,
        origin: 'event',
        active: true,
        recordedAt: metadata.occurredAt,
        recordedBy: `${event.source}:${metadata.actor}`,
      };
      const out = CandidateDisqualified.create({ compoundId, personId, reason, sourceRef }, { ...base, compoundId, id: `disqualified-${personId}-${sourceRef}` });
      await recordDisqualification(record, [out]);
    };
    const lift = async (personId: string, sourceRef: string, by: string, note: string) => {
      const record = (await disqualifications(personId)).find((d) => d.sourceRef === sourceRef);
      if (!record?.active) return;
      const out = DisqualificationLifted.create(
        { compoundId: record.compoundId, personId, reason: record.reason, sourceRef, note },
        { ...base, compoundId: record.compoundId, id: `lifted-${personId}-${sourceRef}` },
      );
      await liftDisqualification(personId, sourceRef, { at: metadata.occurredAt, by, note }, [out]);
    };
    switch (event['detail-type']) {
      case ViolationConfirmed.detailType: {
        const { data } = ViolationConfirmed.parse(event);
        if (data.responsibleOwnerId) await disqualify(data.responsibleOwnerId, data.compoundId, 'unrectified_violation', `enforcement/finding/${data.findingId}`);
        return;
      }
      case ViolationRectified.detailType: {
        const { data } = ViolationRectified.parse(event);
        if (data.responsibleOwnerId) await lift(data.responsibleOwnerId, `enforcement/finding/${data.findingId}`, 'enforcement', 'violation rectified');
        return;
      }
      case ArrearsRecorded.detailType: {
        const { data } = ArrearsRecorded.parse(event);
        await disqualify(data.ownerId, data.compoundId, data.kind === 'property_fee' ? 'fee_arrears' : 'fund_arrears', `funds/arrears/${data.arrearsId}`);
        return;
      }
      case ArrearsCleared.detailType: {
        const { data } = ArrearsCleared.parse(event);
        await lift(data.ownerId, `funds/arrears/${data.arrearsId}`, 'funds', 'arrears cleared');
        return;
      }
      default:
        throw new Error(`negative-list does not take ${event['detail-type']}`);
    }
  });
};
