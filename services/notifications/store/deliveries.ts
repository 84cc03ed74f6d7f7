import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { clock } from '../../../libs/clock';
import { db, isConditionFailed, queryAll, stripKeys } from '../../../libs/db';
import { dueAt, dueItems } from '../../../libs/due';
import { updateWithEvents } from '../../../libs/outbox';
import type { Channel } from '../domain/delivery';
import { keys, table } from './keys';

/**
 * The delivery log: one item per notice, channel and person (LOG#noticeId / channel#subject), so a
 * notice goes out at most once per person and channel however often its unit of work arrives. A
 * send is claimed first (status `sending`, with a lease), then marked `sent` or `failed`; a send
 * whose outcome was lost in a crash is retried once its lease runs out (at least once, as SMS is).
 */
export type DeliveryStatus = 'sending' | 'sent' | 'failed' | 'dead' | 'deferred' | 'digest' | 'skipped';

export interface Delivery {
  noticeId: string;
  channel: Channel;
  subject: string;
  status: DeliveryStatus;
  /** The address, masked (the log is shown to the notice's audience). */
  to?: string;
  attempts: number;
  lastError?: string;
  providerId?: string;
  sentAt?: string;
  deferredUntil?: string;
  reason?: string;
  viaDigest?: boolean;
  updatedAt: string;
}

const key = (noticeId: string, channel: Channel, subject: string) => ({ pk: keys.log(noticeId), sk: `${channel}#${subject}` });

export async function getDelivery(noticeId: string, channel: Channel, subject: string): Promise<Delivery | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: key(noticeId, channel, subject), ConsistentRead: true }));
  return stripKeys<Delivery>(Item);
}

export async function deliveriesOf(noticeId: string): Promise<Delivery[]> {
  const items = await queryAll({ TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.log(noticeId) } });
  return items.map((i) => stripKeys<Delivery>(i)!);
}

/**
 * A decision that sends nothing (skipped, or put in the digest): recorded once, never over a send;
 * it replaces a deferral (the person changed their preferences while the notice waited), which also
 * takes it off the due index.
 */
