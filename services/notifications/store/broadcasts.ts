import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { db, isConditionFailed, putIfAbsent, stripKeys } from '../../../libs/db';
import { queryPage, type Page } from '../../../libs/http/pagination';
import { insertWithEvents } from '../../../libs/outbox';
import { GSI1 } from '../../../libs/table';
import type { Message, Recipient, Topic, Urgency } from '../domain/notice';
import { keys, noticeId, noticeSk, table } from './keys';

/**
 * A broadcast is one rule's notice for one event (the vote announcement to the owners); a notice is
 * that broadcast in one audience's inbox (owner O7's copy). Both are written once, conditionally:
 * a duplicate event, a unit of work delivered twice or a retried fan-out finds them there.
 */
export interface Broadcast {
  broadcastId: string;
  compoundId: string;
  rule: string;
  topic: Topic;
  urgency: Urgency;
  legallyRequired: boolean;
  message: Message;
  refs: Record<string, string>;
  /** When the event happened: the notice's time in every inbox. */
  createdAt: string;
  zone: string;
  cause: { eventId: string; source: string; detailType: string };
  recipients: readonly Recipient[];
  /** Whether it went to owners or building heads through the buildings (then the grid follows its reach). */
  fanout: boolean;
}

export interface Notice {
  noticeId: string;
  audience: string;
  broadcastId: string;
  compoundId: string;
  topic: Topic;
  urgency: Urgency;
  legallyRequired: boolean;
  message: Message;
  refs: Record<string, string>;
  createdAt: string;
  /** For owners' notices: the building it was fanned out through, the owner, their units there. */
  buildingId?: string;
  ownerId?: string;
  unitIds?: string[];
  /** How it reached its audience: `sms`, `email`, `inapp` (read in the app). */
  reachedVia?: Set<string> | string[];
  /** When it first reached anyone of its audience: delivered on a channel, or read in the app. */
  reachedAt?: string;
  firstReadAt?: string;
}

/** One write: the broadcast with its NoticeIssued event. False when it exists already (a duplicate event). */
export async function insertBroadcast(broadcast: Broadcast, events: readonly BusEvent[]): Promise<boolean> {
  // Only those that went through the buildings are listed for the compound (a notice to one owner about their arrears is not).
  const listed = broadcast.fanout ? { gsi1pk: keys.broadcastsOf(broadcast.compoundId), gsi1sk: `${broadcast.createdAt}#${broadcast.broadcastId}` } : {};
  return insertWithEvents(table(), { ...keys.broadcast(broadcast.broadcastId), ...broadcast, ...listed }, events);
}

export async function getBroadcast(broadcastId: string): Promise<Broadcast | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: keys.broadcast(broadcastId) }));
  return stripKeys<Broadcast>(Item);
}

/** A compound's broadcasts through its buildings, newest first. */
export function pageBroadcasts(compoundId: string, limit: number, cursor: string | undefined): Promise<Page<Broadcast>> {
  return queryPage(
    { TableName: table(), IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': keys.broadcastsOf(compoundId) }, ScanIndexForward: false },
    limit,
    cursor,
    (item) => stripKeys<Broadcast>(item)!,
  );
}

export function noticeFor(broadcast: Broadcast, audience: string, owner?: { buildingId: string; ownerId: string; unitIds: string[] }): Notice {
  const sk = noticeSk(broadcast.createdAt, broadcast.broadcastId);
  return {
    noticeId: noticeId(audience, sk),
    audience,
    broadcastId: broadcast.broadcastId,
    compoundId: broadcast.compoundId,
    topic: broadcast.topic,
    urgency: broadcast.urgency,
    legallyRequired: broadcast.legallyRequired,
    message: broadcast.message,
    refs: broadcast.refs,
    createdAt: broadcast.createdAt,
    ...owner,
  };
}

/**
 * A notice into its audience's inbox, unless it is there: an owner with units in two buildings gets
 * one notice (and is listed under the building whose unit of work came first).
 */
export async function putNotice(notice: Notice, buildingId?: string): Promise<boolean> {
  const sk = noticeSk(notice.createdAt, notice.broadcastId);
  return putIfAbsent(table(), { pk: keys.inbox(notice.audience), sk, ...notice, gsi1pk: keys.noticesOf(notice.broadcastId, buildingId), gsi1sk: notice.audience });
}

export async function getNotice(audience: string, sk: string): Promise<Notice | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: { pk: keys.inbox(audience), sk } }));
  return stripKeys<Notice>(Item);
}

/**
 * The notice reached its audience: delivered on a channel (`sms`, `email`) or read in the app
 * (`inapp`). One idempotent write; a notice that is not there (never written) is left alone.
 */
export async function markReached(audience: string, sk: string, how: string, at: string): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: keys.inbox(audience), sk },
        UpdateExpression: `ADD reachedVia :how SET reachedAt = if_not_exists(reachedAt, :at)${how === 'inapp' ? ', firstReadAt = if_not_exists(firstReadAt, :at)' : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':how': new Set([how]), ':at': at },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

export interface ReachFilter {
  toKnock?: boolean;
}

/** The owners' notices of a broadcast in one building, by owner: who was reached, and who still needs a knock on the door. */
export function pageBuildingNotices(broadcastId: string, buildingId: string, limit: number, cursor: string | undefined, filter: ReachFilter = {}): Promise<Page<Notice>> {
  return queryPage(
    {
      TableName: table(),
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.noticesOf(broadcastId, buildingId) },
      ...(filter.toKnock ? { FilterExpression: 'attribute_not_exists(reachedAt)' } : {}),
    },
    limit,
    cursor,
    (item) => stripKeys<Notice>(item)!,
  );
}

/** How many owners of the building the broadcast is for, and how many it reached. */
export async function buildingReachCounts(broadcastId: string, buildingId: string): Promise<{ owners: number; reached: number }> {
  const count = async (filter?: string) => {
    let total = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await db().send(
        new QueryCommand({
          TableName: table(),
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.noticesOf(broadcastId, buildingId) },
          Select: 'COUNT',
          FilterExpression: filter,
          ExclusiveStartKey: startKey,
        }),
      );
      total += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return total;
  };
  const [owners, reached] = await Promise.all([count(), count('attribute_exists(reachedAt)')]);
  return { owners, reached };
}
