import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * `npm start` as a newcomer runs it: its own process, data on disk, a restart, a reset. Nothing here
 * depends on how fast the machine is: it waits for what the runtime says (`/health` answering, then
 * `POST /_local/ready?wait=…`, which returns once the seed is done), never for a number of seconds.
 */
const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-start-'));
const port = 3700 + Math.floor(Math.random() * 200);
const env = { ...process.env, GONGZHI_DATA_DIR: dataDir, PORT: String(port) };
let child: ChildProcess | undefined;
let output = '';

async function start(): Promise<void> {
  output = '';
  child = spawn(process.execPath, ['infra/local/start.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((r) => child!.once('exit', () => r()));
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`npm start exited: ${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits for the seed to end, as the start banner tells a newcomer to (curl -X POST …/_local/ready?wait=1). */
async function seeded(): Promise<{ ready: boolean; seed: { state: string; done: string[]; error?: string } }> {
  for (;;) {
    const response = await fetch(`http://127.0.0.1:${port}/_local/ready?wait=30`, { method: 'POST' });
    const body = (await response.json()) as { ready: boolean; seed: { state: string; done: string[]; error?: string } };
    if (body.seed.state !== 'running') return body;
  }
}

async function stop(): Promise<void> {
  if (!child) return;
  const exited = new Promise((r) => child!.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  child = undefined;
}

/** Output the process prints once something it reported has happened (the line follows at once). */
async function waitFor(text: RegExp): Promise<void> {
  while (!text.test(output) && child) await new Promise((r) => setTimeout(r, 20));
  expect(output).toMatch(text);
}

const token = async (...args: string[]) => (await run(process.execPath, ['--import', 'tsx', 'infra/local/token-cli.ts', ...args], { env })).stdout;

afterAll(stop);

test('starts, prints how to use it, seeds the demo once, keeps data across a restart, and reset wipes it', async () => {
  await start();
  expect(output).toMatch(new RegExp(`gongzhi is running at http://127.0.0.1:${port}`));
  expect(output).toMatch(/POST\s+\/compounds\/\{compoundId\}\/votes\s+committee,street/);
  expect(output).toMatch(/npm run --silent token -- --role bureau/);
  expect(output).toMatch(/Seeding the demo compound demo-donghu in the background; to wait for it: curl -X POST http:\/\/127.0.0.1:\d+\/_local\/ready\?wait=1/);
  expect(await seeded()).toMatchObject({ ready: true, seed: { state: 'done', done: ['areas', 'compound', 'roll', 'grid-roles', 'disputes', 'enforcement'] } });
  await waitFor(/Seeded the demo compound demo-donghu/);

  // The token command prints the token alone, so scripts can capture it.
  const bureau = await token('--role', 'bureau');
  expect(bureau).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  const headers = { authorization: `Bearer ${bureau.trim()}` };
  const compound = await fetch(`http://127.0.0.1:${port}/compounds/demo-donghu`, { headers });
  expect(compound.status).toBe(200);
  expect(await compound.json()).toMatchObject({ unitCount: 648, rollVersion: 1 });
  // Every service the demo touches has its data: the funds read model knows the compound, the
  // complaints and the enforcement findings are there.
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
    return { status: response.status, json: (await response.json()) as any };
  };
  expect((await get('/compounds/demo-donghu/funds')).status).toBe(200);
  expect((await get('/compounds/demo-donghu/complaints')).json.items.length).toBeGreaterThan(5);
  expect((await get('/enforcement/compounds/demo-donghu/findings')).json.items.map((f: { findingId: string }) => f.findingId)).toEqual(expect.arrayContaining(['lane-b03', 'ebike-b07', 'roof-b01']));
  await expect(run(process.execPath, ['--import', 'tsx', 'infra/local/token-cli.ts', '--role', 'owner'], { env })).rejects.toMatchObject({ code: 2 });

  await stop();
  await start();
  const again = await fetch(`http://127.0.0.1:${port}/compounds/demo-donghu`, { headers });
  expect(again.status).toBe(200);
  expect(await again.json()).toMatchObject({ rollVersion: 1 }); // not imported a second time
  expect(await seeded()).toMatchObject({ ready: true, seed: { state: 'done', doneBefore: ['areas', 'compound', 'roll', 'grid-roles', 'disputes', 'enforcement'] } });
  expect(output).not.toMatch(/Seed/);
  await stop();

  await run(process.execPath, ['--import', 'tsx', 'infra/local/reset.ts'], { env });
  expect(existsSync(dataDir)).toBe(false);
  // The build, the first start and the seed take what a loaded machine needs: the test bounds no step of it.
}, 600_000);
