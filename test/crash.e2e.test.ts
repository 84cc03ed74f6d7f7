import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocal } from '../infra/local/runtime';
import { loadOrCreateSigningKey, signToken } from '../infra/local/tokens';
import { db } from '../libs/db';

/**
 * kill -9 of `npm start` at several points: during each step of the demo seed (areas, the compound,
 * the roll import, the building heads, the complaints, the enforcement campaign) while clients append
 * income to the maintenance fund's journal. After each kill the runtime starts again on the same
 * folder. At the end: the seed is done (the demo whole, in every service), every income the clients
 * saw acknowledged (2xx) is there (re-sent, it is a replay: 200 with the same entry), the journal's
 * chain verifies, nothing is left to deliver or dead-lettered, and no claim is IN_PROGRESS.
 *
 * Kill points are states the runtime reports (the seed's steps done, incomes acknowledged), not
 * moments in time: the test waits for each, however slow the machine.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-crash-'));
const port = 3900 + Math.floor(Math.random() * 90);
const url = `http://127.0.0.1:${port}`;
const env = { ...process.env, GONGZHI_DATA_DIR: dataDir, PORT: String(port) };
let child: ChildProcess | undefined;
let output = '';

const C = 'demo-donghu';
const STEPS = ['areas', 'compound', 'roll', 'grid-roles', 'disputes', 'enforcement'];

async function start(): Promise<void> {
  child = spawn(process.execPath, ['infra/local/start.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const me = child;
  let gone = false;
  me.once('exit', () => (gone = true));
  me.stdout!.on('data', (d) => (output += d));
  me.stderr!.on('data', (d) => (output += d));
  for (;;) {
    if (gone) throw new Error(`npm start exited:\n${output.slice(-3000)}`);
    if ((await fetch(`${url}/health`).catch(() => undefined))?.status === 200) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function kill(): Promise<void> {
  const me = child!;
  child = undefined;
  const exited = new Promise((r) => me.once('exit', r));
  me.kill('SIGKILL');
  await exited;
}

type Seed = { state: string; done: string[]; error?: string };
const seedStatus = async (): Promise<Seed> => ((await (await fetch(`${url}/_local/ready`)).json()) as { seed: Seed }).seed;

/** Clients appending income while the runtime is killed: what they saw acknowledged, by client reference. */
const acknowledged = new Map<string, Record<string, unknown>>();
let writing = false;
let sent = 0;
async function writer(w: number, token: string): Promise<void> {
  while (writing) {
    const clientRef = `crash-${w}-${sent++}`;
    const body = { clientRef, source: 'deposits', grossFen: 1_000 + sent, memo: 'a deposit while the server is killed', sourceDocument: { type: 'bank_statement', ref: clientRef } };
    const response = await fetch(`${url}/compounds/${C}/funds/maintenance/income`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch(() => undefined);
    if (response && response.status < 300) acknowledged.set(clientRef, body);
    // Refused (the compound not known yet), cut off by the kill or not up yet: the client tries another.
    if (!response || response.status >= 300) await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(async () => {
  writing = false;
  if (child) await kill();
  rmSync(dataDir, { recursive: true, force: true });
});

test('kill -9 during every seed step and during journal appends loses no acknowledged write and leaves no claim in progress', async () => {
  const committee = await signToken(loadOrCreateSigningKey(dataDir), 'crash-committee', [`committee:${C}`]);
  const killPoints: string[] = [];
  writing = true;
  const writers = [0, 1].map((w) => writer(w, committee));

  // Kill point k: once k steps of the seed are done (the next is under way), and after the first
  // acknowledged incomes once the funds service knows the compound.
  for (let k = 0; k < STEPS.length; k++) {
    await start();
    for (;;) {
      const seed = await seedStatus();
      if (seed.state === 'failed') throw new Error(`the seed failed: ${seed.error}\n${output.slice(-3000)}`);
      const stepDone = seed.done.length >= k;
      const appending = k < 3 || acknowledged.size >= 2 * k;
      if (stepDone && appending) {
        killPoints.push(`${seed.state === 'done' ? 'seeded' : `during ${STEPS[seed.done.length]}`}, ${acknowledged.size} incomes acknowledged`);
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await kill();
  }
  await start();
  for (let seed = await seedStatus(); seed.state === 'running'; seed = await seedStatus()) await fetch(`${url}/_local/ready?wait=30`, { method: 'POST' });
  const acknowledgedBefore = acknowledged.size;
  for (;;) {
    if (acknowledged.size >= acknowledgedBefore + 3) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  writing = false;
  await Promise.all(writers);
  await fetch(`${url}/_local/bus/idle`, { method: 'POST' });
  console.log(`kill points: ${killPoints.join('; ')}; ${acknowledged.size} incomes acknowledged of ${sent} sent`);

  expect(await seedStatus()).toMatchObject({ state: 'done', done: STEPS });
  const get = async (path: string, token: string) => {
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, json: (await response.json()) as any };
  };
  const bureau = await signToken(loadOrCreateSigningKey(dataDir), 'crash-bureau', ['bureau']);
  expect((await get(`/compounds/${C}`, bureau)).json).toMatchObject({ unitCount: 648, rollVersion: 1 });
  expect((await get(`/compounds/${C}/complaints`, bureau)).json.items.length).toBeGreaterThan(5);
  expect((await get(`/enforcement/compounds/${C}/findings`, bureau)).json.items.map((f: { findingId: string }) => f.findingId)).toEqual(expect.arrayContaining(['lane-b03', 'ebike-b07', 'roof-b01']));

  // Every acknowledged income is there: sent again, it is a replay of the recorded entry.
  for (const [clientRef, body] of acknowledged) {
    const again = await fetch(`${url}/compounds/${C}/funds/maintenance/income`, {
      method: 'POST',
      headers: { authorization: `Bearer ${committee}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect({ clientRef, status: again.status }).toEqual({ clientRef, status: 200 });
  }
  expect((await get(`/compounds/${C}/funds/maintenance/verify`, committee)).json).toMatchObject({ ok: true });
  const bus = (await get('/_local/bus', bureau)).json;
  expect(bus.bus).toMatchObject({ pending: 0, deadLetters: 0 });
  expect(bus.queues.every((q: { deadLetters: number }) => q.deadLetters === 0)).toBe(true);

  // Stopped cleanly, then opened in this process: no consumer claim stayed IN_PROGRESS (every delivery cut off by a kill ran again and finished).
  const exited = new Promise((r) => child!.once('exit', r));
  child!.kill('SIGTERM');
  await exited;
  child = undefined;
  const system = await startLocal({ dataDir });
  try {
    const inProgress: string[] = [];
    for (const table of Object.values(system.tables)) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db().send(new ScanCommand({ TableName: table, FilterExpression: '#s = :p', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':p': 'IN_PROGRESS' }, ExclusiveStartKey: start }));
        inProgress.push(...(page.Items ?? []).filter((i) => String(i.pk).startsWith('CONSUMED#')).map((i) => `${table} ${i.pk} ${i.sk}`));
        start = page.LastEvaluatedKey;
      } while (start);
    }
    expect(inProgress).toEqual([]);
  } finally {
    await system.close();
  }
}, 900_000);
