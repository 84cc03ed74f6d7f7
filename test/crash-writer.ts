// The child process of test/crash-consistency.test.ts (not a test itself): dynalite on the given
// directory, a table of the project's shape, then writes that add, move and remove the attributes
// its indexes are built from, as fast as it can, until the parent kills it with SIGKILL.
//
//   node --import tsx test/crash-writer.ts <dir> [writes|slow-create]
//
// GONGZHI_CRASH_PLAIN=1 runs plain dynalite instead of infra/local/atomic-dynalite.ts.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { createDynalite } from '../infra/local/atomic-dynalite';
import { createTableInput } from '../libs/table';

const CRASH_TABLE = 'gongzhi-crash';
const CRASH_KEYS = 120;

const [dir, mode = 'writes'] = process.argv.slice(2);
if (!dir) throw new Error('usage: crash-writer.ts <dir> [writes|slow-create]');
const plain = process.env.GONGZHI_CRASH_PLAIN === '1';
const options = { path: dir, createTableMs: mode === 'slow-create' ? 600_000 : 0 };
const server: Server = plain ? dynalite(options) : createDynalite(options);
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const client = new DynamoDBClient({
  endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  region: 'local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const doc = DynamoDBDocumentClient.from(client);

if (mode === 'slow-create') {
  // The table is written as CREATING; its ACTIVE write waits for a timer this process will not outlive.
  await client.send(new CreateTableCommand(createTableInput(CRASH_TABLE)));
  process.stdout.write('ready\n');
  await new Promise(() => undefined);
}

if (!(await client.send(new ListTablesCommand({}))).TableNames?.includes(CRASH_TABLE)) {
  await client.send(new CreateTableCommand(createTableInput(CRASH_TABLE)));
}
while ((await client.send(new DescribeTableCommand({ TableName: CRASH_TABLE }))).Table?.TableStatus !== 'ACTIVE') {
  await new Promise((r) => setTimeout(r, 5));
}
process.stdout.write('ready\n');

const random = (n: number) => Math.floor(Math.random() * n);
const key = (n = random(CRASH_KEYS)) => ({ pk: `ITEM#${n}`, sk: 'A' });
const nonce = () => `${process.pid}-${Date.now()}-${random(1e9)}`;
const gsi1 = () => ({ gsi1pk: `G#${random(4)}`, gsi1sk: `S#${random(1000)}` });
const outbox = () => ({ outboxPk: 'OUTBOX', outboxSince: new Date(Date.now() - random(1e6)).toISOString(), outbox: [{ id: nonce(), type: 'Changed' }] });
const fullItem = (n?: number) => ({
  ...key(n),
  v: nonce(),
  body: 'x'.repeat(random(1500)),
  ...(random(4) > 0 ? gsi1() : {}),
  ...(random(2) ? outbox() : {}),
});

const operations: (() => Promise<unknown>)[] = [
  () => doc.send(new PutCommand({ TableName: CRASH_TABLE, Item: fullItem() })),
  // Into the sparse outbox index, and out of it again (as a write with events, then the publish).
  () => {
    const o = outbox();
    return doc.send(
      new UpdateCommand({
        TableName: CRASH_TABLE,
        Key: key(),
        UpdateExpression: 'SET outbox = :o, outboxPk = :p, outboxSince = :s, v = :v',
        ExpressionAttributeValues: { ':o': o.outbox, ':p': o.outboxPk, ':s': o.outboxSince, ':v': nonce() },
      }),
    );
  },
  () => doc.send(new UpdateCommand({ TableName: CRASH_TABLE, Key: key(), UpdateExpression: 'REMOVE outbox, outboxPk, outboxSince SET v = :v', ExpressionAttributeValues: { ':v': nonce() } })),
  // Moved within gsi1, dropped from it, or only a non-key attribute changed (the entry must follow).
  () => {
    const g = gsi1();
    return doc.send(
      new UpdateCommand({ TableName: CRASH_TABLE, Key: key(), UpdateExpression: 'SET gsi1pk = :p, gsi1sk = :s, v = :v', ExpressionAttributeValues: { ':p': g.gsi1pk, ':s': g.gsi1sk, ':v': nonce() } }),
    );
  },
  () => doc.send(new UpdateCommand({ TableName: CRASH_TABLE, Key: key(), UpdateExpression: 'REMOVE gsi1pk, gsi1sk SET v = :v', ExpressionAttributeValues: { ':v': nonce() } })),
  () => doc.send(new UpdateCommand({ TableName: CRASH_TABLE, Key: key(), UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': nonce() } })),
  () => doc.send(new DeleteCommand({ TableName: CRASH_TABLE, Key: key() })),
  () => {
    const start = random(CRASH_KEYS - 5);
    const requests = Array.from({ length: 5 }, (_, i) => (random(3) ? { PutRequest: { Item: fullItem(start + i) } } : { DeleteRequest: { Key: key(start + i) } }));
    return doc.send(new BatchWriteCommand({ RequestItems: { [CRASH_TABLE]: requests } }));
  },
];

let done = 0;
setInterval(() => process.stdout.write(`writes ${done}\n`), 50);
await Promise.all(
  Array.from({ length: 24 }, async () => {
    for (;;) {
      await operations[random(operations.length)]!();
      done++;
    }
  }),
);
