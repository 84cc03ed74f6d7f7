import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { db, isConditionFailed, putIfAbsent, queryAll, stripKeys } from '../../../libs/db';
import { conflict } from '../../../libs/errors';
import { decodeCursor, encodeCursor, type Page } from '../../../libs/http/pagination';
import { insertWithEvents, updateWithEvents } from '../../../libs/outbox';
import type { PoolAttribute, PoolAttributes } from '../domain/pool';
import type { PoolSummary } from '../domain/report';
import { POOL, poolImportKey, poolKey, POOLSTATS, poolStatsKey, table } from './keys';

export type PoolStatus = 'available' | 'serving' | 'suspended';

export interface PoolPerson {
  personId: string;
  name: string;
  /** Lower-case normalised name, for search. */
  nameKey: string;
  /** The vetting street (and community, when a community vetted): from the compounds, never from a body. */
  districtId: string;
  streetId: string;
  communityId?: string;
  attributes: PoolAttributes;
  compounds: string[];
  /** Why the person may sit where they own no unit (异地担任), recorded when vetted. */
  nonOwnerException?: string;
  status: PoolStatus;
  servingCompoundId?: string;
  suspendedReason?: string;
  importId?: string;
  addedBy: string;
  addedAt: string;
  updatedAt: string;
}

const poolSortKey = (p: Pick<PoolPerson, 'districtId' | 'streetId' | 'communityId' | 'personId'>) => `${p.districtId}#${p.streetId}#${p.communityId ?? '-'}#${p.personId}`;
const poolItem = (person: PoolPerson) => ({ ...poolKey(person.personId), ...person, gsi1pk: POOL, gsi1sk: poolSortKey(person) });

export async function addToPool(person: PoolPerson, events: BusEvent[]): Promise<void> {
  if (!(await insertWithEvents(table(), poolItem(person), events))) throw conflict(`${person.personId} is already in the pool`);
}

export async function getPoolPerson(personId: string, consistent = false): Promise<PoolPerson | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: poolKey(personId), ConsistentRead: consistent }));
  return stripKeys<PoolPerson>(Item);
}

/** Change a person's status if it is still `from`, with its event; false if it changed meanwhile. */
export async function setPoolStatus(
  personId: string,
  from: PoolStatus,
  changes: { status: PoolStatus; servingCompoundId?: string; suspendedReason?: string; updatedAt: string },
  events: BusEvent[],
): Promise<boolean> {
  const set = ['#status = :status', 'updatedAt = :at'];
  const remove: string[] = [];
  const values: Record<string, unknown> = { ':status': changes.status, ':at': changes.updatedAt, ':from': from };
  for (const field of ['servingCompoundId', 'suspendedReason'] as const) {
    if (changes[field] === undefined) remove.push(field);
    else {
      set.push(`${field} = :${field}`);
      values[`:${field}`] = changes[field];
    }
  }
  return updateWithEvents(table(), poolKey(personId), { set, remove, condition: '#status = :from', names: { '#status': 'status' }, values }, events);
}

/** Up to 100 people by id (BatchGetItem), e.g. a committee's members for its summary. */
export async function poolPeople(personIds: readonly string[]): Promise<Map<string, PoolPerson>> {
  const found = new Map<string, PoolPerson>();
  const ids = [...new Set(personIds)];
  for (let i = 0; i < ids.length; i += 100) {
    let keys: Record<string, unknown>[] = ids.slice(i, i + 100).map(poolKey);
    for (let attempt = 0; keys.length > 0 && attempt < 8; attempt++) {
      const result = await db().send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys } } }));
      for (const item of result.Responses?.[table()] ?? []) found.set(item.personId as string, stripKeys<PoolPerson>(item)!);
      keys = (result.UnprocessedKeys?.[table()]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}

export interface PoolScope {
  districtId?: string;
  streetId?: string;
  communityId?: string;
}

export interface PoolFilter {
  name?: string;
  compoundId?: string;
  status?: PoolStatus;
  attributes?: Partial<Record<PoolAttribute, boolean>>;
}

