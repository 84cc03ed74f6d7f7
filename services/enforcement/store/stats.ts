import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { db, isConditionFailed } from '../../../libs/db';
import type { Counters, Level } from '../domain/statistics';
import { table } from './table';

const statsPk = (level: Level, scopeId: string) => `STATS#${level}#${scopeId}`;
/** Months hold the additive counters; quarters and years only the distinct counts. */
const statsSk = (period: string) => (/^\d{4}-\d{2}$/.test(period) ? `MONTH#${period}` : `PERIOD#${period}`);

/** Add to the counters of a compound, street, district or the city for a period. */
export async function addCounters(level: Level, scopeId: string, period: string, counters: Counters): Promise<void> {
  const entries = Object.entries(counters).filter(([, n]) => n);
  if (!entries.length) return;
  await db().send(
    new UpdateCommand({
      TableName: table(),
      Key: { pk: statsPk(level, scopeId), sk: statsSk(period) },
      UpdateExpression: `SET #level = :level, #scope = :scope, #period = :period ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
      ExpressionAttributeNames: { '#level': 'level', '#scope': 'scopeId', '#period': 'period', ...Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])) },
      ExpressionAttributeValues: { ':level': level, ':scope': scopeId, ':period': period, ...Object.fromEntries(entries.map(([, n], i) => [`:c${i}`, n])) },
    }),
  );
}

/**
 * Whether this event is the first to sweep (`key`: the compound, or one category) in `period`.
 * The marker remembers which event was first, so a redelivery of that event is still "first" and
 * finishes counting what a crash interrupted; any other event is not.
 */
export async function firstSwept(compoundId: string, period: string, key: string, eventId: string): Promise<boolean> {
  const marker = { pk: `COMPOUND#${compoundId}`, sk: `SWEPT#${period}#${key}` };
  try {
    await db().send(new PutCommand({ TableName: table(), Item: { ...marker, eventId }, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: marker, ConsistentRead: true }));
  return Item?.eventId === eventId;
}

/** The counters of the given months and the distinct counts of `period`: one batch read, however many findings there are. */
export async function readStats(level: Level, scopeId: string, months: readonly string[], period: string): Promise<{ months: Counters[]; distinct: Counters }> {
  const keys = [...new Set([...months, period])].map((p) => ({ pk: statsPk(level, scopeId), sk: statsSk(p) }));
  const found = new Map<string, Counters>();
  let request: Record<string, { pk: string; sk: string }[]> | undefined = { [table()]: keys };
  for (let attempt = 0; request && Object.keys(request).length && attempt < 8; attempt++) {
    const result: BatchGetCommandOutput = await db().send(new BatchGetCommand({ RequestItems: Object.fromEntries(Object.entries(request).map(([t, k]) => [t, { Keys: k, ConsistentRead: true }])) }));
    for (const item of result.Responses?.[table()] ?? []) found.set(item.sk as string, numbersOf(item));
    request = result.UnprocessedKeys?.[table()]?.Keys ? { [table()]: result.UnprocessedKeys[table()]!.Keys as { pk: string; sk: string }[] } : undefined;
    if (request) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
  }
  return { months: months.map((m) => found.get(statsSk(m)) ?? {}), distinct: found.get(statsSk(period)) ?? {} };
}

function numbersOf(item: Record<string, unknown>): Counters {
  return Object.fromEntries(Object.entries(item).filter(([, v]) => typeof v === 'number')) as Counters;
}
