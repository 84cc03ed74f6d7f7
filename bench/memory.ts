import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { demoRollCsv, DEMO } from '../infra/local/seed';

/**
 * A server's memory under load, sampled by the server itself once a second (bench/memory-probe.mjs,
 * preloaded with --import): RSS, anonymous and file-backed RSS, JS heap, external and array buffers.
 * Columns are MB (rss = anon + file), thr the server's threads. Nothing passes or fails.
 *
 * Default: `node infra/local/start.mjs` in its own process (seeded demo compound, data on disk) and
 * `clients` concurrent HTTP clients for `seconds`, each keeping to one of the routes (by default a
 * third each): GET /health; GET …/units?buildingId=…&limit=10, a Query; PUT …/units/{id}/holder, a
 * conditional write with an outbox event, its consumers and index entries.
 *
 * --raw: dynalite alone (bench/dynalite-server.ts, through infra/local/atomic-dynalite.ts; with
 * --env GONGZHI_DYNALITE=plain, plain dynalite), each client a loop of a PutItem with index
 * attributes and a Query of 10 on gsi1: what the store itself does with its memory.
 *
 *   npm run bench -- memory                      (100 clients, 60 s, the local runtime)
 *   tsx bench/memory.ts [--raw] [--seconds 60] [--clients 100] [--routes health,units,holder] [--env K=V ...]
 *
 * `--env K=V` sets a variable for the server only (an empty value removes it), to compare settings
 * such as MALLOC_ARENA_MAX.
 */

type Route = 'health' | 'units' | 'holder';
const describeRoute: Record<Route, string> = {
  health: 'GET /health',
  units: 'GET …/units?buildingId=…&limit=10',
  holder: 'PUT …/units/{id}/holder',
};

interface Sample {
  t: number;
  rss: number;
  rssAnon: number;
  rssFile: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  threads: number;
}

export interface MemoryOptions {
  seconds?: number;
  clients?: number;
  idleSeconds?: number;
  routes?: Route[];
  raw?: boolean;
  env?: Record<string, string>;
}

