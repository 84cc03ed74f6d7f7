import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDynalite, levelDbOf } from '../infra/local/atomic-dynalite';
import { createTableInput } from '../libs/table';

/** The wrapper on a real (in-memory) dynalite: DynamoDB behaviour unchanged, iterators closed. */
const TABLE = 'gongzhi-atomic';
let server: Server;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  server = createDynalite({ createTableMs: 0 });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  doc = DynamoDBDocumentClient.from(client);
  await client.send(new CreateTableCommand(createTableInput(TABLE)));
  await new Promise((r) => setTimeout(r, 20));
});

afterAll(async () => {
  client.destroy();
  await new Promise<void>((done) => server.close(() => done()));
});

const outbox = async () =>
  ((await doc.send(new QueryCommand({ TableName: TABLE, IndexName: 'outbox', KeyConditionExpression: 'outboxPk = :p', ExpressionAttributeValues: { ':p': 'OUTBOX' } }))).Items ?? []).map(
    (i) => `${i.pk}:${i.v}`,
  );
const gsi1 = async (p: string) =>
  ((await doc.send(new QueryCommand({ TableName: TABLE, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': p } }))).Items ?? []).map(
    (i) => `${i.pk}:${i.gsi1sk}`,
  );

test('puts, updates, deletes and batch writes keep the indexes as DynamoDB does', async () => {
  await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'A', sk: '1', v: 1, gsi1pk: 'G', gsi1sk: 'a', outboxPk: 'OUTBOX', outboxSince: '1' } }));
  await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'B', sk: '1', v: 1, gsi1pk: 'G', gsi1sk: 'b' } }));
  expect(await outbox()).toEqual(['A:1']);
  expect(await gsi1('G')).toEqual(['A:a', 'B:b']);

  // Into the sparse index, out of it, and a non-key change that the entry must follow.
  await doc.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: { pk: 'B', sk: '1' },
      UpdateExpression: 'SET outboxPk = :p, outboxSince = :s, v = :v',
      ExpressionAttributeValues: { ':p': 'OUTBOX', ':s': '2', ':v': 2 },
    }),
  );
  await doc.send(new UpdateCommand({ TableName: TABLE, Key: { pk: 'A', sk: '1' }, UpdateExpression: 'REMOVE outboxPk, outboxSince' }));
  await doc.send(new UpdateCommand({ TableName: TABLE, Key: { pk: 'B', sk: '1' }, UpdateExpression: 'SET v = :v, gsi1pk = :g', ExpressionAttributeValues: { ':v': 3, ':g': 'H' } }));
  expect(await outbox()).toEqual(['B:3']);
  expect(await gsi1('G')).toEqual(['A:a']);
  expect(await gsi1('H')).toEqual(['B:b']);

  // A failed condition writes nothing, index entries included.
  await expect(doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'A', sk: '1', gsi1pk: 'X', gsi1sk: 'x' }, ConditionExpression: 'attribute_not_exists(pk)' }))).rejects.toMatchObject({
    name: 'ConditionalCheckFailedException',
  });
  expect(await gsi1('X')).toEqual([]);

  await doc.send(new DeleteCommand({ TableName: TABLE, Key: { pk: 'B', sk: '1' } }));
  expect(await outbox()).toEqual([]);
  expect(await gsi1('H')).toEqual([]);

  await doc.send(
    new BatchWriteCommand({
      RequestItems: {
        [TABLE]: [
          { DeleteRequest: { Key: { pk: 'A', sk: '1' } } },
          ...Array.from({ length: 10 }, (_, i) => ({ PutRequest: { Item: { pk: `C${i}`, sk: '1', v: i, gsi1pk: 'G', gsi1sk: `c${i}`, outboxPk: 'OUTBOX', outboxSince: String(i) } } })),
        ],
      },
    }),
  );
  expect(await gsi1('G')).toEqual(Array.from({ length: 10 }, (_, i) => `C${i}:c${i}`));
  expect((await outbox()).length).toBe(10);

  // Many concurrent writes to one item: the per-key lock still serialises them.
  await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      doc.send(new UpdateCommand({ TableName: TABLE, Key: { pk: 'C0', sk: '1' }, UpdateExpression: 'SET gsi1sk = :s', ExpressionAttributeValues: { ':s': `z${i}` } })),
    ),
  );
  expect((await gsi1('G')).filter((e) => e.startsWith('C0:'))).toHaveLength(1);
});

test('every LevelDB iterator a Query or Scan opens is closed, also when it stops at its Limit', async () => {
  const db = levelDbOf(server);
  const opened: { next(): Promise<unknown> }[] = [];
  const values = db.values;
  db.values = (options) => {
    const iterator = values.call(db, options);
    opened.push(iterator);
    return iterator;
  };
  try {
    for (let i = 0; i < 5; i++) {
      await doc.send(new QueryCommand({ TableName: TABLE, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'G' }, Limit: 2 }));
      await doc.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `C${i}` } }));
      await doc.send(new ScanCommand({ TableName: TABLE, Limit: 3 }));
      await doc.send(new ScanCommand({ TableName: TABLE }));
    }
  } finally {
    db.values = values;
  }
  expect(opened.length).toBeGreaterThanOrEqual(20);
  await new Promise((r) => setTimeout(r, 20));
  // abstract-level refuses next() on a closed iterator, and only on a closed one.
  const results = await Promise.allSettled(opened.map((iterator) => iterator.next()));
  expect(results.map((r) => (r.status === 'rejected' ? (r.reason as { code?: string }).code : 'still open'))).toEqual(opened.map(() => 'LEVEL_ITERATOR_NOT_OPEN'));
});
