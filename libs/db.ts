import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

let documentClient: DynamoDBDocumentClient | undefined;

/** One DocumentClient per process. DYNAMODB_ENDPOINT points it at dynalite locally; unset, it is AWS. */
export function db(): DynamoDBDocumentClient {
  if (!documentClient) {
    const endpoint = process.env.DYNAMODB_ENDPOINT;
    const client = new DynamoDBClient(endpoint ? { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {});
    documentClient = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }
  return documentClient;
}

/** Forget the client (the local runtime calls this when it points the process at another dynalite). */
export function resetDb(): void {
  documentClient?.destroy();
  documentClient = undefined;
}

export const isConditionFailed = (error: unknown): boolean => (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';

export type Key = { pk: string; sk: string };

/**
 * PutItem where no item has this key yet: the store, not a read-then-write, decides who is first.
 * Returns false (and writes nothing) when the key is taken.
 */
export async function putIfAbsent(table: string, item: Key & Record<string, unknown>): Promise<boolean> {
  try {
    await db().send(new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Every page of a query; `consumed` adds up the read capacity DynamoDB reports. */
export async function queryAll(input: QueryCommandInput, consumed?: { units: number }): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new QueryCommand({ ...input, ExclusiveStartKey: startKey, ...(consumed ? { ReturnConsumedCapacity: 'TOTAL' as const } : {}) }));
    if (consumed) consumed.units += page.ConsumedCapacity?.CapacityUnits ?? 0;
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

export interface Assignments {
  set: string[];
  remove: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** `SET #a = :a, …` for each defined field and `REMOVE #b` for each undefined one, with safe placeholders. */
export function assignments(fields: Record<string, unknown>, tag = 'f'): Assignments {
  const out: Assignments = { set: [], remove: [], names: {}, values: {} };
  for (const [i, [name, value]] of Object.entries(fields).entries()) {
    out.names[`#${tag}${i}`] = name;
    if (value === undefined) out.remove.push(`#${tag}${i}`);
    else {
      out.values[`:${tag}${i}`] = value;
      out.set.push(`#${tag}${i} = :${tag}${i}`);
    }
  }
  return out;
}

export const updateExpression = (set: readonly string[], remove: readonly string[] = []): string =>
  [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : ''].filter(Boolean).join(' ');

/** Idempotent bulk puts, 25 per request, retrying what DynamoDB leaves unprocessed. */
export async function batchPut(table: string, items: readonly Record<string, unknown>[], width = 4): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  const worker = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let requests = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 8) throw new Error('DynamoDB kept items unprocessed');
        const result = await db().send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
        if (requests.length) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      }
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/** An item without its storage keys, indexes and outbox: what a caller may see. */
export function stripKeys<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, gsi2pk: _g3, gsi2sk: _g4, outbox: _o, outboxPk: _op, outboxSince: _os, duePk: _dp, dueSk: _ds, ...rest } = item;
  return rest as T;
}
