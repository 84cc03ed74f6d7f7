import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CompoundLocation } from '../../../libs/auth';
import { db, type Key } from '../../../libs/db';
import type { Counters } from '../domain/statistics';
import { batchGet, table } from './table';

/** The four rows one compound's event adds to: the compound, its street, its district, the city (see store/table.ts). */
export type Level = 'compound' | 'street' | 'district' | 'city';
export const LEVELS: readonly Level[] = ['compound', 'street', 'district', 'city'];

export function rowKey(level: Level, location: Pick<CompoundLocation, 'compoundId' | 'streetId' | 'districtId'>, month: string): Key {
  switch (level) {
    case 'compound':
      return { pk: `STATS#street:${location.streetId}#${month}`, sk: `compound:${location.compoundId}` };
    case 'street':
      return { pk: `STATS#district:${location.districtId}#${month}`, sk: `street:${location.streetId}` };
    case 'district':
      return { pk: `STATS#city#${month}`, sk: `district:${location.districtId}` };
    case 'city':
      return { pk: `STATS#top#${month}`, sk: 'city' };
  }
}

/** The partition holding an area's parts for a month: a street's compounds, a district's streets, the city's districts. */
export function partsPartition(level: Exclude<Level, 'compound'>, id: string, month: string): string {
  return level === 'street' ? `STATS#street:${id}#${month}` : level === 'district' ? `STATS#district:${id}#${month}` : `STATS#city#${month}`;
}

/** One atomic ADD of every counter to one row. */
export async function addToRow(key: Key, add: Counters): Promise<void> {
  const entries = Object.entries(add).filter(([, v]) => v !== 0);
  if (entries.length === 0) return;
  await db().send(
    new UpdateCommand({
      TableName: table(),
      Key: key,
      UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#c${i}`, k])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:c${i}`, v])),
    }),
  );
}

const countersOf = (item: Record<string, unknown>): Counters => Object.fromEntries(Object.entries(item).filter(([k, v]) => k !== 'pk' && k !== 'sk' && typeof v === 'number')) as Counters;

/** Rows by key; a missing row counts nothing. */
export async function rows(keys: readonly Key[]): Promise<Counters[]> {
  return (await batchGet(keys)).map(countersOf);
}

/** Every part's row in a partition: { 'compound:C1': counters, … }. */
export async function partRows(pk: string): Promise<Map<string, Counters>> {
  const out = new Map<string, Counters>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) out.set(item.sk as string, countersOf(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return out;
}

export async function rememberStreet(streetId: string, districtId: string): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { pk: `STREET#${streetId}`, sk: 'DISTRICT', districtId } }));
}

export async function districtOfStreet(streetId: string): Promise<string | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: { pk: `STREET#${streetId}`, sk: 'DISTRICT' } }));
  return Item?.districtId as string | undefined;
}
