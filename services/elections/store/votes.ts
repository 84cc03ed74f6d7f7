import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { assignments, db, stripKeys } from '../../../libs/db';
import { DUE_ATTRIBUTES, dueAt, dueItems } from '../../../libs/due';
import { conflict } from '../../../libs/errors';
import { queryPage } from '../../../libs/http/pagination';
import { insertWithEvents, updateWithEvents } from '../../../libs/outbox';
import type { RemovalEntry } from '../domain/ballot-log';
import type { Channels } from '../domain/channels';
import type { Formation } from '../domain/committee';
import { countFrom, MAX_OBJECTIONS_PER_VOTE, reminderAt, reminderPending } from '../domain/deadlines';
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
  /** The compound's time zone the periods are counted in (absent: Asia/Shanghai). */
  timeZone?: string;
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
  /** The log's head: after the ballots counted at the close, and after each removal since. */
  logHead?: string;
  /** The head of the ballot entries (the stored chunks' key); the log's head until a removal. */
  ballotLogHead?: string;
  logChunks?: number;
  /** Ballot entries in the log (counted at the close); removals follow them. */
  loggedBallots?: number;
  /** Ballots an upheld objection struck, as entries of the log (appended after the ballots). */
  removals?: RemovalEntry[];
  /** Ballots that count: logged minus removed. */
  ballotCount?: number;
  /** Ballots per channel and by proxy, of the ballots that count. */
  channels?: Channels;
  /** Objections filed (the reasons are in their own items), by objection id; one per owner and kind (`objectors`). */
  objections?: Record<string, ObjectionSummary>;
  objectors?: Record<string, string>;
  objectionCount?: number;
  /** The street office's decisions on objections, by objection id. */
  decisions?: Record<string, ObjectionDecision>;
  /** The owners not yet voting were reminded (VoteReminderDue per building) at this time. */
  reminderSentAt?: string;
  /** Proxies frozen at the opening, and the limit they were held to. */
  proxies?: number;
  proxyLimit?: number;
  closedAt?: string;
  closedBy?: string;
  finalAt?: string;
  annulled?: { by: string; reason: string; at: string; objectionId?: string };
}

export interface ObjectionSummary {
  ownerId: string;
  kind: 'ballot' | 'result';
  /** A ballot objection: the receipt of the ballot the owner says is not theirs. */
  receipt?: string;
  at: string;
}

export interface ObjectionDecision {
  kind: 'ballot' | 'result';
  upheld: boolean;
  reason: string;
  by: string;
  at: string;
  /** A ballot objection upheld: the receipt of the ballot struck from the count. */
  removedReceipt?: string;
}

type Scheduled = Pick<VoteItem, 'status' | 'opensAt' | 'closesAt' | 'objectionEndsAt' | 'reminderSentAt' | 'compoundId' | 'voteId'>;

/**
 * When the vote's next step is due, on the due index: the opening; while open, the reminder two days
 * before the close (once), then the count; the final result once objections are over; nothing once
 * final or annulled.
 */
export function dueIndex(vote: Scheduled): { duePk?: string; dueSk?: string } {
  const due =
    vote.status === 'scheduled'
      ? vote.opensAt
      : vote.status === 'open'
        ? reminderPending(vote)
          ? reminderAt(vote.closesAt)
          : countFrom(vote.closesAt)
        : vote.status === 'preliminary'
          ? vote.objectionEndsAt
          : undefined;
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
export async function transition(
  vote: Omit<Scheduled, 'status'>,
  from: VoteStatus,
  changes: Partial<VoteItem>,
  events: BusEvent[] = [],
  also?: { condition: string; values: Record<string, unknown> },
): Promise<boolean> {
  const index = dueIndex({ ...vote, status: from, ...changes } as VoteItem);
  const fields = assignments({ ...changes, ...index });
  return updateWithEvents(
    table(),
    voteKey(vote.compoundId, vote.voteId),
    {
      set: fields.set,
      remove: [...fields.remove, ...(index.duePk ? [] : [...DUE_ATTRIBUTES])],
      condition: also ? `#status = :from AND (${also.condition})` : '#status = :from',
      names: { ...fields.names, '#status': 'status' },
      values: { ...fields.values, ':from': from, ...also?.values },
    },
    events,
  );
}

/**
 * File an objection: one conditional write of the vote, carrying ObjectionFiled, while the result is
 * preliminary and its period runs, once per owner and kind. The count it adds is what the final step
 * is conditional on, so an objection that lands while the final step runs either stops it or is
 * refused: none is left undecided on a final result. False if refused (the caller reads why).
 */
export function fileObjection(vote: Pick<VoteItem, 'compoundId' | 'voteId'>, objectionId: string, summary: ObjectionSummary, events: BusEvent[]): Promise<boolean> {
  return updateWithEvents(
    table(),
    voteKey(vote.compoundId, vote.voteId),
    {
      set: ['#objections.#oid = :summary', '#objectors.#okey = :oid', '#count = if_not_exists(#count, :zero) + :one'],
      condition: '#status = :preliminary AND objectionEndsAt > :at AND attribute_not_exists(#objectors.#okey) AND (attribute_not_exists(#count) OR #count < :max)',
      names: { '#status': 'status', '#objections': 'objections', '#objectors': 'objectors', '#oid': objectionId, '#okey': `${summary.kind}#${summary.ownerId}`, '#count': 'objectionCount' },
      values: { ':summary': summary, ':oid': objectionId, ':preliminary': 'preliminary', ':at': summary.at, ':zero': 0, ':one': 1, ':max': MAX_OBJECTIONS_PER_VOTE },
    },
    events,
  );
}

/**
 * The street office's decision on an objection, with what it changes, in one conditional write of
 * the vote: only while the result is preliminary, once per objection, and (when it strikes a ballot)
 * only on the log head it was computed from, so two decisions never recount from the same state.
 * The removal entry is appended to the log inside the vote item; the new head, result and
 * channels travel in the same write. False if the vote moved meanwhile.
 */
export async function recordDecision(vote: VoteItem, objectionId: string, decision: ObjectionDecision, changes: Partial<VoteItem>, events: BusEvent[], removal?: RemovalEntry): Promise<boolean> {
  const index = dueIndex({ ...vote, ...changes } as VoteItem);
  const fields = assignments({ ...changes, ...index });
  const names: Record<string, string> = { ...fields.names, '#status': 'status', '#decisions': 'decisions', '#oid': objectionId };
  const values: Record<string, unknown> = { ...fields.values, ':from': 'preliminary', ':decision': decision };
  const set = [...fields.set];
  let condition = '#status = :from';
  if (vote.decisions) {
    set.push('#decisions.#oid = :decision');
    condition += ' AND attribute_not_exists(#decisions.#oid)';
  } else {
    set.push('#decisions = :decisionMap');
    values[':decisionMap'] = { [objectionId]: decision };
    condition += ' AND attribute_not_exists(#decisions)';
  }
  if (removal) {
    set.push('#removals = list_append(if_not_exists(#removals, :noRemovals), :removal)');
    names['#removals'] = 'removals';
    names['#head'] = 'logHead';
    values[':noRemovals'] = [];
    values[':removal'] = [removal];
    values[':head'] = removal.previousHash;
    condition += ' AND #head = :head';
  }
  return updateWithEvents(table(), voteKey(vote.compoundId, vote.voteId), { set, remove: [...fields.remove, ...(index.duePk ? [] : [...DUE_ATTRIBUTES])], condition, names, values }, events);
}
