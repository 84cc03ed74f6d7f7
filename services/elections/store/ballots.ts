import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { batchPut, db, isConditionFailed, putIfAbsent, queryAll, stripKeys } from '../../../libs/db';
import { queryPage } from '../../../libs/http/pagination';
import { insertWithEvents } from '../../../libs/outbox';
import type { BallotRecord, Channel, WeightedLogEntry } from '../domain/ballot-log';
import type { ChannelFigures, Channels } from '../domain/channels';
import type { Voter } from '../domain/electorate';
import type { FrozenProxy } from '../domain/proxies';
import { ballotKey, conflictKey, logChunkKey, table, turnoutKey, votePk, voterKey } from './keys';

type VoteRef = { compoundId: string; voteId: string };

export interface PaperDetails {
  /** The number printed on the sheet. */
  number: string;
  /** Where the scan or photo of the sheet is kept. */
  scanRef: string;
  /** Who entered it (user id, and owner id in the compound if any) and in which role. */
  enteredBy: string;
  enteredAs?: string;
  role: 'committee' | 'grid';
  witness: { personId: string; name: string };
}

export interface BallotItem extends BallotRecord {
  receipt: string;
  /** The secret that opens the ballot's commitment in the log; given to the voter and to inspectors only. */
  salt: string;
  /** The user who sent it: the owner, their proxy, or whoever entered the paper ballot. */
  castBy: string;
  proxy?: FrozenProxy;
  paper?: PaperDetails;
}

/** A voter as the frozen electorate holds them. */
export type FrozenVoter = Voter & { proxy?: FrozenProxy };

// ---- the frozen electorate ------------------------------------------------------------------------

export async function writeElectorate(vote: VoteRef, electorateId: string, voters: readonly FrozenVoter[]): Promise<void> {
  await batchPut(
    table(),
    voters.map((v) => ({ ...voterKey(vote.compoundId, vote.voteId, electorateId, v.voterId), ...v })),
  );
}

/** The whole frozen electorate, voter id → voter (it never changes once the vote is open). */
export async function loadElectorate(vote: VoteRef, electorateId: string): Promise<Map<string, FrozenVoter>> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': votePk(vote.compoundId, vote.voteId), ':prefix': `VOTER#${electorateId}#` },
    ProjectionExpression: 'voterId, area, headcount, unitIds, buildingIds, #name, proxy',
    ExpressionAttributeNames: { '#name': 'name' },
  });
  return new Map(items.map((i) => [i.voterId as string, i as unknown as FrozenVoter]));
}

// ---- ballots --------------------------------------------------------------------------------------

/** One ballot per owner whatever the channel, enforced by the store: the second put fails its condition. */
export async function putBallot(vote: VoteRef, ballot: BallotItem): Promise<boolean> {
  return putIfAbsent(table(), { ...ballotKey(vote.compoundId, vote.voteId, ballot.voterId), ...ballot });
}

export async function getBallot(vote: VoteRef, voterId: string, consistent = false): Promise<BallotItem | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: ballotKey(vote.compoundId, vote.voteId, voterId), ConsistentRead: consistent }));
  return stripKeys<BallotItem>(Item);
}

/** Which of these voters have a ballot (keys only: no choice is read), 100 keys per request. */
export async function votedAmong(vote: VoteRef, voterIds: readonly string[]): Promise<Set<string>> {
  const voted = new Set<string>();
  for (let i = 0; i < voterIds.length; i += 100) {
    let keys: Record<string, unknown>[] = voterIds.slice(i, i + 100).map((v) => ballotKey(vote.compoundId, vote.voteId, v));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept keys unprocessed');
      const out = await db().send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys, ProjectionExpression: 'voterId' } } }));
      for (const item of out.Responses?.[table()] ?? []) voted.add(item.voterId as string);
      keys = (out.UnprocessedKeys?.[table()]?.Keys ?? []) as Record<string, unknown>[];
      if (keys.length) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
  return voted;
}

/** Every voter id with a ballot (keys only), for the reminders. */
export async function allVoterIdsWithBallots(vote: VoteRef): Promise<Set<string>> {
  const items = await queryAll({ ...ballotQuery(vote), ProjectionExpression: 'voterId' });
  return new Set(items.map((i) => i.voterId as string));
}

// ---- conflicts: refused second ballots --------------------------------------------------------------

export interface ConflictItem {
  voterId: string;
  attempted: { channel: Channel; by: string; at: string; proxyHolderId?: string; paperNumber?: string; scanRef?: string };
  existing: { channel: Channel; castAt: string; proxyHolderId?: string; paperNumber?: string };
  reason: string;
}

/** Record a refused attempt once (the same attempt again finds it recorded). */
export async function putConflict(vote: VoteRef, attempt: string, conflict: ConflictItem, events: BusEvent[]): Promise<boolean> {
  return insertWithEvents(table(), { ...conflictKey(vote.compoundId, vote.voteId, conflict.voterId, attempt), ...conflict }, events);
}

const conflictQuery = (vote: VoteRef, voterId?: string) => ({
  TableName: table(),
  KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
  ExpressionAttributeValues: { ':pk': votePk(vote.compoundId, vote.voteId), ':prefix': voterId ? `CONFLICT#${voterId}#` : 'CONFLICT#' },
});

export const pageConflicts = (vote: VoteRef, limit: number, cursor?: string) => queryPage(conflictQuery(vote), limit, cursor, (i) => stripKeys<ConflictItem>(i)!);
export const conflictsOf = async (vote: VoteRef, voterId: string) => (await queryAll(conflictQuery(vote, voterId))).map((i) => stripKeys<ConflictItem>(i)!);

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
  return queryPage(
    { ...ballotQuery(vote), ProjectionExpression: 'voterId, choice, area, headcount, castAt, castBy, receipt, channel, proxy, paper' },
    limit,
    cursor,
    (i) => i as Pick<BallotItem, 'voterId' | 'choice' | 'area' | 'headcount' | 'castAt' | 'castBy' | 'receipt' | 'channel' | 'proxy' | 'paper'>,
  );
}

// ---- live turnout ---------------------------------------------------------------------------------

export interface TurnoutSnapshot {
  participatingArea: number;
  participatingHeadcount: number;
  /** Ballots per channel and by proxy. */
  channels?: Channels;
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

/** Add up the ballots (weights and channels only, projected) and store the snapshot, releasing the lease. */
export async function refreshTurnout(vote: VoteRef, asOf: string): Promise<TurnoutSnapshot> {
  let participatingArea = 0;
  let participatingHeadcount = 0;
  const add = (f: ChannelFigures, item: Record<string, unknown>) => {
    f.ballots += 1;
    f.area += item.area as number;
    f.headcount += item.headcount as number;
  };
  const channels: Channels = { online: { ballots: 0, area: 0, headcount: 0 }, paper: { ballots: 0, area: 0, headcount: 0 }, byProxy: { ballots: 0, area: 0, headcount: 0 } };
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new QueryCommand({ ...ballotQuery(vote), ProjectionExpression: 'area, headcount, channel, proxy.proxyId', ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      participatingArea += item.area as number;
      participatingHeadcount += item.headcount as number;
      add(item.channel === 'paper' ? channels.paper : channels.online, item);
      if (item.proxy) add(channels.byProxy, item);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const snapshot = { participatingArea, participatingHeadcount, channels, asOf };
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
