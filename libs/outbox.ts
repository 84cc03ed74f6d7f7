import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../events/envelope';
import { publish } from './bus';
import { clock } from './clock';
import { db, isConditionFailed, putIfAbsent, updateExpression, type Key } from './db';
import { logger } from './logger';
import { OUTBOX_INDEX } from './table';

/**
 * The transactional outbox (docs/design.md), with single-item atomicity: the events a change causes
 * are written inside the item that changed, in the same write. After the write they are published
 * and removed; whatever a crash leaves behind is found through the sparse `outbox` index and
 * republished by the sweep. Delivery is therefore at least once, and consumers dedupe by event id.
 */
export const OUTBOX_PK = 'OUTBOX';

/** Attributes for a PutItem of a new item that carries events. */
export function outboxAttributes(events: readonly BusEvent[]): Record<string, unknown> {
  if (events.length === 0) return {};
  return { outbox: events, outboxPk: OUTBOX_PK, outboxSince: clock.nowIso() };
}

/**
 * A new item that carries events: one conditional put (only if the key is free), then publish.
 * Returns false (and writes nothing) when the key is taken.
 */
export async function insertWithEvents(table: string, item: Key & Record<string, unknown>, events: readonly BusEvent[]): Promise<boolean> {
  if (!(await putIfAbsent(table, { ...item, ...outboxAttributes(events) }))) return false;
  if (events.length) await publishAfterWrite(table, { pk: item.pk, sk: item.sk });
  return true;
}

/** Fragments for an UpdateItem that adds events to an existing item's outbox. */
export function outboxUpdate(events: readonly BusEvent[]): {
  set: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  return {
    set: '#outbox = list_append(if_not_exists(#outbox, :obEmpty), :obNew), #outboxPk = :obPk, #outboxSince = if_not_exists(#outboxSince, :obNow)',
    names: { '#outbox': 'outbox', '#outboxPk': 'outboxPk', '#outboxSince': 'outboxSince' },
    values: { ':obEmpty': [], ':obNew': events, ':obPk': OUTBOX_PK, ':obNow': clock.nowIso() },
  };
}

/**
 * One conditional UpdateItem that also puts `events` in the item's outbox, then publishes them.
 * Returns false (and writes nothing) when the condition does not hold.
 */
export async function updateWithEvents(
  table: string,
  key: Key,
  update: { set?: string[]; remove?: string[]; condition?: string; names?: Record<string, string>; values?: Record<string, unknown> },
  events: readonly BusEvent[],
): Promise<boolean> {
  const outbox = events.length ? outboxUpdate(events) : undefined;
  const set = [...(update.set ?? []), ...(outbox ? [outbox.set] : [])];
  const names = { ...update.names, ...outbox?.names };
  const values = { ...update.values, ...outbox?.values };
  try {
    await db().send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: updateExpression(set, update.remove),
        ConditionExpression: update.condition,
        ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
        ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
  if (events.length) await publishAfterWrite(table, key);
  return true;
}

/** Publish and clear what the item's outbox holds. Returns how many events were published. */
export async function flushOutbox(table: string, key: Key): Promise<number> {
  let published = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    const { Item } = await db().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    const events = (Item?.outbox ?? []) as BusEvent[];
    if (events.length === 0) return published;
    await publish(events);
    published += events.length;
    try {
      await db().send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'REMOVE #outbox, #outboxPk, #outboxSince',
          ConditionExpression: 'size(#outbox) = :n',
          ExpressionAttributeNames: { '#outbox': 'outbox', '#outboxPk': 'outboxPk', '#outboxSince': 'outboxSince' },
          ExpressionAttributeValues: { ':n': events.length },
        }),
      );
      return published;
    } catch (error) {
      // Someone appended meanwhile: go round again (republishing is harmless, consumers dedupe).
      if (!isConditionFailed(error)) throw error;
    }
  }
  return published;
}

/** Republish every outbox older than `olderThanMs` (left by a crash between write and publish). */
export async function sweepOutbox(table: string, olderThanMs = 60_000): Promise<{ items: number; events: number }> {
  const cutoff = new Date(clock.now().getTime() - olderThanMs).toISOString();
  let items = 0;
  let events = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: table,
        IndexName: OUTBOX_INDEX,
        KeyConditionExpression: 'outboxPk = :pk AND outboxSince <= :cutoff',
        ExpressionAttributeValues: { ':pk': OUTBOX_PK, ':cutoff': cutoff },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      items++;
      events += await flushOutbox(table, { pk: item.pk as string, sk: item.sk as string });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { items, events };
}

/**
 * After a successful write: try to publish now, but never fail the request for it. The write is
 * done and its events are safe in the outbox; the sweep publishes them if this attempt fails.
 */
export async function publishAfterWrite(table: string, key: Key): Promise<void> {
  try {
    await flushOutbox(table, key);
  } catch (error) {
    logger('outbox').warn('publishing failed; the outbox sweep will retry', { table, key, error: String(error) });
  }
}