export async function recordOnce(noticeId: string, channel: Channel, subject: string, fields: Pick<Delivery, 'status' | 'reason' | 'to'>): Promise<boolean> {
  try {
    await db().send(
      new PutCommand({
        TableName: table(),
        Item: { ...key(noticeId, channel, subject), noticeId, channel, subject, attempts: 0, updatedAt: clock.nowIso(), ...fields },
        ConditionExpression: 'attribute_not_exists(pk) OR #s = :deferred',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':deferred': 'deferred' },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** A notice waiting in a digest went out with it. */
export async function markDigestDelivered(noticeId: string, channel: Channel, subject: string, providerId: string | undefined): Promise<void> {
  await db()
    .send(
      new UpdateCommand({
        TableName: table(),
        Key: key(noticeId, channel, subject),
        UpdateExpression: 'SET #s = :sent, sentAt = :now, updatedAt = :now, providerId = :pid, viaDigest = :yes ADD attempts :one',
        ConditionExpression: '#s = :digest',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':now': clock.nowIso(), ':pid': providerId ?? 'none', ':yes': true, ':one': 1, ':digest': 'digest' },
      }),
    )
    .catch((error) => {
      if (!isConditionFailed(error)) throw error;
    });
}

/** Wait until `until` (quiet hours): the due index brings it back to the delivery queue then. */
export async function defer(noticeId: string, channel: Channel, subject: string, until: string, to: string): Promise<void> {
  try {
    await db().send(
      new PutCommand({
        TableName: table(),
        Item: {
          ...key(noticeId, channel, subject),
          noticeId,
          channel,
          subject,
          to,
          status: 'deferred',
          attempts: 0,
          deferredUntil: until,
          updatedAt: clock.nowIso(),
          ...dueAt('deferred', until, `${noticeId}|${channel}|${subject}`),
        },
        ConditionExpression: 'attribute_not_exists(pk) OR #s = :deferred',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':deferred': 'deferred' },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

export type Claim = { claimId: string; attempts: number } | { status: 'sent' } | { status: 'held'; until: number } | { status: 'dead' };

/**
 * Take the send: only if nobody sent it, nobody is sending it now, and it was not given up. One
 * conditional write; it also takes the item off the due index.
 */
export async function claimSend(noticeId: string, channel: Channel, subject: string, to: string, leaseMs: number): Promise<Claim> {
  const now = clock.now().getTime();
  const claimId = randomUUID();
  try {
    const result = await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: key(noticeId, channel, subject),
        UpdateExpression:
          'SET #s = :sending, claimId = :claim, leaseUntil = :lease, noticeId = :notice, channel = :channel, subject = :subject, #to = :to, updatedAt = :now ADD attempts :one REMOVE duePk, dueSk',
        ConditionExpression: 'attribute_not_exists(pk) OR #s IN (:deferred, :failed) OR (#s = :sending AND leaseUntil < :nowMs)',
        ExpressionAttributeNames: { '#s': 'status', '#to': 'to' },
        ExpressionAttributeValues: {
          ':sending': 'sending',
          ':claim': claimId,
          ':lease': now + leaseMs,
          ':notice': noticeId,
          ':channel': channel,
          ':subject': subject,
          ':to': to,
          ':now': new Date(now).toISOString(),
          ':one': 1,
          ':deferred': 'deferred',
          ':failed': 'failed',
          ':nowMs': now,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { claimId, attempts: result.Attributes!.attempts as number };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const current = await getDelivery(noticeId, channel, subject);
    if (current?.status === 'dead') return { status: 'dead' };
    if (current?.status === 'sending') return { status: 'held', until: (current as Delivery & { leaseUntil?: number }).leaseUntil ?? now };
    // sent, skipped or in a digest: nothing more to send
    return { status: 'sent' };
  }
}

const ours = { condition: '#s = :sending AND claimId = :claim' };

export async function completeSend(noticeId: string, channel: Channel, subject: string, claimId: string, providerId: string | undefined, viaDigest = false): Promise<void> {
  await db()
    .send(
      new UpdateCommand({
        TableName: table(),
        Key: key(noticeId, channel, subject),
        UpdateExpression: 'SET #s = :sent, sentAt = :now, updatedAt = :now, providerId = :pid, viaDigest = :digest REMOVE claimId, leaseUntil, lastError',
        ConditionExpression: ours.condition,
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':now': clock.nowIso(), ':pid': providerId ?? 'none', ':digest': viaDigest, ':sending': 'sending', ':claim': claimId },
      }),
    )
    .catch((error) => {
      // Our lease ran out and another delivery took over: it records the outcome.
      if (!isConditionFailed(error)) throw error;
    });
}

/**
 * The send failed: `failed` (the queue retries it), or on the last attempt `dead`, with its
 * NoticeDeliveryFailed event in the same write (the unit then goes to the dead-letter queue).
 */
export async function failSend(noticeId: string, channel: Channel, subject: string, claimId: string, error: string, final: BusEvent | undefined): Promise<void> {
  await updateWithEvents(
    table(),
    key(noticeId, channel, subject),
    {
      set: ['#s = :status', 'lastError = :error', 'updatedAt = :now'],
      remove: ['claimId', 'leaseUntil'],
      condition: ours.condition,
      names: { '#s': 'status' },
      values: { ':status': final ? 'dead' : 'failed', ':error': error.slice(0, 500), ':now': clock.nowIso(), ':sending': 'sending', ':claim': claimId },
    },
    final ? [final] : [],
  );
}

/** Deferred deliveries whose quiet hours are over. */
export async function dueDeferred(now: string, limit = 5_000): Promise<{ noticeId: string; channel: Channel; subject: string }[]> {
  return dueItems<{ noticeId: string; channel: Channel; subject: string }>(table(), 'deferred', now, ['noticeId', 'channel', 'subject'], limit);
}
