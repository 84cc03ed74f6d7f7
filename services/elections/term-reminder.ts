import { CommitteeDissolved, CommitteeTermExpiring } from '../../events/catalogue';
import * as z from '../../events/zod';
import { clock } from '../../libs/clock';
import { id } from '../../libs/ids';
import { unitWorker } from '../../libs/jobs';
import { getCommittee, writeCommittee } from './store/committee';

/**
 * One committee's term step, once each: 3 months before the end the street office is reminded
 * (CommitteeTermExpiring); at the end the committee leaves office (CommitteeDissolved, term_ended):
 * its members' pool records become available again and the registry's governance follows.
 */
export const handler = unitWorker('elections', z.object({ compoundId: id }), async ({ compoundId }) => {
  const committee = await getCommittee(compoundId, true);
  const now = clock.nowIso();
  if (!committee || committee.endedAt) return 'nothing due';
  const base = { compoundId, actor: 'schedule:term-watch', occurredAt: now };
  if (!committee.remindedAt) {
    const event = CommitteeTermExpiring.create(
      { compoundId, committeeId: committee.committeeId, termEnd: committee.termEnd, kind: committee.kind },
      { ...base, id: `term-expiring-${compoundId}-${committee.committeeId}` },
    );
    const done = await writeCommittee({ ...committee, remindedAt: now, revision: committee.revision + 1 }, { committeeId: committee.committeeId, revision: committee.revision }, [event]);
    return done ? 'reminded' : 'changed meanwhile';
  }
  if (committee.termEnd > now) return 'nothing due';
  const event = CommitteeDissolved.create(
    { compoundId, committeeId: committee.committeeId, kind: committee.kind, reason: 'term_ended' },
    { ...base, id: `dissolved-${compoundId}-${committee.committeeId}` },
  );
  const done = await writeCommittee({ ...committee, endedAt: now, revision: committee.revision + 1 }, { committeeId: committee.committeeId, revision: committee.revision }, [event]);
  return done ? 'ended' : 'changed meanwhile';
});
