import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveredEvent } from '../events/envelope';
import { clock } from './clock';
import { db, isConditionFailed } from './db';

/** How long a crashed consumer's claim blocks redelivery before another attempt may take over. */
const CLAIM_MS = 5 * 60_000;

export type ConsumeOutcome = 'processed' | 'duplicate';

/**
 * Run `effect` once per event id and consumer, although delivery is at least once. A claim item is
 * written conditionally before the effect and marked done after it; a failed effect releases the
 * claim so the bus's retry can run it again.
 */
export async function consumeOnce(
  table: string,
  consumer: string,
  event: Pick<DeliveredEvent, 'detail'>,
  effect: () => Promise<void>,
): Promise<ConsumeOutcome> {
  const key = { pk: `CONSUMED#${consumer}`, sk: event.detail.metadata.id };
  const now = clock.now().getTime();
  try {
    await db().send(
      new PutCommand({
        TableName: table,
        Item: { ...key, status: 'IN_PROGRESS', claimedUntil: now + CLAIM_MS },
        ConditionExpression: 'attribute_not_exists(pk) OR (#status = :inProgress AND claimedUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS', ':now': now },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return 'duplicate';
  }
  try {
    await effect();
  } catch (error) {
    await db().send(new DeleteCommand({ TableName: table, Key: key }));
    throw error;
  }
  await db().send(
    new UpdateCommand({
      TableName: table,
      Key: key,
      UpdateExpression: 'SET #status = :done, doneAt = :at REMOVE claimedUntil',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':done': 'DONE', ':at': clock.nowIso() },
    }),
  );
  return 'processed';
}
