import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { assignments, db, stripKeys } from '../../../libs/db';
import { DUE_ATTRIBUTES, dueAt, dueItems } from '../../../libs/due';
import { conflict } from '../../../libs/errors';
import { queryPage } from '../../../libs/http/pagination';
import { insertWithEvents, updateWithEvents } from '../../../libs/outbox';
import type { Formation } from '../domain/committee';
import { countFrom } from '../domain/deadlines';
import type { VoteResult } from '../domain/tally';
import type { Matter, Outcome } from '../domain/thresholds';
import { table, voteKey, VOTE_STEP } from './keys';

export type VoteStatus = 'scheduled' | 'open' | 'preliminary' | 'final' | 'annulled';
/** `removal`: a for/against resolution on matter 3 removing named committee members. */
export type VoteKind = 'resolution' | 'election' | 'removal';

export interface VoteItem {
  compoundId: string;
  voteId: string;
  kind: VoteKind;
  matter: Matter;
  question: string;
  payload?: Record<string, unknown>;
  /** Elections: seats, and whether it elects a committee or fills vacancies of the sitting one. */
  seats?: number;
  purpose?: 'committee' | 'by_election';
  /** Removals and by-elections act on this committee (its election id). */
  committeeId?: string;
  removal?: { members: { personId: string; name?: string }[]; then: 'fill_from_alternates' | 'by_election' };
  status: VoteStatus;
  noticeAt: string;
  opensAt: string;
  closesAt: string;
  objectionEndsAt?: string;
  createdBy: string;
  createdAt: string;
  warnings: string[];
  electorateId?: string;
  rollVersion?: number;
  totalArea?: number;
  totalHeadcount?: number;
  voterCount?: number;
  households?: number;
  candidateCount?: number;
  /** The count (preliminary): what the ballots decide. */
  result?: VoteResult;
  /** The outcome as it stands: the count's, or once final, after the final negative-list check. */
  outcome?: Outcome;
  /** Elections, once final: the committee formed (or not) and who lost a seat to the negative list. */
  finalCommittee?: { formation: Formation; dropped: string[] };
  logHead?: string;
  logChunks?: number;
  ballotCount?: number;
  closedAt?: string;
  closedBy?: string;
  finalAt?: string;
  annulled?: { by: string; reason: string; at: string };
}

/** When the vote's next step (open, count, finalize) is due, on the due index; nothing once final or annulled. */
export function dueIndex(vote: Pick<VoteItem, 'status' | 'opensAt' | 'closesAt' | 'objectionEndsAt' | 'compoundId' | 'voteId'>): { duePk?: string; dueSk?: string } {
  const due = vote.status === 'scheduled' ? vote.opensAt : vote.status === 'open' ? countFrom(vote.closesAt) : vote.status === 'preliminary' ? vote.objectionEndsAt : undefined;
  return due ? dueAt(VOTE_STEP, due, `${vote.compoundId}#${vote.voteId}`) : {};
}

/** The vote and its announcement, in one conditional put. */
export async function createVote(vote: VoteItem, events: BusEvent[]): Promise<void> {
  if (!(await insertWithEvents(table(), { ...voteKey(vote.compoundId, vote.voteId), ...vote, ...dueIndex(vote) }, events))) {
    throw conflict(`vote ${vote.voteId} already exists in this compound`);
  }
}

export async function getVote(compoundId: string, voteId: string, consistent = false): Promise<VoteItem | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: voteKey(compoundId, voteId), ConsistentRead: consistent }));
  return stripKeys<VoteItem>(Item);
}

export function listVotes(compoundId: string, limit: number, cursor?: string) {
  return queryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `COMPOUND#${compoundId}`, ':prefix': 'VOTE#' },
      ProjectionExpression: 'voteId, kind, matter, question, #status, noticeAt, opensAt, closesAt, objectionEndsAt, finalAt, outcome',
      ExpressionAttributeNames: { '#status': 'status' },
      ScanIndexForward: false,
    },
    limit,
    cursor,
    (i) => i,
  );
}

/** Votes whose next step is due: scheduled → open, open → preliminary, preliminary → final. */
export const dueVotes = (now: string) => dueItems<{ compoundId: string; voteId: string }>(table(), VOTE_STEP, now, ['compoundId', 'voteId']);

/**
 * Move a vote from one status to the next with one conditional write; `events` travel in the same
 * write (outbox). Returns false if someone else moved it first (the schedule and a manual call race,
 * an annulment and the finalization race): whatever follows from a step follows from its events.
 */
export async function transition(vote: Pick<VoteItem, 'compoundId' | 'voteId' | 'opensAt' | 'closesAt' | 'objectionEndsAt'>, from: VoteStatus, changes: Partial<VoteItem>, events: BusEvent[] = []): Promise<boolean> {
  const index = dueIndex({ ...vote, status: from, ...changes } as VoteItem);
  const fields = assignments({ ...changes, ...index });
  return updateWithEvents(
    table(),
    voteKey(vote.compoundId, vote.voteId),
    {
      set: fields.set,
      remove: [...fields.remove, ...(index.duePk ? [] : [...DUE_ATTRIBUTES])],
      condition: '#status = :from',
      names: { ...fields.names, '#status': 'status' },
      values: { ...fields.values, ':from': from },
    },
    events,
  );
}
