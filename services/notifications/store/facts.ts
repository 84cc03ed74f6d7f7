import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ComplaintReceived, ExpenseSubmitted, FindingConfirmed, VoteAnnounced, VoteAnnulled, VoteClosed, VoteReminderDue } from '../../../events/catalogue';
import type { DeliveredEvent } from '../../../events/envelope';
import { db } from '../../../libs/db';
import { dueAt, dueItems } from '../../../libs/due';
import { closingReminderAt } from '../domain/closing-reminder';
import { audience, isSubject } from '../domain/audiences';
import type { ExpenseFacts, Fact, FindingFacts, RuleContext, VoteFacts } from '../domain/rules';
import { keys, table } from './keys';

/**
 * What later events do not repeat, kept from the events that say it: a vote's question and dates
 * (VoteOpened says neither), an expense's tier (ExpensePaid does not say it), and who filed a
 * complaint in the app (no disputes event names the complainant; the filing request's actor is the
 * complainant's token subject, and only this service keeps it, to address `user:<sub>`), and who
 * answers for a finding (its re-inspection, rectification and escalation do not say).
 */
export async function remember(event: DeliveredEvent): Promise<void> {
  switch (event['detail-type']) {
    case VoteAnnounced.detailType: {
      const { data } = VoteAnnounced.parse(event);
      const vote: VoteFacts = { voteId: data.voteId, kind: data.kind, matter: data.matter, question: data.question, opensAt: data.opensAt, closesAt: data.closesAt };
      // On the due index until the closing-time reminder goes out or is not needed (domain/closing-reminder.ts).
      const reminderAt = closingReminderAt(vote);
      return put({ ...keys.vote(data.compoundId, data.voteId), ...vote, compoundId: data.compoundId, ...(reminderAt ? dueAt(REMINDER_DUE, reminderAt, `${data.compoundId}#${data.voteId}`) : {}) });
    }
    // Elections reminded (its own reminder names who has not voted), or the vote is over: no closing-time reminder.
    case VoteReminderDue.detailType:
    case VoteClosed.detailType:
    case VoteAnnulled.detailType: {
      const definition = { VoteReminderDue, VoteClosed, VoteAnnulled }[event['detail-type'] as 'VoteClosed'];
      const { data } = definition.parse(event) as { data: { compoundId: string; voteId: string } };
      return standDown(data.compoundId, data.voteId, event['detail-type']);
    }
    case ExpenseSubmitted.detailType: {
      const { data } = ExpenseSubmitted.parse(event);
      const expense: ExpenseFacts = { expenseId: data.expenseId, projectId: data.projectId, payee: data.payee, amountFen: data.amountFen, tier: data.tier };
      return put({ ...keys.expense(data.compoundId, data.expenseId), ...expense });
    }
    case ComplaintReceived.detailType: {
      const { metadata, data } = ComplaintReceived.parse(event);
      // App and grid filings are made by the person who gets the answer (the grid member passes it on);
      // Open311 and counter filings are made by a system or a clerk, who is not the complainant.
      if ((data.channel === 'app' || data.channel === 'grid') && isSubject(metadata.actor)) {
        return put({ ...keys.complaint(data.compoundId, data.complaintId), complainant: audience.user(metadata.actor) });
      }
      return;
    }
    case FindingConfirmed.detailType: {
      const { data } = FindingConfirmed.parse(event);
      const responsible = data.responsibleParty.ownerId ? { kind: data.responsibleParty.kind, ownerId: data.responsibleParty.ownerId } : { kind: data.responsibleParty.kind };
      const finding: FindingFacts = { findingId: data.findingId, responsible, deadline: data.deadline, ...(data.location.buildingId ? { buildingId: data.location.buildingId } : {}) };
      return put({ ...keys.finding(data.compoundId, data.findingId), ...finding });
    }
  }
}

const put = async (item: Record<string, unknown>) => {
  await db().send(new PutCommand({ TableName: table(), Item: item }));
};

async function get(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  return (await db().send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true }))).Item;
}

/** The facts a rule asks for, looked up for this event's data. */
export async function factsFor(needs: readonly Fact[], data: { compoundId?: string; voteId?: string; expenseId?: string; complaintId?: string; findingId?: string }): Promise<Partial<RuleContext>> {
  const out: Partial<RuleContext> = {};
  const c = data.compoundId;
  if (!c) return out;
  if (needs.includes('vote') && data.voteId) {
    const item = await get(keys.vote(c, data.voteId));
    if (item)
      out.vote = {
        voteId: item.voteId as string,
        kind: item.kind as string,
        matter: item.matter as string,
        question: item.question as string,
        opensAt: item.opensAt as string,
        closesAt: item.closesAt as string,
      };
  }
  if (needs.includes('expense') && data.expenseId) {
    const item = await get(keys.expense(c, data.expenseId));
    if (item) out.expense = { expenseId: item.expenseId as string, projectId: item.projectId as string, payee: item.payee as string, amountFen: item.amountFen as number, tier: item.tier as number };
  }
  if (needs.includes('complainant') && data.complaintId) {
    const item = await get(keys.complaint(c, data.complaintId));
    if (item?.complainant) out.complainant = item.complainant as string;
  }
  if (needs.includes('finding') && data.findingId) {
    const item = await get(keys.finding(c, data.findingId));
    if (item)
      out.finding = {
        findingId: item.findingId as string,
        responsible: item.responsible as FindingFacts['responsible'],
        deadline: item.deadline as string,
        ...(item.buildingId ? { buildingId: item.buildingId as string } : {}),
      };
  }
  return out;
}

const REMINDER_DUE = 'vote-reminder';

/** Votes whose closing-time reminder is due by `now`. */
export async function dueVoteReminders(now: string, limit = 1_000): Promise<{ compoundId: string; voteId: string }[]> {
  return dueItems<{ compoundId: string; voteId: string }>(table(), REMINDER_DUE, now, ['compoundId', 'voteId'], limit);
}

export async function voteFacts(compoundId: string, voteId: string): Promise<(VoteFacts & { reminderDone?: string }) | undefined> {
  return (await get(keys.vote(compoundId, voteId))) as (VoteFacts & { reminderDone?: string }) | undefined;
}

/** The vote leaves the due index and says why (`VoteReminderDue`, `VoteClosed`, `sent`): one conditional write. */
export async function standDown(compoundId: string, voteId: string, why: string): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.vote(compoundId, voteId),
        UpdateExpression: 'SET reminderDone = if_not_exists(reminderDone, :why) REMOVE duePk, dueSk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':why': why },
      }),
    );
  } catch (error) {
    // A vote this service never heard announced has no reminder to stand down.
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}
