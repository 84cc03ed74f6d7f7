import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `npm start` twice in one folder, or on a taken port: one plain line and status 1, no stack trace. */
const dirs: string[] = [];
const running = new Set<ChildProcess>();
const held: Server[] = [];

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  for (const server of held) server.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-instance-'));
  dirs.push(dir);
  return dir;
};

async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  held.push(server);
  return { port: (server.address() as { port: number }).port, server };
}

async function freePort(): Promise<number> {
  const { port, server } = await holdPort();
  await new Promise((done) => server.close(done));
  return port;
}

const env = (dataDir: string, port: number) => ({ ...process.env, GONGZHI_DATA_DIR: dataDir, PORT: String(port), GONGZHI_SEED: 'off' });

/** Starts `node infra/local/start.mjs` and waits for a 200 from /health. */
async function start(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['infra/local/start.mjs'], { env: env(dataDir, port), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  for (let i = 0; i < 400; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200) return child;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no 200 from /health: ${output}`);
}

/** Runs a start that is expected to refuse: its exit status, stdout and stderr. */
function refusedStart(dataDir: string, port: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['infra/local/start.mjs'], { env: env(dataDir, port), timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

test('a second start in the same folder refuses in one line while the first keeps serving; LevelDB lock alone says the same', async () => {
  const dataDir = tempDir();
  const port = await freePort();
  const first = await start(dataDir, port);
  expect(JSON.parse(readFileSync(join(dataDir, 'gongzhi.pid'), 'utf8'))).toMatchObject({ pid: first.pid, port });

  const second = await refusedStart(dataDir, await freePort());
  expect(second.code).toBe(1);
  expect(second.stdout).toBe('');
  expect(second.stderr).toBe(`gongzhi is already running with its data in ${dataDir} (pid ${first.pid}, port ${port}); stop it or use GONGZHI_DATA_DIR=<another folder>\n`);

  // Without the pid file (deleted by hand), LevelDB's lock is what stops the second start.
  unlinkSync(join(dataDir, 'gongzhi.pid'));
  const third = await refusedStart(dataDir, await freePort());
  expect(third.code).toBe(1);
  expect(third.stderr).toBe(`gongzhi is already running with its data in ${dataDir}; stop it or use GONGZHI_DATA_DIR=<another folder>\n`);

  expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  await stop(first);
});

test('a busy port refuses in one line', async () => {
  const { port } = await holdPort();
  const result = await refusedStart(tempDir(), port);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe(`port ${port} is in use; set PORT=<another port> (PORT=0 picks a free one)\n`);
});

test('after a kill -9 the folder can be started again, and a clean stop removes the pid file', async () => {
  const dataDir = tempDir();
  const port = await freePort();
  const killed = await start(dataDir, port);
  await stop(killed, 'SIGKILL');
  expect(JSON.parse(readFileSync(join(dataDir, 'gongzhi.pid'), 'utf8')).pid).toBe(killed.pid); // left behind

  const again = await start(dataDir, port);
  expect(JSON.parse(readFileSync(join(dataDir, 'gongzhi.pid'), 'utf8')).pid).toBe(again.pid);
  await stop(again);
  expect(existsSync(join(dataDir, 'gongzhi.pid'))).toBe(false);
});
