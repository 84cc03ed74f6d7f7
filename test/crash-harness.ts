import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocal } from '../infra/local/runtime';
import { loadOrCreateSigningKey, signToken } from '../infra/local/tokens';
import { db } from '../libs/db';

/**
 * `npm start` as a child process on one data folder, killed with SIGKILL and started again, and the
 * clients that keep writing through it (test/crash.e2e.test.ts). A client retries a request cut off by
 * a kill until it gets an answer, as a phone would: the answer to the retry tells whether the first
 * attempt had landed.
 */
export interface Answer {
  status: number;
  json: any;
}

export function crashServer(dataDir: string) {
  const port = 3900 + randomInt(90);
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, GONGZHI_DATA_DIR: dataDir, PORT: String(port) };
  let child: ChildProcess | undefined;
  let output = '';

  async function start(): Promise<void> {
    // Another start would find the port answering /health and take it for its own.
    if (child) throw new Error('already running');
    child = spawn(process.execPath, ['infra/local/start.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const me = child;
    let gone = false;
    me.once('exit', () => (gone = true));
    me.stdout!.on('data', (d) => (output += d));
    me.stderr!.on('data', (d) => (output += d));
    for (;;) {
      if (gone) throw new Error(`npm start exited:\n${output.slice(-3000)}`);
      if ((await fetch(`${url}/health`).catch(() => undefined))?.status === 200) return;
      await pause(25);
    }
  }

  async function stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const me = child;
    if (!me) return;
    child = undefined;
    const exited = new Promise((r) => me.once('exit', r));
    me.kill(signal);
    await exited;
  }

  /** One request; undefined when the connection is refused or cut off. */
  async function send(method: string, path: string, token?: string, body?: unknown): Promise<Answer | undefined> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : undefined };
    } catch {
      return undefined;
    }
  }

  /** A request the server must answer now (it is up). */
  async function call(method: string, path: string, token?: string, body?: unknown): Promise<Answer> {
    const answer = await send(method, path, token, body);
    if (!answer) throw new Error(`${method} ${path}: no answer\n${output.slice(-3000)}`);
    return answer;
  }

  /** Every item of a paginated list. */
  async function all(path: string, token: string): Promise<any[]> {
    const items: any[] = [];
    let cursor: string | undefined;
    do {
      const page = await call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token);
      if (page.status !== 200) throw new Error(`GET ${path}: ${page.status} ${JSON.stringify(page.json)}`);
      items.push(...page.json.items);
      cursor = page.json.nextCursor;
    } while (cursor);
    return items;
  }

  const token = (sub: string, grants: string[]) => signToken(loadOrCreateSigningKey(dataDir), sub, grants);

  return { url, start, kill: () => stop('SIGKILL'), stop: () => stop('SIGTERM'), send, call, all, token, output: () => output, running: () => child !== undefined };
}

export type CrashServer = ReturnType<typeof crashServer>;

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What one client saw of one request it sent until it got an answer: how many attempts were cut off
 * (no answer, or 503 while the runtime stops or starts) and the answer in the end.
 */
export interface Outcome<K> {
  key: K;
  cutOff: number;
  answer: Answer;
  /** 5xx answers other than 503: a defect, retried like a cut-off. */
  serverErrors: Answer[];
}

export async function untilAnswered<K>(key: K, attempt: () => Promise<Answer | undefined>, giveUp: () => boolean): Promise<Outcome<K> | undefined> {
  let cutOff = 0;
  const serverErrors: Answer[] = [];
  for (;;) {
    const answer = await attempt();
    if (answer && answer.status < 500) return { key, cutOff, answer, serverErrors };
    if (answer && answer.status !== 503) serverErrors.push(answer);
    else cutOff++;
    if (giveUp()) return undefined;
    await pause(50);
  }
}

/**
 * Kill -9 the runtime `rounds` times while clients work, each time once a few more of their requests
 * (1 to 4, at random) were answered since it started: a state the clients reach, not a moment, so a
 * slow machine kills at the same points. Then start it once more and leave it running.
 */
export async function killWhileAnswering(server: CrashServer, rounds: number, answered: () => number, finished: () => boolean): Promise<string[]> {
  const points: string[] = [];
  for (let round = 0; round < rounds && !finished(); round++) {
    if (!server.running()) await server.start();
    const target = answered() + 1 + randomInt(4);
    while (answered() < target && !finished()) await pause(5);
    points.push(`after ${answered()} answered`);
    await server.kill();
  }
  if (!server.running()) await server.start();
  return points;
}

/** Opened in this process (the runtime stopped): consumer claims left IN_PROGRESS, in every table. */
export async function claimsInProgress(dataDir: string): Promise<string[]> {
  const system = await startLocal({ dataDir });
  try {
    const inProgress: string[] = [];
    for (const table of Object.values(system.tables)) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db().send(
          new ScanCommand({
            TableName: table,
            FilterExpression: '#s = :p',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':p': 'IN_PROGRESS' },
            ExclusiveStartKey: start,
          }),
        );
        inProgress.push(...(page.Items ?? []).filter((i) => String(i.pk).startsWith('CONSUMED#')).map((i) => `${table} ${i.pk} ${i.sk}`));
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return inProgress;
  } finally {
    await system.close();
  }
}
