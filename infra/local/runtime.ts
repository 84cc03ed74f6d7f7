import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import type { DeliveredEvent } from '../../events/envelope';
import { setPublisher } from '../../libs/bus';
import { clock } from '../../libs/clock';
import { tableEnvVar } from '../../libs/config';
import { resetDb } from '../../libs/db';
import type { HttpEvent, HttpResult } from '../../libs/http/api';
import { createTableInput } from '../../libs/table';
import { functionName, routeKey, type RouteDecl, type ServiceTopology } from '../../libs/topology';
import { services as allServices } from '../../services/index';
import { createDynalite } from './atomic-dynalite';
import { LocalBus } from './bus';
import { LocalScheduler } from './scheduler';
import { loadOrCreateSigningKey, signToken, verifyToken } from './tokens';

export interface LocalOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Where dynalite keeps its data and the token key lives; undefined keeps everything in memory. */
  dataDir?: string;
  /** Fire schedules by the clock (npm start); tests fire them by hand. */
  autoTick?: boolean;
  services?: readonly ServiceTopology[];
  busMaxAttempts?: number;
  busRetryDelayMs?: number;
}

export interface LocalSystem {
  url: string;
  bus: LocalBus;
  scheduler: LocalScheduler;
  routes: { service: string; method: string; path: string; allow: RouteDecl['allow'] }[];
  token(grants: readonly string[], subject?: string, expiresIn?: string | number): Promise<string>;
  /** Call a declared function directly, as Lambda would (for tests of consumers and schedules). */
  invoke(service: string, part: string, event: unknown): Promise<unknown>;
  close(): Promise<void>;
}

type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export const MAX_REQUEST_BYTES = 10 * 1024 * 1024; // API Gateway's payload limit

const root = resolve(process.cwd());

