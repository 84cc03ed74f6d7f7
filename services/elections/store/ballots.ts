import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchPut, db, isConditionFailed, putIfAbsent, queryAll, stripKeys } from '../../../libs/db';
import { queryPage } from '../../../libs/http/pagination';
import type { BallotRecord, WeightedLogEntry } from '../domain/ballot-log';
import type { Voter } from '../domain/electorate';
import { ballotKey, logChunkKey, table, turnoutKey, votePk, voterKey } from './keys';

type VoteRef = { compoundId: string; voteId: string };

export interface BallotItem extends BallotRecord {
  receipt: string;
  /** The secret that opens the ballot's area commitment in the log; given to the voter and to inspectors only. */
  areaSalt: string;
  castBy: string;
}

// ---- the frozen electorate ------------------------------------------------------------------------

export async function writeElectorate(vote: VoteRef, electorateId: string, voters: readonly Voter[]): Promise<void> {
  await batchPut(table(), voters.map((v) => ({ ...voterKey(vote.compoundId, vote.voteId, electorateId, v.voterId), ...v })));
}

/** The whole frozen electorate, voter id → weights (it never changes once the vote is open). */
export async function loadElectorate(vote: VoteRef, electorateId: string): Promise<Map<string, { area: number; headcount: number }>> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': votePk(vote.compoundId, vote.voteId), ':prefix': `VOTER#${electorateId}#` },
    ProjectionExpression: 'voterId, area, headcount',
  });
  return new Map(items.map((i) => [i.voterId as string, { area: i.area as number, headcount: i.headcount as number }]));
}

// ---- ballots --------------------------------------------------------------------------------------

/** One ballot per owner, enforced by the store: the second put fails its condition. */
export async function putBallot(vote: VoteRef, ballot: BallotItem): Promise<boolean> {
  return putIfAbsent(table(), { ...ballotKey(vote.compoundId, vote.voteId, ballot.voterId), ...ballot });
}

export async function getBallot(vote: VoteRef, voterId: string): Promise<BallotItem | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: ballotKey(vote.compoundId, vote.voteId, voterId) }));
  return stripKeys<BallotItem>(Item);
}

const ballotQuery = (vote: VoteRef) => ({
  TableName: table(),
  KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
  ExpressionAttributeValues: { ':pk': votePk(vote.compoundId, vote.voteId), ':prefix': 'BALLOT#' },
});

/** Every ballot (strongly consistent), for the count; `consumed` adds up the read capacity. */
export async function allBallots(vote: VoteRef, consumed?: { units: number }): Promise<BallotItem[]> {
  const items = await queryAll({ ...ballotQuery(vote), ConsistentRead: true }, consumed);
  return items.map((i) => stripKeys<BallotItem>(i)!);
}

/** Who voted what, a page at a time (for those with a right to inspect). */
export function pageBallots(vote: VoteRef, limit: number, cursor?: string) {
  return queryPage({ ...ballotQuery(vote), ProjectionExpression: 'voterId, choice, area, headcount, castAt, castBy, receipt' }, limit, cursor, (i) => i);
}

// ---- live turnout ---------------------------------------------------------------------------------

export interface TurnoutSnapshot {
  participatingArea: number;
  participatingHeadcount: number;
  asOf: string;
  /** A refresh in progress until this time (a lease: one refresher at a time). */
  refreshingUntil?: string;
}

export async function getTurnout(vote: VoteRef): Promise<TurnoutSnapshot | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: turnoutKey(vote.compoundId, vote.voteId) }));
  return stripKeys<TurnoutSnapshot>(Item);
}

/** Take the refresh lease if nobody holds it (or it lapsed); false if someone else refreshes. */
export async function claimTurnoutRefresh(vote: VoteRef, now: string, until: string): Promise<boolean> {
  try {
    await db().send(
      new PutCommand({
        TableName: table(),
        Item: { ...turnoutKey(vote.compoundId, vote.voteId), participatingArea: 0, participatingHeadcount: 0, asOf: '0', refreshingUntil: until },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: turnoutKey(vote.compoundId, vote.voteId),
        UpdateExpression: 'SET refreshingUntil = :until',
        ConditionExpression: 'attribute_not_exists(refreshingUntil) OR refreshingUntil < :now',
        ExpressionAttributeValues: { ':until': until, ':now': now },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Add up the ballots (area only, projected) and store the snapshot, releasing the lease. */
export async function refreshTurnout(vote: VoteRef, asOf: string): Promise<TurnoutSnapshot> {
  let participatingArea = 0;
  let participatingHeadcount = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new QueryCommand({ ...ballotQuery(vote), ProjectionExpression: 'area, headcount', ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      participatingArea += item.area as number;
      participatingHeadcount += item.headcount as number;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const snapshot = { participatingArea, participatingHeadcount, asOf };
  await db().send(new PutCommand({ TableName: table(), Item: { ...turnoutKey(vote.compoundId, vote.voteId), ...snapshot } }));
  return snapshot;
}

// ---- the published log ----------------------------------------------------------------------------

/** Entries per stored chunk (and per page of GET …/log): a chunk stays well under DynamoDB's 400 KB item limit. */
export const LOG_CHUNK = 500;

/** Write the log under its head before the close that records the head: a re-run writes the same chunks. */
export async function writeLog(vote: VoteRef, head: string, entries: readonly WeightedLogEntry[]): Promise<number> {
  const chunks: Record<string, unknown>[] = [];
  for (let i = 0; i * LOG_CHUNK < entries.length; i++) {
    chunks.push({ ...logChunkKey(vote.compoundId, vote.voteId, head, i), entries: entries.slice(i * LOG_CHUNK, (i + 1) * LOG_CHUNK) });
  }
  await batchPut(table(), chunks, 2);
  return chunks.length;
}

export async function getLogChunk(vote: VoteRef, head: string, chunk: number): Promise<WeightedLogEntry[] | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: logChunkKey(vote.compoundId, vote.voteId, head, chunk) }));
  return Item?.entries as WeightedLogEntry[] | undefined;
}
