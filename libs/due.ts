import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db } from './db';
import { DUE_INDEX } from './table';

/**
 * The due index: an item that will need attention at a time (a vote to open, a levy month to
 * charge, a finding's deadline) carries `duePk = DUE#<kind>` and `dueSk = <ISO time>#<id>`; a
 * schedule asks for everything of a kind due by now. The index is sparse: an item leaves it when
 * nothing more is due (REMOVE the two attributes) or moves along it when its next step is later,
 * so the index holds what is pending, never history, and one partition per kind stays small.
 */
export const DUE_ATTRIBUTES = ['duePk', 'dueSk'] as const;

export function dueAt(kind: string, at: string, id: string): { duePk: string; dueSk: string } {
  return { duePk: `DUE#${kind}`, dueSk: `${at}#${id}` };
}

/** Items of `kind` due at or before `now`, oldest first, with the attributes asked for. */
export async function dueItems<T extends Record<string, unknown>>(table: string, kind: string, now: string, attributes: readonly string[], limit = Infinity): Promise<T[]> {
  const out: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  const names = Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a]));
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: table,
        IndexName: DUE_INDEX,
        KeyConditionExpression: 'duePk = :pk AND dueSk <= :now',
        ExpressionAttributeValues: { ':pk': `DUE#${kind}`, ':now': `${now}#~` },
        ProjectionExpression: Object.keys(names).join(', '),
        ExpressionAttributeNames: names,
        ExclusiveStartKey: startKey,
      }),
    );
    out.push(...((page.Items ?? []) as T[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey && out.length < limit);
  return out;
}
