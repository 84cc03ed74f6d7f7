import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** `npm start` as a newcomer runs it: its own process, data on disk, a restart, a reset. */
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
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no 200 from /health: ${output}`);
}

async function stop(): Promise<void> {
  if (!child) return;
  const exited = new Promise((r) => child!.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  child = undefined;
}

async function waitFor(text: RegExp): Promise<void> {
  for (let i = 0; i < 200 && !text.test(output); i++) await new Promise((r) => setTimeout(r, 50));
  expect(output).toMatch(text);
}

const token = async (...args: string[]) => (await run(process.execPath, ['--import', 'tsx', 'infra/local/token-cli.ts', ...args], { env })).stdout;

afterAll(stop);

test('starts, prints how to use it, seeds the demo once, keeps data across a restart, and reset wipes it', async () => {
  await start();
  expect(output).toMatch(new RegExp(`gongzhi is running at http://127.0.0.1:${port}`));
  expect(output).toMatch(/POST\s+\/compounds\/\{compoundId\}\/votes\s+committee,street/);
  expect(output).toMatch(/npm run --silent token -- --role bureau/);
  await waitFor(/Seeded the demo compound demo-donghu/);

  // The token command prints the token alone, so scripts can capture it.
  const bureau = await token('--role', 'bureau');
  expect(bureau).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  const headers = { authorization: `Bearer ${bureau.trim()}` };
  const compound = await fetch(`http://127.0.0.1:${port}/compounds/demo-donghu`, { headers });
  expect(compound.status).toBe(200);
  expect(await compound.json()).toMatchObject({ unitCount: 648, rollVersion: 1 });
  await expect(run(process.execPath, ['--import', 'tsx', 'infra/local/token-cli.ts', '--role', 'owner'], { env })).rejects.toMatchObject({ code: 2 });

  await stop();
  await start();
  const again = await fetch(`http://127.0.0.1:${port}/compounds/demo-donghu`, { headers });
  expect(again.status).toBe(200);
  expect(await again.json()).toMatchObject({ rollVersion: 1 }); // not imported a second time
  expect(output).not.toMatch(/Seeded the demo compound/);
  await stop();

  await run(process.execPath, ['--import', 'tsx', 'infra/local/reset.ts'], { env });
  expect(existsSync(dataDir)).toBe(false);
});
