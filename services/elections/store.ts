import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../events/envelope';
import type { AreaScope } from '../../libs/auth';
import { clock } from '../../libs/clock';
import { tableName } from '../../libs/config';
import { DUE_ATTRIBUTES, dueAt, dueItems } from '../../libs/due';
import { assignments, batchPut, db, isConditionFailed, putIfAbsent, queryAll, stripKeys, updateExpression, type Key } from '../../libs/db';
import { RegistryReadModel, type CompoundView } from '../registry/kit/read-model';
import { queryPage } from '../../libs/http/pagination';
import { conflict } from '../../libs/errors';
import { insertWithEvents, updateWithEvents } from '../../libs/outbox';
import type { BallotRecord } from './domain/ballot-log';
import { DEFAULT_COMMITTEE_RULES } from './domain/committee';
import { addMonths, CLOSE_GRACE_MS } from './domain/deadlines';
import type { Voter } from './domain/electorate';
import type { ElectionResult, ResolutionResult } from './domain/tally';
import type { Matter } from './domain/thresholds';

/**
 * Elections table layout (pk / sk), besides the registry read model (services/registry/kit/read-model.ts):
 *   COMPOUND#c / VOTE#v                      a vote (due index: DUE#vote-step / <next step's time>#c#v)
 *   COMPOUND#c / COMMITTEE                   the committee in office (gsi1: COMMITTEES / <term end>#c)
 *   VOTE#c#v   / VOTER#<electorateId>#o      the frozen electorate
 *   VOTE#c#v   / BALLOT#o                    a ballot: one conditional put per owner
 *   VOTE#c#v   / CANDIDATE#p | OBJECTION#t   candidates, objections
 *   PERSON#p   / DISQ#<sourceRef>            negative-list records, each naming its source
 *   POOL#p     / META                        the reserve pool (gsi1: POOL / <street>#p)
 */
export const table = () => tableName('elections');

export type VoteStatus = 'scheduled' | 'open' | 'preliminary' | 'final' | 'annulled';


export interface VoteItem {
  compoundId: string;
  voteId: string;
  kind: 'resolution' | 'election';
  matter: Matter;
  question: string;
  payload?: Record<string, unknown>;
  seats?: number;
  status: VoteStatus;
  noticeAt: string;
  opensAt: string;
  closesAt: string;
  objectionEndsAt?: string;
  createdBy: string;
  createdAt: string;
  electorateId?: string;
  totalArea?: number;
  totalHeadcount?: number;
  voterCount?: number;
  households?: number;
  result?: ResolutionResult | ElectionResult;
  logHead?: string;
  ballotCount?: number;
  closedAt?: string;
  closedBy?: string;
  finalAt?: string;
  annulled?: { by: string; reason: string; at: string };
}

export interface BallotItem extends BallotRecord {
  receipt: string;
  castBy: string;
}

const voteKey = (c: string, v: string): Key => ({ pk: `COMPOUND#${c}`, sk: `VOTE#${v}` });
const votePk = (c: string, v: string) => `VOTE#${c}#${v}`;

/** When the vote's next step (open, count, finalize) is due, on the due index; nothing once final or annulled. */
export function dueIndex(vote: Pick<VoteItem, 'status' | 'opensAt' | 'closesAt' | 'objectionEndsAt' | 'compoundId' | 'voteId'>): { duePk?: string; dueSk?: string } {
  const due = vote.status === 'scheduled' ? vote.opensAt : vote.status === 'open' ? new Date(Date.parse(vote.closesAt) + CLOSE_GRACE_MS).toISOString() : vote.status === 'preliminary' ? vote.objectionEndsAt : undefined;
  return due ? dueAt(VOTE_STEP, due, `${vote.compoundId}#${vote.voteId}`) : {};
}

export const VOTE_STEP = 'vote-step';

// ---- read model of the registry (services/registry/kit/read-model.ts) -------------------------------------

