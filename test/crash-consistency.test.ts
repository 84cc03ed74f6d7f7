import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { createDynalite } from '../infra/local/atomic-dynalite';
import { TABLE_INDEXES } from '../libs/table';

/**
 * kill -9 in the middle of writes, then a restart: every index must hold exactly the items that
 * have its key attributes, with their current attributes (all our indexes project ALL). A child
 * process (test/crash-writer.ts) writes through infra/local/atomic-dynalite.ts; with
 * GONGZHI_CRASH_PLAIN=1 both the child and the check use plain dynalite, which shows the bug:
 *
 *   GONGZHI_CRASH_PLAIN=1 node --experimental-vm-modules node_modules/jest/bin/jest.js test/crash-consistency
 */
const plain = process.env.GONGZHI_CRASH_PLAIN === '1';
const TABLE = 'gongzhi-crash';
const ROUNDS = Number(process.env.GONGZHI_CRASH_ROUNDS ?? 6);
const dirs: string[] = [];
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-crash-'));
  dirs.push(dir);
  return dir;
}

/** Starts the writer; resolves once it is writing, with a function that returns its write count. */
async function startWriter(dir: string, mode: 'writes' | 'slow-create'): Promise<{ child: ChildProcess; writes: () => number }> {
  const child = spawn(process.execPath, ['--no-warnings', '--import', 'tsx', 'test/crash-writer.ts', dir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let writes = 0;
  child.stdout!.on('data', (d: Buffer) => {
    out += d;
    const counts = [...out.matchAll(/writes (\d+)/g)];
    if (counts.length) writes = Number(counts[counts.length - 1]![1]);
    if (out.length > 4096) out = out.slice(-256);
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (/ready/.test(out)) {
        clearInterval(check);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(check);
        reject(new Error(`the writer exited: ${err}`));
      }
    }, 10);
  });
  return { child, writes: () => writes };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  children.delete(child);
}

async function open(dir: string): Promise<{ client: DynamoDBClient; doc: DynamoDBDocumentClient; close: () => Promise<void> }> {
  const options = { path: dir, createTableMs: 0 };
  const server: Server = plain ? dynalite(options) : createDynalite(options);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const doc = DynamoDBDocumentClient.from(client);
  return {
    client,
    doc,
    close: async () => {
      client.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

type Item = Record<string, unknown>;
const id = (item: Item) => `${String(item.pk)}|${String(item.sk)}`;
const canonical = (item: Item | undefined) => JSON.stringify(item, Object.keys(item ?? {}).sort());

async function scanAll(doc: DynamoDBDocumentClient, indexName?: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: TABLE, IndexName: indexName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function queryAll(doc: DynamoDBDocumentClient, indexName: string, attribute: string, value: unknown): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: indexName,
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': attribute },
        ExpressionAttributeValues: { ':p': value },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

interface Divergence {
  index: string;
  /** Items with the index's key attributes but no entry in the index. */
  missing: number;
  /** Entries whose item does not exist, or no longer has the key attributes. */
  orphaned: number;
  /** Entries whose attributes differ from the item's (stale or under an old key). */
  stale: number;
  /** More than one entry for one item. */
  duplicated: number;
}

/** Every index, partition by partition (Query), against a Scan of the table. */
async function compareIndexes(doc: DynamoDBDocumentClient): Promise<{ items: number; entries: number; divergences: Divergence[] }> {
  const items = await scanAll(doc);
  const byId = new Map(items.map((item) => [id(item), item]));
  const divergences: Divergence[] = [];
  let entries = 0;
  for (const index of TABLE_INDEXES) {
    const expected = items.filter((item) => item[index.partitionKey] !== undefined && item[index.sortKey] !== undefined);
    // The partitions to query: those the items name, and any the index holds (orphans live there too).
    const partitions = new Set([...expected, ...(await scanAll(doc, index.name))].map((item) => item[index.partitionKey]));
    const found: Item[] = [];
    for (const partition of partitions) found.push(...(await queryAll(doc, index.name, index.partitionKey, partition)));
    entries += found.length;
    const foundIds = new Map<string, Item[]>();
    for (const entry of found) foundIds.set(id(entry), [...(foundIds.get(id(entry)) ?? []), entry]);
    const d: Divergence = { index: index.name, missing: 0, orphaned: 0, stale: 0, duplicated: 0 };
    for (const item of expected) if (!foundIds.has(id(item))) d.missing++;
    for (const [key, list] of foundIds) {
      const item = byId.get(key);
      if (list.length > 1) d.duplicated += list.length - 1;
      if (!item || item[index.partitionKey] === undefined || item[index.sortKey] === undefined) d.orphaned++;
      else if (list.some((entry) => canonical(entry) !== canonical(item))) d.stale++;
    }
    if (d.missing + d.orphaned + d.stale + d.duplicated > 0) divergences.push(d);
  }
  return { items: items.length, entries, divergences };
}

test(`kill -9 during writes leaves every index exactly in step with the items (${plain ? 'PLAIN dynalite' : 'atomic-dynalite'})`, async () => {
  const dir = tempDir();
  const rounds: string[] = [];
  const diverged: string[] = [];
  let totalWrites = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const writer = await startWriter(dir, 'writes');
    await new Promise((r) => setTimeout(r, 150 + Math.random() * 900));
    await kill(writer.child);
    totalWrites += writer.writes();
    const { doc, close } = await open(dir);
    try {
      const result = await compareIndexes(doc);
      const summary = `round ${round}: ~${writer.writes()} writes, ${result.items} items, ${result.entries} index entries`;
      rounds.push(result.divergences.length ? `${summary}, DIVERGED ${JSON.stringify(result.divergences)}` : summary);
      if (result.divergences.length) diverged.push(`round ${round}: ${JSON.stringify(result.divergences)}`);
    } finally {
      await close();
    }
  }
  console.log(`${plain ? 'plain dynalite' : 'atomic-dynalite'}, ${ROUNDS} kills, ~${totalWrites} writes:\n${rounds.join('\n')}`);
  expect(diverged).toEqual([]);
}, 180_000); // ~12 s on an idle machine; each round starts a process, which a loaded one slows a lot

test('a table killed while CREATING is finished at the next start, not stuck', async () => {
  const dir = tempDir();
  const writer = await startWriter(dir, 'slow-create');
  await kill(writer.child);
  const { client, doc, close } = await open(dir);
  try {
    const table = await client.send(new DescribeTableCommand({ TableName: TABLE }));
    expect(table.Table?.TableStatus).toBe('ACTIVE');
    expect(table.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexStatus)).toEqual(TABLE_INDEXES.map(() => 'ACTIVE'));
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'P', sk: 'S', outboxPk: 'OUTBOX', outboxSince: '2026-01-01T00:00:00Z' } }));
    expect((await queryAll(doc, 'outbox', 'outboxPk', 'OUTBOX')).map(id)).toEqual(['P|S']);
  } finally {
    await close();
  }
});
