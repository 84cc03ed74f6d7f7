import {
  CandidateDisqualified,
  CommitteeDissolved,
  CommitteeElected,
  CommitteeMemberDisqualified,
  CommitteeMemberRequalified,
  CommitteeMembersRemoved,
  CommitteeOfficersSet,
  CommitteeSeatFilled,
  DisqualificationLifted,
  PartyBranchRecorded,
  PoolImported,
  PoolPersonAdded,
  PoolStatusChanged,
  TemporaryCommitteeFormed,
} from '../../events/catalogue';
import type { DeliveredEvent } from '../../events/envelope';
import { consumeOnce } from '../../libs/consume';
import { applyElected, applyRemoved, applySeatFilled, followUps, personListChanged, refreshPoolSummary, refreshSummary } from './committee-record';
import { seatsOf } from './store/committee';
import { table } from './store/keys';
import { getPoolPerson } from './store/pool';

/**
 * What follows from this service's own decisions: a vote's final write decides (CommitteeElected,
 * CommitteeMembersRemoved, CommitteeSeatFilled); this consumer records the committee accordingly,
 * flags sitting members the negative list catches, and keeps the summaries reports read.
 */
export const handler = async (event: DeliveredEvent) => {
  await consumeOnce(table(), 'committee-record', event, async () => {
    const type = event['detail-type'];
    switch (type) {
      case CommitteeElected.detailType: {
        const { data, metadata } = CommitteeElected.parse(event);
        return applyElected(data, metadata);
      }
      case CommitteeMembersRemoved.detailType: {
        const { data, metadata } = CommitteeMembersRemoved.parse(event);
        return applyRemoved(data, metadata);
      }
      case CommitteeSeatFilled.detailType: {
        const { data, metadata } = CommitteeSeatFilled.parse(event);
        return applySeatFilled(data, metadata);
      }
      case CandidateDisqualified.detailType: {
        const { data, metadata } = CandidateDisqualified.parse(event);
        return personListChanged(data.personId, await seatsOf(data.personId), 'elections', metadata.correlationId);
      }
      case DisqualificationLifted.detailType: {
        const { data, metadata } = DisqualificationLifted.parse(event);
        return personListChanged(data.personId, await seatsOf(data.personId), 'elections', metadata.correlationId);
      }
      case TemporaryCommitteeFormed.detailType:
      case CommitteeDissolved.detailType:
        return followUps(event.detail.metadata.compoundId!);
      case CommitteeOfficersSet.detailType:
      case CommitteeMemberDisqualified.detailType:
      case CommitteeMemberRequalified.detailType:
      case PartyBranchRecorded.detailType:
        return refreshSummary(event.detail.metadata.compoundId!);
      case PoolPersonAdded.detailType: {
        const { data } = PoolPersonAdded.parse(event);
        return refreshPoolSummary(data.districtId, data.streetId);
      }
      case PoolImported.detailType: {
        const { data } = PoolImported.parse(event);
        return refreshPoolSummary(data.districtId, data.streetId);
      }
      case PoolStatusChanged.detailType: {
        const { data } = PoolStatusChanged.parse(event);
        const person = await getPoolPerson(data.personId);
        if (person) await refreshPoolSummary(person.districtId, person.streetId);
        if (data.compoundId) await refreshSummary(data.compoundId);
        return;
      }
      default:
        throw new Error(`committee-record does not take ${type}`);
    }
  });
};