export const registry = new RegistryReadModel(table);
export type CompoundItem = CompoundView;
export const getCompound = (compoundId: string) => registry.getCompound(compoundId);
export const locateCompound = (compoundId: string) => registry.locateCompound(compoundId);
export const compoundsIn = (scope: AreaScope) => registry.compoundsIn(scope);
export const loadActiveRoll = (compound: CompoundView) => registry.loadActiveRoll(compound);

// ---- votes ---------------------------------------------------------------------------------------

export async function createVote(vote: VoteItem): Promise<void> {
  if (!(await putIfAbsent(table(), { ...voteKey(vote.compoundId, vote.voteId), ...vote, ...dueIndex(vote) }))) {
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
      ProjectionExpression: 'voteId, kind, matter, question, #status, noticeAt, opensAt, closesAt, objectionEndsAt, finalAt',
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
 * write (outbox). Returns false if someone else moved it first (the schedule and a manual call race).
 */
export async function transition(vote: VoteItem, from: VoteStatus, changes: Partial<VoteItem>, events: BusEvent[] = []): Promise<boolean> {
  const index = dueIndex({ ...vote, ...changes });
  const fields = assignments({ ...changes, ...index });
  return updateWithEvents(
    table(),
    voteKey(vote.compoundId, vote.voteId),
    {
      set: fields.set,
      remove: index.duePk ? [] : [...DUE_ATTRIBUTES],
      condition: '#status = :from',
      names: { ...fields.names, '#status': 'status' },
      values: { ...fields.values, ':from': from },
    },
    events,
  );
}

// ---- electorate and ballots -----------------------------------------------------------------------


export async function writeElectorate(vote: VoteItem, electorateId: string, voters: Voter[]): Promise<void> {
  await batchPut(table(), voters.map((v) => ({ pk: votePk(vote.compoundId, vote.voteId), sk: `VOTER#${electorateId}#${v.voterId}`, ...v })));
}

export async function getVoter(vote: VoteItem, voterId: string): Promise<Voter | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: table(), Key: { pk: votePk(vote.compoundId, vote.voteId), sk: `VOTER#${vote.electorateId}#${voterId}` } }),
  );
  return stripKeys<Voter>(Item);
}

/** One ballot per owner, enforced by the store: the second put fails its condition. */
export async function putBallot(vote: VoteItem, ballot: BallotItem): Promise<boolean> {
  return putIfAbsent(table(), { pk: votePk(vote.compoundId, vote.voteId), sk: `BALLOT#${ballot.voterId}`, ...ballot });
}

export async function getBallot(vote: VoteItem, voterId: string): Promise<BallotItem | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: { pk: votePk(vote.compoundId, vote.voteId), sk: `BALLOT#${voterId}` } }));
  return stripKeys<BallotItem>(Item);
}

/** Every ballot, projected to what the tally and the log need (plus names for inspection). */
export async function allBallots(vote: VoteItem, consumed?: { units: number }): Promise<BallotItem[]> {
  const items = await queryAll(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': votePk(vote.compoundId, vote.voteId), ':prefix': 'BALLOT#' },
      ConsistentRead: true,
    },
    consumed,
  );
  return items.map((i) => stripKeys<BallotItem>(i)!);
}

export function pageBallots(vote: VoteItem, limit: number, cursor?: string) {
  return queryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': votePk(vote.compoundId, vote.voteId), ':prefix': 'BALLOT#' },
      ProjectionExpression: 'voterId, choice, area, headcount, castAt, castBy, receipt',
    },
    limit,
    cursor,
    (i) => i,
  );
}

// ---- candidates, objections -------------------------------------------------------------------------

export interface CandidateItem {
  personId: string;
  name: string;
  source: 'owners' | 'pool';
  nominatedBy: string;
  nominatedAt: string;
}

