import { VoteReminderDue } from '../../events/catalogue';
import { clock } from '../../libs/clock';
import { conflict, notReady } from '../../libs/errors';
import { insertWithEvents } from '../../libs/outbox';
import { logger } from '../../libs/logger';
import { reminderAt } from './domain/deadlines';
import { notVotedByBuilding } from './domain/reminders';
import { allVoterIdsWithBallots, loadElectorate } from './store/ballots';
import { reminderKey, table } from './store/keys';
import { transition, type VoteItem } from './store/votes';

/**
 * Two days before the close (a step on the due index, taken by the vote-steps worker): one
 * VoteReminderDue per building (and part) naming the owners who have not voted, for notifications to
 * send through the building head. Each part is its own item carrying its event, written once
 * (a re-run finds it and adds nothing); then the vote records that the reminder went out, and its
 * next due step is the count. A run that comes after the close sends nothing.
 */
export async function remindNonVoters(vote: VoteItem, actor: string): Promise<{ buildings: number; owners: number }> {
  if (vote.status !== 'open') throw conflict(`the vote is ${vote.status}, not open`);
  const now = clock.nowIso();
  if (now < reminderAt(vote.closesAt)) throw notReady(`the reminder is due at ${reminderAt(vote.closesAt)}`);
  let buildings = 0;
  let owners = 0;
  if (now < vote.closesAt) {
    const [voters, voted] = await Promise.all([loadElectorate(vote, vote.electorateId!), allVoterIdsWithBallots(vote)]);
    for (const { buildingId, parts } of notVotedByBuilding(voters.values(), voted)) {
      buildings++;
      for (const [part, ownerIds] of parts.entries()) {
        owners += ownerIds.length;
        const event = VoteReminderDue.create(
          {
            compoundId: vote.compoundId,
            voteId: vote.voteId,
            kind: vote.kind,
            question: vote.question,
            opensAt: vote.opensAt,
            closesAt: vote.closesAt,
            buildingId,
            ownerIds,
            part,
            parts: parts.length,
          },
          { compoundId: vote.compoundId, actor, occurredAt: now, correlationId: `vote-${vote.compoundId}-${vote.voteId}`, id: `reminder-${vote.compoundId}-${vote.voteId}-${buildingId}-${part}` },
        );
        await insertWithEvents(table(), { ...reminderKey(vote.compoundId, vote.voteId, buildingId, part), buildingId, part, ownerIds, at: now }, [event]);
      }
    }
  } else logger('elections').info('reminder skipped: the vote has closed', { compoundId: vote.compoundId, voteId: vote.voteId });
  // The step is done whether this run or an earlier one wrote the parts; a second run changes nothing.
  await transition(vote, 'open', { reminderSentAt: now });
  return { buildings, owners };
}