function lambdaContext(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Start the whole system in this process: dynalite, the bus, the scheduler and the HTTP front door. */
export async function startLocal(options: LocalOptions = {}): Promise<LocalSystem> {
  const trace = process.env.GONGZHI_TRACE_START ? (label: string) => console.error(`[start] ${label} ${performance.now().toFixed(0)} ms`) : () => undefined;
  trace('modules loaded');
  const topologies = options.services ?? allServices;
  const dynamo = createDynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: join(options.dataDir, 'dynamodb') } : {}),
  });
  await new Promise<void>((done) => dynamo.listen(0, '127.0.0.1', done));
  const dynamoPort = (dynamo.address() as AddressInfo).port;
  trace('dynalite listening');

  process.env.DYNAMODB_ENDPOINT = `http://127.0.0.1:${dynamoPort}`;
  process.env.AWS_REGION ??= 'local';
  process.env.STAGE = 'local';
  process.env.EVENT_BUS_NAME = 'gongzhi-local';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  for (const service of topologies) {
    if (service.ownsTable) process.env[tableEnvVar(service.name)] = `gongzhi-local-${service.name}`;
  }
  resetDb();

  const admin = new DynamoDBClient({
    endpoint: process.env.DYNAMODB_ENDPOINT,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const existing = new Set((await admin.send(new ListTablesCommand({}))).TableNames ?? []);
  await Promise.all(
    topologies
      .filter((service) => service.ownsTable && !existing.has(`gongzhi-local-${service.name}`))
      .map((service) => admin.send(new CreateTableCommand(createTableInput(`gongzhi-local-${service.name}`)))),
  );
  admin.destroy();
  trace('tables ready');

  const modules = new Map<string, Promise<LambdaHandler>>();
  const load = (entry: string): Promise<LambdaHandler> => {
    let found = modules.get(entry);
    if (!found) {
      // Under `npm start` the handlers are precompiled (infra/local/start.mjs); under tsx and jest, the sources.
      const build = process.env.GONGZHI_BUILD_DIR;
      const file = build ? join(build, entry.replace(/\.ts$/, '.mjs')) : join(root, entry);
      found = import(file).then((m: { handler?: LambdaHandler }) => {
        if (typeof m.handler !== 'function') throw new Error(`${entry} exports no handler`);
        return m.handler;
      });
      modules.set(entry, found);
    }
    return found;
  };

  const bus = new LocalBus({ maxAttempts: options.busMaxAttempts, retryDelayMs: options.busRetryDelayMs });
  setPublisher((events) => bus.put(events));

  const functions = new Map<string, { entry: string }>();
  for (const service of topologies) {
    if (service.api) functions.set(functionName(service.name, 'api'), { entry: service.api.entry });
    for (const consumer of service.consumers) {
      const name = functionName(service.name, consumer.name);
      functions.set(name, { entry: consumer.entry });
      bus.subscribe({
        target: name,
        pattern: consumer.pattern,
        invoke: async (event: DeliveredEvent) => (await load(consumer.entry))(event, lambdaContext(name)),
      });
    }
    for (const schedule of service.schedules) functions.set(functionName(service.name, schedule.name), { entry: schedule.entry });
  }
  const scheduler = new LocalScheduler(
    topologies.flatMap((service) =>
      service.schedules.map((schedule) => ({
        id: `${service.name}/${schedule.name}`,
        expression: schedule.expression,
        invoke: async (input: unknown) =>
          (await load(schedule.entry))(input, lambdaContext(functionName(service.name, schedule.name))),
      })),
    ),
  );
  if (options.autoTick) scheduler.start();

  const signingKey = options.dataDir ? loadOrCreateSigningKey(options.dataDir) : randomBytes(32);

  const routeTable = topologies.flatMap((service) =>
    (service.api?.routes ?? []).map((route) => ({
      service,
      route,
      names: [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
      pattern: new RegExp(`^${route.path.replace(/\{[^}]+\}/g, '([^/]+)')}$`),
    })),
  );
  const metaEntry = topologies.find((s) => s.name === 'meta')?.api?.entry;

  async function callHttp(entry: string, name: string, event: HttpEvent): Promise<HttpResult> {
    return (await load(entry))(event, lambdaContext(name)) as Promise<HttpResult>;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      // Read to the end even when too large, so the client sees the 413 rather than a reset.
      size += (chunk as Buffer).length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk as Buffer);
    }
    if (size > MAX_REQUEST_BYTES) {
      const problem = localProblem(413, 'Content Too Large', `requests may be at most ${MAX_REQUEST_BYTES} bytes`);
      return send(res, { ...problem, headers: { ...problem.headers, connection: 'close' } });
    }
    const body = Buffer.concat(chunks).toString('utf8');

    if (url.pathname.startsWith('/_local/')) return send(res, await adminRoute(method, url, body));

    const match = routeTable
      .filter((r) => r.route.method === method)
      .map((r) => ({ r, m: r.pattern.exec(url.pathname) }))
      .find((x) => x.m);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;

    let claims: Record<string, unknown> | undefined;
    if (match && match.r.route.allow !== 'public') {
      // API Gateway's JWT authorizer: no valid token, no call.
      const token = /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
      if (!token) return send(res, localProblem(401, 'Unauthorized', 'send Authorization: Bearer <token> (npm run token)'));
      try {
        claims = await verifyToken(signingKey, token);
      } catch (error) {
        return send(res, localProblem(401, 'Unauthorized', `the token was refused: ${(error as Error).message}`));
      }
    }
    const requestId = randomUUID();
    const now = new Date();
    const event: HttpEvent = {
      version: '2.0',
      routeKey: match ? routeKey(match.r.route) : '$default',
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      queryStringParameters: Object.keys(query).length ? query : undefined,
      pathParameters: match ? Object.fromEntries(match.r.names.map((n, i) => [n, decodeURIComponent(match.m![i + 1]!)])) : undefined,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'localhost',
        http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
        requestId,
        routeKey: match ? routeKey(match.r.route) : '$default',
        stage: '$default',
        time: now.toISOString(),
        timeEpoch: now.getTime(),
        authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: (claims ?? {}) as Record<string, string>, scopes: [] } },
      },
      body: body.length ? body : undefined,
      isBase64Encoded: false,
    } as HttpEvent;
    if (!match) {
      if (!metaEntry) return send(res, localProblem(404, 'Not Found', `no route ${url.pathname}`));
      return send(res, await callHttp(metaEntry, functionName('meta', 'api'), event));
    }
    if (!claims) (event.requestContext as { authorizer?: unknown }).authorizer = undefined;
    return send(res, await callHttp(match.r.service.api!.entry, functionName(match.r.service.name, 'api'), event));
  }

  async function adminRoute(method: string, url: URL, body: string): Promise<HttpResult> {
    const json = (value: unknown, statusCode = 200): HttpResult => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
    let input: Record<string, unknown> = {};
    try {
      input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      return localProblem(400, 'Bad Request', 'the body is not valid JSON');
    }
    const path = url.pathname;
    const fire = /^\/_local\/schedules\/([^/]+)\/([^/]+)\/fire$/.exec(path);
    if (method === 'GET' && path === '/_local/schedules') return json(scheduler.list());
    if (method === 'POST' && fire) {
      const id = `${fire[1]}/${fire[2]}`;
      if (!scheduler.list().some((s) => s.id === id)) return localProblem(404, 'Not Found', `no schedule ${id}`);
      return json({ schedule: id, result: await scheduler.fire(id) });
    }
    if (method === 'GET' && path === '/_local/clock') return json({ now: clock.nowIso(), offsetMs: clock.offsetMs() });
    if (method === 'POST' && path === '/_local/clock/advance') {
      const { days = 0, hours = 0, minutes = 0, seconds = 0 } = input as Record<string, number>;
      const ms = (((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
      if (!Number.isFinite(ms) || ms < 0) return localProblem(400, 'Bad Request', 'give days, hours, minutes or seconds, not negative');
      const fired = await scheduler.advance(ms);
      return json({ now: clock.nowIso(), fired });
    }
    if (method === 'GET' && path === '/_local/dead-letters') return json(bus.deadLetters);
    if (method === 'GET' && path === '/_local/events') {
      const type = url.searchParams.get('detailType');
      return json(bus.log.filter((e) => !type || e['detail-type'] === type).slice(-500));
    }
    if (method === 'POST' && path === '/_local/bus/idle') {
      await bus.idle();
      return json({ idle: true, delivered: bus.log.length, deadLetters: bus.deadLetters.length });
    }
    if (method === 'POST' && path === '/_local/token') {
      const grants = Array.isArray(input.grants) ? (input.grants as string[]) : [];
      return json({ token: await signToken(signingKey, String(input.sub ?? `local-${randomUUID().slice(0, 8)}`), grants) });
    }
    return localProblem(404, 'Not Found', `no local admin route ${method} ${path}`);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      console.error(error);
      send(res, localProblem(500, 'Internal Server Error', 'the local runtime failed'));
    });
  });
  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  trace('http listening');

  return {
    url: `http://127.0.0.1:${port}`,
    bus,
    scheduler,
    routes: routeTable.map(({ service, route }) => ({ service: service.name, method: route.method, path: route.path, allow: route.allow })),
    token: (grants, subject = `user-${randomUUID().slice(0, 8)}`, expiresIn) => signToken(signingKey, subject, grants, expiresIn),
    async invoke(service, part, event) {
      const name = functionName(service, part);
      const fn = functions.get(name);
      if (!fn) throw new Error(`no function ${name}`);
      return (await load(fn.entry))(event, lambdaContext(name));
    },
    async close() {
      scheduler.stop();
      await bus.idle();
      setPublisher(undefined);
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      resetDb();
      await new Promise<void>((done) => dynamo.close(() => done()));
    },
  };
}

function localProblem(status: number, title: string, detail: string): HttpResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({ type: 'about:blank', title, status, detail }),
  };
}

function send(res: ServerResponse, result: HttpResult): void {
  res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  res.end(result.body ?? '');
}
