import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveredEvent } from '../events/envelope';
import { clock } from './clock';
import { localRuntimeInstance, staleClaimCondition } from './config';
import { db, isConditionFailed } from './db';
import { Busy } from './errors';
import { TTL_ATTRIBUTE, ttlAt } from './table';
import { logger } from './logger';
import { DEFAULT_SETTINGS } from './topology';

/** What consumeOnce needs of Lambda's context: how long this invocation may still run. */
export interface Invocation {
  getRemainingTimeInMillis(): number;
}

/**
 * How long a consumer remembers an event it handled: longer than anything can redeliver it
 * (EventBridge retries for 24 h at most, Lambda's on-failure and the dead-letter queues keep
 * messages 14 days, and an operator may redrive them until then), after which DynamoDB deletes it.
 */
export const CLAIM_RETENTION_MS = 30 * 24 * 3600_000;

/** Slack for clocks that differ between the host that claimed and the host that retries. */
export const LEASE_MARGIN_MS = 5_000;

/**
 * How long a claim keeps others out: until the claiming invocation cannot be running any more (Lambda
 * stops it at its timeout), plus a margin. After a crash the claim is stale from then on, and the next
 * retry takes over. With Lambda's context that is the invocation's own deadline; without it, the
 * function's declared timeout (GONGZHI_TIMEOUT_SECONDS, set per function by CDK), which is never earlier.
 */
export function claimLeaseMs(invocation?: Invocation): number {
  const remaining = invocation?.getRemainingTimeInMillis();
  if (remaining !== undefined && Number.isFinite(remaining) && remaining > 0) return remaining + LEASE_MARGIN_MS;
  const declared = Number(process.env.GONGZHI_TIMEOUT_SECONDS);
  const seconds = Number.isFinite(declared) && declared > 0 ? declared : DEFAULT_SETTINGS.consumer.timeoutSeconds;
  return seconds * 1000 + LEASE_MARGIN_MS;
}

/**
 * Another invocation holds the claim and may still be running: this delivery must fail so that
 * Lambda (or the local bus) retries it later, when the holder has finished (the retry is then a
 * duplicate) or has crashed (its lease has run out and the retry takes over). Succeeding here
 * instead would drop the event if the holder had crashed.
 */
export class ClaimHeld extends Busy {}

export type ConsumeOutcome = 'processed' | 'duplicate';

/**
 * Run `effect` once per event id and consumer, although delivery is at least once. A claim item is
 * written conditionally before the effect and marked done after it:
 *  - done already: a duplicate, nothing to do;
 *  - claimed by an invocation that may still run: ClaimHeld (retryable), so nothing is lost;
 *  - claimed, but the lease ran out (the holder crashed or timed out): this delivery takes over;
 *  - locally, claimed by a previous run of the local runtime (killed): taken over at once (libs/config.ts).
 * A failed effect releases the claim so the retry runs it at once. The effect itself must tolerate
 * running twice (a crash after the effect and before `DONE` repeats it), as every conditional write does.
 */
export async function consumeOnce(table: string, consumer: string, event: Pick<DeliveredEvent, 'detail'>, effect: () => Promise<void>, invocation?: Invocation): Promise<ConsumeOutcome> {
  const key = { pk: `CONSUMED#${consumer}`, sk: event.detail.metadata.id };
  const now = clock.now().getTime();
  const claimedUntil = now + claimLeaseMs(invocation);
  const claimId = randomUUID();
  const stale = staleClaimCondition();
  try {
    await db().send(
      new PutCommand({
        TableName: table,
        Item: {
          ...key,
          status: 'IN_PROGRESS',
          claimId,
          claimedAt: new Date(now).toISOString(),
          claimedUntil,
          claimedBy: localRuntimeInstance(),
          [TTL_ATTRIBUTE]: ttlAt(claimedUntil + CLAIM_RETENTION_MS),
        },
        ConditionExpression: `attribute_not_exists(pk) OR (#status = :inProgress AND ${stale.condition})`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS', ':now': now, ...stale.values },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const { Item } = await db().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    if (Item?.status === 'DONE') return 'duplicate';
    // Released meanwhile (the holder's effect failed) or the lease just ran out: retrying now is as good as later.
    const until = typeof Item?.claimedUntil === 'number' ? new Date(Item.claimedUntil).toISOString() : 'now';
    throw new ClaimHeld(`${consumer} is already handling event ${key.sk} (claimed until ${until}); retry later`, { retryAfter: until });
  }
  // Release or finish only our own claim: if our lease ran out and another delivery took over, that one owns it.
  const ours = { ConditionExpression: '#status = :inProgress AND claimId = :mine', names: { '#status': 'status' } };
  try {
    await effect();
  } catch (error) {
    try {
      await db().send(
        new DeleteCommand({
          TableName: table,
          Key: key,
          ConditionExpression: ours.ConditionExpression,
          ExpressionAttributeNames: ours.names,
          ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS', ':mine': claimId },
        }),
      );
    } catch (release) {
      if (!isConditionFailed(release)) logger('consume').error('could not release a claim; it expires with its lease', { consumer, eventId: key.sk, error: String(release) });
    }
    throw error;
  }
  try {
    await db().send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET #status = :done, doneAt = :at, #ttl = :ttl REMOVE claimedUntil',
        ConditionExpression: ours.ConditionExpression,
        ExpressionAttributeNames: { ...ours.names, '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':done': 'DONE', ':at': clock.nowIso(), ':ttl': ttlAt(clock.now().getTime() + CLAIM_RETENTION_MS), ':inProgress': 'IN_PROGRESS', ':mine': claimId },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    logger('consume').warn('the claim was taken over before this invocation finished; the effect ran twice', { consumer, eventId: key.sk });
  }
  return 'processed';
}