export async function putCandidate(vote: VoteItem, candidate: CandidateItem): Promise<void> {
  if (!(await putIfAbsent(table(), { pk: votePk(vote.compoundId, vote.voteId), sk: `CANDIDATE#${candidate.personId}`, ...candidate }))) {
    throw conflict(`${candidate.personId} is already a candidate`);
  }
}

export function pageCandidates(vote: VoteItem, limit: number, cursor?: string) {
  return queryPage(
    { TableName: table(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': votePk(vote.compoundId, vote.voteId), ':prefix': 'CANDIDATE#' } },
    limit,
    cursor,
    (i) => stripKeys<CandidateItem>(i)!,
  );
}

export function pageDisqualifications(personId: string, limit: number, cursor?: string) {
  return queryPage(
    { TableName: table(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': `PERSON#${personId}`, ':prefix': 'DISQ#' } },
    limit,
    cursor,
    (i) => stripKeys<Disqualification>(i)!,
  );
}

export async function listCandidates(vote: VoteItem): Promise<CandidateItem[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': votePk(vote.compoundId, vote.voteId), ':prefix': 'CANDIDATE#' },
  });
  return items.map((i) => stripKeys<CandidateItem>(i)!);
}

export async function putObjection(vote: VoteItem, objection: { objectionId: string; ownerId: string; reason: string; at: string }): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { pk: votePk(vote.compoundId, vote.voteId), sk: `OBJECTION#${objection.objectionId}`, ...objection } }));
}

export async function listObjections(vote: VoteItem) {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': votePk(vote.compoundId, vote.voteId), ':prefix': 'OBJECTION#' },
  });
  return items.map((i) => stripKeys<Record<string, unknown>>(i)!);
}

// ---- the negative list --------------------------------------------------------------------------------

export interface Disqualification {
  personId: string;
  compoundId: string;
  reason: 'fee_arrears' | 'fund_arrears' | 'unrectified_violation' | 'property_company_relation' | 'benefits_taken';
  sourceRef: string;
  /** `event`: follows its source (lifted by the rectification/clearance event); `manual`: lifted by an official. */
  origin: 'event' | 'manual';
  active: boolean;
  recordedAt: string;
  recordedBy: string;
  liftedAt?: string;
  liftedBy?: string;
  liftNote?: string;
}

/** Records are keyed by their source, so a redelivered event or a repeated report changes nothing. */
export async function recordDisqualification(d: Disqualification, events: BusEvent[] = []): Promise<boolean> {
  return insertWithEvents(table(), { pk: `PERSON#${d.personId}`, sk: `DISQ#${d.sourceRef}`, ...d }, events);
}

export async function liftDisqualification(personId: string, sourceRef: string, by: string, note: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: `PERSON#${personId}`, sk: `DISQ#${sourceRef}` },
        UpdateExpression: 'SET active = :no, liftedAt = :at, liftedBy = :by, liftNote = :note',
        ConditionExpression: 'active = :yes',
        ExpressionAttributeValues: { ':no': false, ':yes': true, ':at': clock.nowIso(), ':by': by, ':note': note },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export async function disqualifications(personId: string): Promise<Disqualification[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `PERSON#${personId}`, ':prefix': 'DISQ#' },
    ConsistentRead: true,
  });
  return items.map((i) => stripKeys<Disqualification>(i)!);
}

// ---- committees ------------------------------------------------------------------------------------------

export interface CommitteeItem {
  compoundId: string;
  kind: 'committee' | 'temporary_committee';
  electionId?: string;
  seats: number;
  members: { personId: string; name?: string; role: 'chair' | 'vice_chair' | 'member'; owner?: boolean }[];
  alternates: string[];
  termStart: string;
  termEnd: string;
  remindedAt?: string;
  recordedAt: string;
  recordedBy: string;
}

export const TERM_REMINDER = 'term-reminder';