const scopePrefix = (s: PoolScope) => (s.districtId ? `${s.districtId}#${s.streetId ? `${s.streetId}#${s.communityId ? `${s.communityId}#` : ''}` : ''}` : '');

/**
 * Search the pool within a scope (a key prefix of gsi1: district, street, community), filtered by
 * name (contains), compound, status and attributes. At most `limit` people a page; pages read at
 * most a few thousand people, so a sparse filter may return a short page with a cursor.
 */
export async function searchPool(scope: PoolScope, filter: PoolFilter, limit: number, cursor?: string): Promise<Page<PoolPerson>> {
  const prefix = scopePrefix(scope);
  const filters: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': POOL };
  if (prefix) values[':prefix'] = prefix;
  if (filter.name) {
    filters.push('contains(nameKey, :name)');
    values[':name'] = filter.name;
  }
  if (filter.compoundId) {
    filters.push('contains(compounds, :compound)');
    values[':compound'] = filter.compoundId;
  }
  if (filter.status) {
    filters.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = filter.status;
  }
  for (const [i, [attribute, wanted]] of Object.entries(filter.attributes ?? {}).entries()) {
    filters.push(`#attributes.#a${i} = :a${i}`);
    names['#attributes'] = 'attributes';
    names[`#a${i}`] = attribute;
    values[`:a${i}`] = wanted;
  }
  const items: PoolPerson[] = [];
  let startKey = decodeCursor(cursor);
  let evaluated = 0;
  let nextCursor: string | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'gsi1',
        KeyConditionExpression: prefix ? 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)' : 'gsi1pk = :pk',
        FilterExpression: filters.length ? filters.join(' AND ') : undefined,
        ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
        ExpressionAttributeValues: values,
        Limit: Math.max(limit, 100),
        ExclusiveStartKey: startKey,
      }),
    );
    evaluated += page.ScannedCount ?? 0;
    const matched = page.Items ?? [];
    const room = limit - items.length;
    if (matched.length > room) {
      const last = matched[room - 1]!;
      items.push(...matched.slice(0, room).map((i) => stripKeys<PoolPerson>(i)!));
      nextCursor = encodeCursor({ pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk });
      return { items, nextCursor };
    }
    items.push(...matched.map((i) => stripKeys<PoolPerson>(i)!));
    startKey = page.LastEvaluatedKey;
    nextCursor = encodeCursor(startKey);
  } while (startKey && items.length < limit && evaluated < 5_000);
  return { items, nextCursor };
}

/** Everyone vetted by one street (for its pool summary: a street holds some tens of people). */
export async function poolOfStreet(districtId: string, streetId: string): Promise<PoolPerson[]> {
  const items = await queryAll({
    TableName: table(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
    ExpressionAttributeValues: { ':pk': POOL, ':prefix': `${districtId}#${streetId}#` },
    ProjectionExpression: '#status, attributes, nonOwnerException',
    ExpressionAttributeNames: { '#status': 'status' },
  });
  return items as unknown as PoolPerson[];
}

export async function putPoolSummary(summary: PoolSummary, asOf: string): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { ...poolStatsKey(summary.streetId), ...summary, asOf, gsi1pk: POOLSTATS, gsi1sk: `${summary.districtId}#${summary.streetId}` } }));
}

/** The pool summaries of the streets in scope: one small item per street. */
export async function poolSummariesIn(scope: PoolScope): Promise<PoolSummary[]> {
  const prefix = scope.districtId ? `${scope.districtId}#${scope.streetId ? `${scope.streetId}` : ''}` : '';
  const items = await queryAll({
    TableName: table(),
    IndexName: 'gsi1',
    KeyConditionExpression: prefix ? 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)' : 'gsi1pk = :pk',
    ExpressionAttributeValues: prefix ? { ':pk': POOLSTATS, ':prefix': prefix } : { ':pk': POOLSTATS },
  });
  return items.map((i) => stripKeys<PoolSummary>(i)!).filter((s) => !scope.streetId || s.streetId === scope.streetId);
}

// ---- bulk import: the import is recorded (with the file's fingerprint), each person is written, then it is done ----

export interface PoolImport {
  importId: string;
  districtId: string;
  streetId: string;
  count: number;
  status: 'writing' | 'done';
  by: string;
  at: string;
}

/** Record the import (false if this id was used for another file). */
export async function beginPoolImport(record: PoolImport, fingerprint: string): Promise<'new' | 'resume' | 'done' | 'other'> {
  if (await putIfAbsent(table(), { ...poolImportKey(record.importId), ...record, fingerprint })) return 'new';
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: poolImportKey(record.importId), ConsistentRead: true }));
  if (Item?.fingerprint !== fingerprint) return 'other';
  return Item.status === 'done' ? 'done' : 'resume';
}

/** Write a person of an import: new, or already written by this very import (a resumed import). */
export async function putImportedPerson(person: PoolPerson): Promise<boolean> {
  try {
    await db().send(
      new PutCommand({
        TableName: table(),
        Item: poolItem(person),
        ConditionExpression: 'attribute_not_exists(pk) OR importId = :importId',
        ExpressionAttributeValues: { ':importId': person.importId },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export async function finishPoolImport(importId: string, events: BusEvent[]): Promise<void> {
  await updateWithEvents(table(), poolImportKey(importId), { set: ['#status = :done'], names: { '#status': 'status' }, values: { ':done': 'done' } }, events);
}

export async function getPoolImport(importId: string): Promise<(PoolImport & { fingerprint: string }) | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: poolImportKey(importId), ConsistentRead: true }));
  return stripKeys<PoolImport & { fingerprint: string }>(Item);
}

/** Undo a person this import wrote (when another write took one of its people first). */
export async function deleteImportedPerson(personId: string, importId: string): Promise<void> {
  try {
    await db().send(new DeleteCommand({ TableName: table(), Key: poolKey(personId), ConditionExpression: 'importId = :importId', ExpressionAttributeValues: { ':importId': importId } }));
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

export async function abandonPoolImport(importId: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: table(), Key: poolImportKey(importId) }));
}
