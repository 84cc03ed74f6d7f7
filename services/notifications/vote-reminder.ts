import * as z from '../../events/zod';
import { clock } from '../../libs/clock';
import { notReady } from '../../libs/errors';
import { id } from '../../libs/ids';
import { unitWorker } from '../../libs/jobs';
import { DEFAULT_TIME_ZONE } from '../../libs/topology';
import { closingReminderNotices } from './domain/closing-reminder';
import type { RuleContext } from './domain/rules';
import { issue } from './issue';
import { standDown, voteFacts } from './store/facts';
import { compound } from './store/registry';

/**
 * One vote's closing-time reminder (domain/closing-reminder.ts), taken from the due index by
 * release-due: its broadcasts, whose owners fan out building by building on the `recipients`
 * queue like any other. Idempotent: the broadcasts are named by the vote, so a unit delivered
 * twice writes nothing new; the vote then leaves the due index.
 */
export const voteReminderUnit = z.object({ compoundId: id, voteId: id });

export async function remindBeforeClose(unit: z.infer<typeof voteReminderUnit>): Promise<{ notices: number }> {
  const vote = await voteFacts(unit.compoundId, unit.voteId);
  if (!vote) return { notices: 0 };
  // Elections reminded, or the vote closed, after this unit was queued.
  if (vote.reminderDone && vote.reminderDone !== 'sent') return { notices: 0 };
  const now = clock.nowIso();
  if (now >= vote.closesAt) {
    await standDown(unit.compoundId, unit.voteId, 'too-late');
    return { notices: 0 };
  }
  const view = await compound(unit.compoundId);
  if (!view) throw notReady(`compound ${unit.compoundId} is not known here yet`);
  const context: RuleContext = {
    zone: DEFAULT_TIME_ZONE,
    compound: { compoundId: view.compoundId, name: view.name, districtId: view.districtId, streetId: view.streetId, communityId: view.communityId },
  };
  const specs = closingReminderNotices(vote, context);
  const cause = {
    eventId: `vote-reminder-${unit.compoundId}-${unit.voteId}`,
    source: 'gongzhi.notifications',
    detailType: 'VoteClosingReminder',
    occurredAt: now,
    correlationId: `vote-${unit.compoundId}-${unit.voteId}`,
  };
  for (const spec of specs) await issue(spec, cause, view, context.zone);
  await standDown(unit.compoundId, unit.voteId, 'sent');
  return { notices: specs.length };
}

export const handler = unitWorker('notifications', voteReminderUnit, remindBeforeClose);