const MB = (n: number) => `${(n / 1048576).toFixed(0)}`.padStart(5);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function benchMemory(options: MemoryOptions = {}): Promise<void> {
  const seconds = options.seconds ?? 60;
  const clients = options.clients ?? 100;
  const idleSeconds = options.idleSeconds ?? 10;
  const routes = options.routes ?? ['health', 'units', 'holder'];
  const dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-memory-'));
  const port = await freePort();
  const env: Record<string, string | undefined> = { ...process.env, GONGZHI_DATA_DIR: dataDir, PORT: String(port), POWERTOOLS_LOG_LEVEL: 'ERROR', GONGZHI_SEED: options.raw ? 'off' : 'on' };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === '') delete env[k];
    else env[k] = v;
  }
  const args = options.raw
    ? ['--no-warnings', '--import', './bench/memory-probe.mjs', '--import', 'tsx', 'bench/dynalite-server.ts', join(dataDir, 'dynamodb')]
    : ['--no-warnings', '--import', './bench/memory-probe.mjs', 'infra/local/start.mjs'];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const samples: Sample[] = [];
  let output = '';
  let pending = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('{"probe":"memory"')) samples.push(JSON.parse(line) as Sample);
      else output += `${line}\n`;
    }
  });
  const exited = new Promise((r) => child.once('exit', r));
  const last = () => samples[samples.length - 1]!;

  try {
    const started = performance.now();
    const ready = options.raw ? /port (\d+)/ : /Seeded the demo compound|seeding failed/;
    while (!ready.test(output) || samples.length === 0) {
      if (performance.now() - started > 60_000 || child.exitCode !== null) throw new Error(`the server did not get ready:\n${output}`);
      await sleep(50);
    }
    let send: (w: number) => Promise<string>;
    let what: string;
    const counts: Record<string, number> = {};
    let destroy = () => undefined as void;
    if (options.raw) {
      const client = new DynamoDBClient({
        endpoint: `http://127.0.0.1:${ready.exec(output)![1]}`,
        region: 'local',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      destroy = () => client.destroy();
      const doc = DynamoDBDocumentClient.from(client);
      const body = 'x'.repeat(1000);
      let n = 0;
      what = 'dynalite alone: PutItem with index attributes, then a Query of 10 on gsi1';
      send = async () => {
        const i = n++;
        await doc.send(
          new PutCommand({
            TableName: 'gongzhi-bench',
            Item: { pk: `P#${i % 5000}`, sk: 'A', gsi1pk: `G#${i % 50}`, gsi1sk: `S#${i}`, body, ...(i % 2 ? { outboxPk: 'OUTBOX', outboxSince: new Date().toISOString() } : {}) },
          }),
        );
        await doc.send(new QueryCommand({ TableName: 'gongzhi-bench', IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': `G#${i % 50}` }, Limit: 10 }));
        return 'put+query';
      };
    } else {
      const url = `http://127.0.0.1:${port}`;
      await fetch(`${url}/_local/bus/idle`, { method: 'POST' });
      await sleep(2000);
      const { token } = (await (await fetch(`${url}/_local/token`, { method: 'POST', body: JSON.stringify({ grants: ['bureau'] }) })).json()) as { token: string };
      const units = demoRollCsv()
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','))
        .filter((f) => f[4] === 'owned')
        .map((f) => `${f[0]}-${f[1]}`);
      what = `the local runtime: ${routes.map((r) => describeRoute[r]).join(', ')}`;
      // Each client keeps to one route, so a cheap route is not held up behind an expensive one.
      send = async (w) => {
        const route = routes[w % routes.length]!;
        let response: Response;
        if (route === 'health') response = await fetch(`${url}/health`);
        else if (route === 'units') {
          const building = `B${String(1 + Math.floor(Math.random() * DEMO.buildings)).padStart(2, '0')}`;
          response = await fetch(`${url}/compounds/${DEMO.compoundId}/units?buildingId=${building}&limit=10`, { headers: { authorization: `Bearer ${token}` } });
        } else {
          const unit = units[Math.floor(Math.random() * units.length)]!;
          response = await fetch(`${url}/compounds/${DEMO.compoundId}/units/${unit}/holder`, {
            method: 'PUT',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ holding: 'owned', ownerId: `O${1000 + Math.floor(Math.random() * 9000)}`, ownerName: 'Bench Owner', registered: true }),
          });
        }
        await response.arrayBuffer();
        // 409: two clients changed the same unit at once, as the handler should say.
        if (response.status >= 400 && response.status !== 409) throw new Error(`${route}: ${response.status}`);
        return route;
      };
    }
    const baseline = last();

    console.log(`\n## Memory: ${clients} concurrent clients for ${seconds} s, server pid ${child.pid}`);
    console.log(what);
    const overrides = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`);
    if (overrides.length) console.log(`server environment: ${overrides.join(' ')}`);
    console.log('   s    rss  anon  file  heap htotal ext  bufs thr   req/s  errors');
    let done = 0;
    let errors = 0;
    let firstError = '';
    const stopAt = performance.now() + seconds * 1000;
    const worker = async (w: number) => {
      while (performance.now() < stopAt) {
        try {
          const label = await send(w);
          counts[label] = (counts[label] ?? 0) + 1;
        } catch (error) {
          errors++;
          firstError ||= (error as Error).message;
        }
        done++;
      }
    };
    const doneAt: [number, number][] = [];
    const counter = setInterval(() => doneAt.push([Date.now(), done]), 1000);
    let previousDone = 0;
    const loadStarted = performance.now();
    const report = setInterval(() => {
      const s = last();
      const elapsed = (performance.now() - loadStarted) / 1000;
      console.log(
        `${elapsed.toFixed(0).padStart(4)} ${MB(s.rss)} ${MB(s.rssAnon)} ${MB(s.rssFile)} ${MB(s.heapUsed)} ${MB(s.heapTotal)} ${MB(s.external)} ${MB(s.arrayBuffers)} ${String(s.threads).padStart(3)} ${String(Math.round((done - previousDone) / 5)).padStart(7)} ${String(errors).padStart(7)}`,
      );
      previousDone = done;
    }, 5000);
    await Promise.all(Array.from({ length: clients }, (_, w) => worker(w)));
    clearInterval(report);
    clearInterval(counter);
    const peak = samples.filter((s) => s.t >= baseline.t).reduce((a, b) => (b.rss > a.rss ? b : a));
    const endOfLoad = last();
    if (!options.raw) await fetch(`http://127.0.0.1:${port}/_local/bus/idle`, { method: 'POST' });
    destroy();
    await sleep(idleSeconds * 1000);
    const idle = last();
    const rates = Object.entries(counts).map(([r, n]) => `${r} ${Math.round(n / seconds)}/s`);
    console.log(`requests ${done} (${rates.join(', ')}), errors ${errors}${firstError ? ` (first: ${firstError})` : ''}`);
    console.log(`RSS MB: before load ${MB(baseline.rss).trim()}, peak ${MB(peak.rss).trim()}, end of load ${MB(endOfLoad.rss).trim()}, after ${idleSeconds} s idle ${MB(idle.rss).trim()}`);
    // Growth per request over the second half of the load: ~0 when memory has levelled off.
    const half = samples.filter((s) => s.t >= baseline.t && s.t <= endOfLoad.t);
    const mid = half[Math.floor(half.length / 2)];
    if (mid && doneAt.length) {
      const requestsSince = done - (doneAt.find(([t]) => t >= mid.t)?.[1] ?? done);
      if (requestsSince > 0) console.log(`RSS growth over the second half of the load: ${(((endOfLoad.rss - mid.rss) / 1024 / requestsSince) * 1000).toFixed(0)} KB per 1000 requests`);
    }
    if (errors) console.log(`server output (last lines):\n${output.trim().split('\n').slice(-15).join('\n')}`);
    console.log(
      `JS heap used MB: before ${MB(baseline.heapUsed).trim()}, end of load ${MB(endOfLoad.heapUsed).trim()}; external ${MB(endOfLoad.external).trim()}, array buffers ${MB(endOfLoad.arrayBuffers).trim()}`,
    );
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const env: Record<string, string> = {};
  args.forEach((a, i) => {
    if (a === '--env') {
      const [k, ...v] = (args[i + 1] ?? '').split('=');
      if (k) env[k] = v.join('=');
    }
  });
  await benchMemory({
    seconds: value('--seconds') ? Number(value('--seconds')) : undefined,
    clients: value('--clients') ? Number(value('--clients')) : undefined,
    idleSeconds: value('--idle') ? Number(value('--idle')) : undefined,
    routes: value('--routes')?.split(',') as Route[] | undefined,
    raw: args.includes('--raw'),
    env,
  });
}
