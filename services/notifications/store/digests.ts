import { BatchWriteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, isConditionFailed, queryAll } from '../../../libs/db';
import { dueAt, dueItems } from '../../../libs/due';
import type { Channel } from '../domain/delivery';
import type { Text } from '../domain/notice';
import { keys, table } from './keys';

/**
 * The daily digest: low-urgency notices for people who asked for one wait as entries under their
 * DIGEST# partition; one PENDING item per person sits on the due index at their digest time, and
 * the digest worker sends them as one message per channel. `version` counts what was added, so the
 * worker never clears a digest that grew while it was being sent.
 */
export interface DigestEntry {
  noticeId: string;
  channel: Channel;
  createdAt: string;
  title: Record<'zh' | 'en', string>;
}

export async function addToDigest(subject: string, entry: DigestEntry & { message: Record<'zh' | 'en', Text> }, at: string): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: table(),
      Item: {
        pk: keys.digestEntries(subject),
        sk: `ENTRY#${entry.createdAt}#${entry.noticeId}#${entry.channel}`,
        noticeId: entry.noticeId,
        channel: entry.channel,
        createdAt: entry.createdAt,
        title: { zh: entry.message.zh.title, en: entry.message.en.title },
      },
    }),
  );
  const due = dueAt('digest', at, subject);
  await db().send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.digest(subject),
      // The first entry sets the time; later ones join the same digest.
      UpdateExpression: 'SET duePk = if_not_exists(duePk, :pk), dueSk = if_not_exists(dueSk, :sk), subject = :subject ADD version :one',
      ExpressionAttributeValues: { ':pk': due.duePk, ':sk': due.dueSk, ':subject': subject, ':one': 1 },
    }),
  );
}

export interface PendingDigest {
  version: number;
  dueSk?: string;
  /** The digest being sent (its claim), so a retry does not send a second one. */
  sendingVersion?: number;
  sentChannels?: Set<string>;
}

export async function pendingDigest(subject: string): Promise<PendingDigest | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: keys.digest(subject), ConsistentRead: true }));
  return Item as PendingDigest | undefined;
}

export async function digestEntries(subject: string): Promise<(DigestEntry & { sk: string })[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
    ExpressionAttributeValues: { ':pk': keys.digestEntries(subject), ':e': 'ENTRY#' },
    ConsistentRead: true,
  });
  return items.map((i) => ({ sk: i.sk as string, noticeId: i.noticeId as string, channel: i.channel as Channel, createdAt: i.createdAt as string, title: i.title as Record<'zh' | 'en', string> }));
}

/** A channel of this digest was sent (recorded so a retried unit skips it). */
export async function markDigestChannelSent(subject: string, channel: Channel): Promise<void> {
  await db().send(new UpdateCommand({ TableName: table(), Key: keys.digest(subject), UpdateExpression: 'ADD sentChannels :c', ExpressionAttributeValues: { ':c': new Set([channel]) } }));
}

/** Entries sent: gone. */
export async function removeEntries(subject: string, sks: readonly string[]): Promise<void> {
  for (let i = 0; i < sks.length; i += 25) {
    let requests = sks.slice(i, i + 25).map((sk) => ({ DeleteRequest: { Key: { pk: keys.digestEntries(subject), sk } } }));
    for (let attempt = 0; requests.length; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept deletes unprocessed');
      const result = await db().send(new BatchWriteCommand({ RequestItems: { [table()]: requests } }));
      requests = (result.UnprocessedItems?.[table()] ?? []) as typeof requests;
    }
  }
}

/**
 * The digest was sent: remove its PENDING item if nothing was added meanwhile; otherwise keep it for
 * the next digest time, without the channels just sent.
 */
export async function closeDigest(subject: string, version: number, next: string): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.digest(subject),
        UpdateExpression: 'REMOVE duePk, dueSk, sentChannels',
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': version },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const due = dueAt('digest', next, subject);
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.digest(subject),
        UpdateExpression: 'SET duePk = :pk, dueSk = :sk REMOVE sentChannels',
        ExpressionAttributeValues: { ':pk': due.duePk, ':sk': due.dueSk },
      }),
    );
  }
}

/** Move a digest to a later time (its time fell in quiet hours, or it is not due yet). */
export async function postponeDigest(subject: string, at: string): Promise<void> {
  const due = dueAt('digest', at, subject);
  await db()
    .send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.digest(subject),
        UpdateExpression: 'SET duePk = :pk, dueSk = :sk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':pk': due.duePk, ':sk': due.dueSk },
      }),
    )
    .catch((e) => {
      if (!isConditionFailed(e)) throw e;
    });
}

export async function dueDigests(now: string, limit = 5_000): Promise<string[]> {
  return (await dueItems<{ subject: string }>(table(), 'digest', now, ['subject'], limit)).map((d) => d.subject);
}
