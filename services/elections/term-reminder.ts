import { CommitteeTermExpiring } from '../../events/catalogue';
import * as z from '../../events/zod';
import { clock } from '../../libs/clock';
import { id } from '../../libs/ids';
import { unitWorker } from '../../libs/jobs';
import * as store from './store';

/** Remind the street office that a committee's term ends (CommitteeTermExpiring), once per term. */
export const handler = unitWorker('elections', z.object({ compoundId: id }), async ({ compoundId }) => {
  const committee = await store.getCommittee(compoundId);
  if (!committee || committee.remindedAt) return 'nothing due';
  const event = CommitteeTermExpiring.create(
    { compoundId, committeeId: committee.electionId ?? `temporary-${committee.termStart}`, termEnd: committee.termEnd, kind: committee.kind },
    { compoundId, actor: 'schedule:term-watch', occurredAt: clock.nowIso(), id: `term-expiring-${compoundId}-${committee.termEnd}` },
  );
  return (await store.markReminded(committee, event)) ? 'reminded' : 'already reminded';
});