export async function putCommittee(committee: CommitteeItem): Promise<void> {
  // Due for its term reminder 3 months before the term ends, until the reminder is sent.
  const due = committee.remindedAt ? {} : dueAt(TERM_REMINDER, addMonths(committee.termEnd, -DEFAULT_COMMITTEE_RULES.reminderMonths), committee.compoundId);
  await db().send(
    new PutCommand({
      TableName: table(),
      Item: { pk: `COMPOUND#${committee.compoundId}`, sk: 'COMMITTEE', ...committee, gsi1pk: 'COMMITTEES', gsi1sk: `${committee.termEnd}#${committee.compoundId}`, ...due },
    }),
  );
}

/** Committees whose term reminder is due. */
export const committeesDueForReminder = (now: string) => dueItems<{ compoundId: string }>(table(), TERM_REMINDER, now, ['compoundId']);

export async function getCommittee(compoundId: string): Promise<CommitteeItem | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: { pk: `COMPOUND#${compoundId}`, sk: 'COMMITTEE' } }));
  return stripKeys<CommitteeItem>(Item);
}

export async function allCommittees(): Promise<CommitteeItem[]> {
  const items = await queryAll({ TableName: table(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': 'COMMITTEES' } });
  return items.map((i) => stripKeys<CommitteeItem>(i)!);
}

/** Mark the term reminder sent, once, with its event in the same write; the committee leaves the due index. */
export async function markReminded(committee: CommitteeItem, event: BusEvent): Promise<boolean> {
  return updateWithEvents(
    table(),
    { pk: `COMPOUND#${committee.compoundId}`, sk: 'COMMITTEE' },
    { set: ['remindedAt = :now'], remove: [...DUE_ATTRIBUTES], condition: 'attribute_not_exists(remindedAt) AND termEnd = :termEnd', values: { ':now': clock.nowIso(), ':termEnd': committee.termEnd } },
    [event],
  );
}

// ---- the reserve pool ------------------------------------------------------------------------------------

export interface PoolPerson {
  personId: string;
  name: string;
  districtId: string;
  streetId: string;
  communityId: string;
  attributes: Record<string, boolean>;
  compounds: string[];
  status: 'available' | 'serving' | 'suspended';
  servingCompoundId?: string;
  suspendedReason?: string;
  addedBy: string;
  addedAt: string;
  updatedAt: string;
}

export async function addToPool(person: PoolPerson): Promise<void> {
  if (!(await putIfAbsent(table(), { pk: `POOL#${person.personId}`, sk: 'META', ...person, gsi1pk: 'POOL', gsi1sk: `${person.streetId}#${person.personId}` }))) {
    throw conflict(`${person.personId} is already in the pool`);
  }
}

export async function getPoolPerson(personId: string): Promise<PoolPerson | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: { pk: `POOL#${personId}`, sk: 'META' } }));
  return stripKeys<PoolPerson>(Item);
}

export async function setPoolStatus(personId: string, changes: Partial<PoolPerson>): Promise<void> {
  const fields = assignments({ ...changes, updatedAt: clock.nowIso() });
  await db().send(
    new UpdateCommand({
      TableName: table(),
      Key: { pk: `POOL#${personId}`, sk: 'META' },
      UpdateExpression: updateExpression(fields.set, fields.remove),
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: fields.names,
      ExpressionAttributeValues: fields.values,
    }),
  );
}

export function listPool(streetId: string | undefined, limit: number, cursor?: string) {
  return queryPage(
    {
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: streetId ? 'gsi1pk = :pk AND begins_with(gsi1sk, :street)' : 'gsi1pk = :pk',
      ExpressionAttributeValues: streetId ? { ':pk': 'POOL', ':street': `${streetId}#` } : { ':pk': 'POOL' },
    },
    limit,
    cursor,
    (i) => stripKeys<PoolPerson>(i)!,
  );
}

export async function poolPeople(personIds: readonly string[]): Promise<Map<string, PoolPerson>> {
  const found = new Map<string, PoolPerson>();
  await Promise.all(
    personIds.map(async (p) => {
      const person = await getPoolPerson(p);
      if (person) found.set(p, person);
    }),
  );
  return found;
}
