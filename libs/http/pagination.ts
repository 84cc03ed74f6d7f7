import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { db } from '../db';
import { invalid } from '../errors';

export { pageQuery } from './page-query';

export interface Page<T> {
  items: T[];
  /** Opaque; pass back as `cursor` for the next page. Absent on the last page. */
  nextCursor?: string;
}

export const encodeCursor = (lastKey: Record<string, unknown> | undefined): string | undefined => (lastKey ? Buffer.from(JSON.stringify(lastKey)).toString('base64url') : undefined);

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // Our keys are pk/sk and index keys, all strings: anything else was not issued here.
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0 && Object.values(value).every((v) => typeof v === 'string' && v.length <= 1024)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through to the problem below
  }
  throw invalid('cursor is not one this API issued', [{ field: 'query.cursor', reason: 'invalid cursor' }]);
}

/** One page of a query, with the cursor for the next one. */
export async function queryPage<T>(input: QueryCommandInput, limit: number, cursor: string | undefined, map: (item: Record<string, unknown>) => T): Promise<Page<T>> {
  const startKey = decodeCursor(cursor);
  let result;
  try {
    result = await db().send(new QueryCommand({ ...input, Limit: limit, ExclusiveStartKey: startKey }));
  } catch (error) {
    // A cursor of the right shape but from another list (or edited) is refused by DynamoDB.
    if (startKey && (error as { name?: string }).name === 'ValidationException') throw invalid('cursor does not belong to this list', [{ field: 'query.cursor', reason: 'invalid cursor' }]);
    throw error;
  }
  return { items: (result.Items ?? []).map(map), nextCursor: encodeCursor(result.LastEvaluatedKey) };
}
