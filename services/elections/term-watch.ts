import { CommitteeTermExpiring } from '../../events/catalogue';
import { clock } from '../../libs/clock';
import { DEFAULT_COMMITTEE_RULES } from './domain/committee';
import { addMonths } from './domain/deadlines';
import * as store from './store';

/** Daily: remind the street office 3 months before a term ends (once per term). */
export const handler = async () => {
  const now = clock.nowIso();
  const horizon = addMonths(now, DEFAULT_COMMITTEE_RULES.reminderMonths);
  let reminded = 0;
  for (const committee of await store.allCommittees()) {
    if (committee.remindedAt || committee.termEnd > horizon) continue;
    const event = CommitteeTermExpiring.create(
      { compoundId: committee.compoundId, committeeId: committee.electionId ?? `temporary-${committee.termStart}`, termEnd: committee.termEnd, kind: committee.kind },
      { compoundId: committee.compoundId, actor: 'schedule:term-watch', occurredAt: now, id: `term-expiring-${committee.compoundId}-${committee.termEnd}` },
    );
    if (await store.markReminded(committee, event)) reminded++;
  }
  return { reminded };
};
