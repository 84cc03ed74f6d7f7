import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import type { DeliveredEvent } from '../../events/envelope';
import { observePublishes, setPublisher } from '../../libs/bus';
import { clock } from '../../libs/clock';
import { runAsFunction } from '../../libs/config';
import { db, resetDb } from '../../libs/db';
import type { HttpEvent, HttpResult } from '../../libs/http/api';
import { setFileStore } from '../../libs/files';
import { setUserDirectory } from '../../services/access/directory';
import { sweepOutbox } from '../../libs/outbox';
import { setQueueSender } from '../../libs/queue';
import { createTableInput } from '../../libs/table';
import { DEFAULT_TIME_ZONE, functionName, functionsOf, OUTBOX_SWEEP, routeKey, schedulesOf, type FunctionDecl, type RouteDecl, type ServiceTopology } from '../../libs/topology';
import { services as allServices } from '../../services/index';
import { createDynalite } from './atomic-dynalite';
import { mutationLogWriter, notePublished, noteQueued, traceCauses } from './mutation-log';
import { LocalBus } from './bus';
import { LocalFileStore } from './files';
import { installLocalUserDirectory } from './users';
import { installLocalNotificationSink } from './notification-sink';
import { setChannelAdapters } from '../../services/notifications/channels/port';
import { LocalQueues } from './queues';
import { busJournal, loadJournal, queueJournal, RuntimeStore } from './runtime-store';
import { LocalScheduler } from './scheduler';
import { Seeding, seedingOff, type SeedRun, type SeedStatus, type SeedStep } from './seeding';
import { tableAccessGuard } from './table-access';
import { loadOrCreateSigningKey, signToken, verifyToken } from './tokens';
import { webAsset } from './web';

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
  /** Seed steps to run (or resume) in the background once the server listens (npm start: the demo). */
  seed?: readonly SeedStep[];
}

export interface CloseOptions {
  /** How long running invocations may take to finish before the store closes under them (default 10 s). */
  drainMs?: number;
}

export interface LocalSystem {
  url: string;
  bus: LocalBus;
  queues: LocalQueues;
  scheduler: LocalScheduler;
  /** Each service's table (tests that write or read a table directly). */
  tables: Record<string, string>;
  /** Run `work` as one of the service's functions would: it sees that service's table only. */
  asService<T>(service: string, work: () => Promise<T>): Promise<T>;
  /** Resolves when the bus and every queue are idle (work fans out and raises events, so both are waited for). */
  idle(): Promise<void>;
  routes: { service: string; method: string; path: string; allow: RouteDecl['allow'] }[];
  token(grants: readonly string[], subject?: string, expiresIn?: string | number): Promise<string>;
  /** Call a declared function directly, as Lambda would (for tests of consumers and schedules). */
  invoke(service: string, part: string, event: unknown): Promise<unknown>;
  /** The seed's progress now, and when it ends (done, failed, or stopped by close). */
  seed: { status(): SeedStatus; finished: Promise<SeedStatus> };
  /**
   * Stop: refuse new requests, start no more deliveries, let running invocations finish (up to
   * `drainMs`), close the store. Whatever is not delivered yet stays in the journal for the next start.
   */
  close(options?: CloseOptions): Promise<void>;
}

type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export const MAX_REQUEST_BYTES = 10 * 1024 * 1024; // API Gateway's payload limit
/** What one presigned upload may carry locally (S3 takes far more; a city's files are far less). */
export const MAX_OBJECT_BYTES = 100 * 1024 * 1024;

const root = resolve(process.cwd());

/** Lambda's context, with the function's real deadline. */
function lambdaContext(fn: Pick<FunctionDecl, 'name' | 'timeoutSeconds' | 'memoryMb'>, deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${fn.name}`,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export class FunctionTimeout extends Error {
  constructor(name: string, seconds: number) {
    super(`${name}: Task timed out after ${seconds} seconds`);
  }
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
  // This run of the runtime: claims made by an earlier (dead) run are taken over at once (libs/config.ts).
  process.env.GONGZHI_LOCAL_INSTANCE = randomUUID();
  const tables: Record<string, string> = {};
  for (const service of topologies) if (service.ownsTable) tables[service.name] = `gongzhi-local-${service.name}`;
  resetDb();

  const admin = new DynamoDBClient({
    endpoint: process.env.DYNAMODB_ENDPOINT,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const existing = new Set((await admin.send(new ListTablesCommand({}))).TableNames ?? []);
  const store = new RuntimeStore(process.env.DYNAMODB_ENDPOINT);
  await Promise.all([
    store.ensureTable(existing),
    ...Object.values(tables).map(async (name) => {
      if (!existing.has(name)) return admin.send(new CreateTableCommand(createTableInput(name)));
      // A table made by an older version lacks indexes added since: add them (they start empty).
      const wanted = createTableInput(name).GlobalSecondaryIndexes ?? [];
      const { Table } = await admin.send(new DescribeTableCommand({ TableName: name }));
      const have = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
      for (const index of wanted.filter((i) => !have.has(i.IndexName))) {
        await admin.send(
          new UpdateTableCommand({
            TableName: name,
            AttributeDefinitions: createTableInput(name).AttributeDefinitions,
            GlobalSecondaryIndexUpdates: [{ Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection } }],
          }),
        );
      }
    }),
  ]);
  admin.destroy();
  trace('tables ready');

  // The clock as it was moved before the last stop (votes opened, levies charged at that time stay in the past).
  const offset = (await store.getState<number>('clock')) ?? 0;
  if (offset > clock.offsetMs()) clock.advance(offset - clock.offsetMs());

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

  const functions = new Map<string, FunctionDecl>();
  for (const service of topologies) for (const fn of functionsOf(service)) functions.set(fn.name, fn);
  // Each function may do with its table what its declaration says, as IAM allows deployed.
  db().middlewareStack.add(
    tableAccessGuard((name) => functions.get(name)),
    { step: 'initialize', name: 'gongzhiTableAccess' },
  );

  // Invocations running now, until they return or time out (then Lambda would have stopped them): what a stop waits for.
  let running = 0;
  let drainWaiters: (() => void)[] = [];
  const track = <T>(work: Promise<T>): Promise<T> => {
    running++;
    return work.finally(() => {
      running--;
      if (running === 0) {
        const waiters = drainWaiters;
        drainWaiters = [];
        waiters.forEach((w) => w());
      }
    });
  };

  /** Invoke a function as Lambda would: its own identity (and table), its timeout, its context. */
  async function invokeFunction(fn: FunctionDecl, event: unknown, direct?: () => Promise<unknown>): Promise<unknown> {
    const handler = direct ? undefined : await load(fn.entry);
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    const identity = { service: fn.service.name, functionName: fn.name, table: tables[fn.service.name] };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FunctionTimeout(fn.name, fn.timeoutSeconds)), fn.timeoutSeconds * 1000);
      timer.unref();
    });
    try {
      const work = runAsFunction(identity, () => (direct ? direct() : handler!(event, lambdaContext(fn, deadline))));
      return await track(Promise.race([work, timeout]));
    } finally {
      clearTimeout(timer);
    }
  }
  const fnOf = (service: ServiceTopology, part: string) => functions.get(functionName(service.name, part))!;

  const warn = (message: string, error: unknown) => console.error(`[local runtime] ${message}:`, (error as Error)?.message ?? error);
  const bus = new LocalBus({ maxAttempts: options.busMaxAttempts, retryDelayMs: options.busRetryDelayMs, journal: busJournal(store), warn });
  setPublisher((events) => bus.put(events));
  observePublishes((events) => notePublished(events.length));
  for (const service of topologies) {
    for (const consumer of service.consumers) {
      const fn = fnOf(service, consumer.name);
      bus.subscribe({ target: fn.name, pattern: consumer.pattern, invoke: (event: DeliveredEvent) => invokeFunction(fn, event) });
    }
  }

  const queues = new LocalQueues(
    topologies.flatMap((service) =>
      (service.queues ?? []).map((queue) => ({
        id: `${service.name}/${queue.name}`,
        batchSize: queue.batchSize ?? 10,
        maxReceives: queue.maxReceives ?? 5,
        maxConcurrency: queue.maxConcurrency ?? 5,
        invoke: (event: SQSEvent) => invokeFunction(fnOf(service, queue.name), event),
      })),
    ),
    options.busRetryDelayMs,
    queueJournal(store),
    warn,
  );
  setQueueSender((service, queue, bodies) => {
    noteQueued(bodies.length);
    return queues.send(`${service}/${queue}`, bodies);
  });

  const scheduler = new LocalScheduler(
    topologies.flatMap((service) =>
      schedulesOf(service).map((schedule) => ({
        id: `${service.name}/${schedule.name}`,
        expression: schedule.expression,
        timeZone: schedule.timeZone ?? DEFAULT_TIME_ZONE,
        invoke: (input: unknown) => invokeFunction(fnOf(service, schedule.name), input),
      })),
    ),
  );
  scheduler.onAdvance({
    before: (offsetMs) => store.setState('clock', offsetMs),
    // A claim's lease is on this clock: deliveries waiting for one may go now.
    after: () => {
      bus.wake();
      queues.wake();
    },
  });

  // Events a crash left in an outbox (written, not yet published) are published now rather than at the
  // first sweep: nothing else runs yet, so every outbox is left over, whatever its age.
  await Promise.all(
    topologies.filter((service) => schedulesOf(service).includes(OUTBOX_SWEEP)).map((service) => invokeFunction(fnOf(service, OUTBOX_SWEEP.name), {}, () => sweepOutbox(tables[service.name]!, 0))),
  );
  // Then what the last run accepted and had not delivered yet.
  const left = await loadJournal(store, queues.ids());
  bus.resume(left.deliveries, left.busDeadLetters);
  queues.resume(left.messages, left.queueDeadLetters);
  trace(`resumed ${left.deliveries.length} deliveries, ${[...left.messages.values()].flat().length} messages`);
  if (options.autoTick) scheduler.start();

  /** Bus deliveries start queue work and queue work raises events: idle is when both are, at once. */
  async function idle(): Promise<void> {
    while (!(bus.isIdle() && queues.isIdle())) {
      await bus.idle();
      await queues.idle();
    }
  }

  const logMutation = mutationLogWriter(topologies.flatMap((service) => service.api?.routes ?? []));
  const signingKey = options.dataDir ? loadOrCreateSigningKey(options.dataDir) : randomBytes(32);
  let baseUrl = '';
  const files = new LocalFileStore(() => baseUrl, signingKey, options.dataDir ? join(options.dataDir, 'files') : undefined);
  setFileStore(files);
  // The access service's user directory: what it grants, a local token for that user carries.
  const users = installLocalUserDirectory(options.dataDir);
  const notificationSink = installLocalNotificationSink();

  // API Gateway matches the most specific route: a literal segment beats a {variable} in the same place.
  const specificity = (path: string) =>
    path
      .split('/')
      .map((segment) => (segment.startsWith('{') ? '1' : '0'))
      .join('');
  const routeTable = topologies
    .flatMap((service) =>
      (service.api?.routes ?? []).map((route) => ({
        service,
        route,
        names: [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
        pattern: new RegExp(`^${route.path.replace(/\{[^}]+\}/g, '([^/]+)')}$`),
      })),
    )
    .sort((a, b) => specificity(a.route.path).localeCompare(specificity(b.route.path)));
  const meta = topologies.find((s) => s.name === 'meta' && s.api);

  async function callHttp(service: ServiceTopology, event: HttpEvent): Promise<HttpResult> {
    try {
      return (await invokeFunction(fnOf(service, 'api'), event)) as HttpResult;
    } catch (error) {
      // API Gateway answers 503 when the integration times out and 500 when the function crashes.
      if (error instanceof FunctionTimeout) return localProblem(503, 'Service Unavailable', error.message);
      throw error;
    }
  }

  let stopping = false;
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (stopping) {
      req.resume();
      const problem = localProblem(503, 'Service Unavailable', 'gongzhi is stopping');
      return send(res, { ...problem, headers: { ...problem.headers, connection: 'close', 'retry-after': '1' } });
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const chunks: Buffer[] = [];
    let size = 0;
    // Presigned uploads go to the file store, which takes larger objects than the API does.
    const limit = url.pathname.startsWith('/_local/files/') ? MAX_OBJECT_BYTES : MAX_REQUEST_BYTES;
    for await (const chunk of req) {
      // Read to the end even when too large, so the client sees the 413 rather than a reset.
      size += (chunk as Buffer).length;
      if (size <= limit) chunks.push(chunk as Buffer);
    }
    if (size > limit) {
      const problem = localProblem(413, 'Content Too Large', `requests may be at most ${MAX_REQUEST_BYTES} bytes`);
      return send(res, { ...problem, headers: { ...problem.headers, connection: 'close' } });
    }
    const raw = Buffer.concat(chunks);
    const body = raw.toString('utf8');
    if (url.pathname.startsWith('/_local/files/') && (method === 'PUT' || method === 'GET')) {
      const type = (req.headers['content-type'] ?? '').toString();
      return send(res, await files.serve(method, url.pathname.slice('/_local/files/'.length), url.searchParams, type, raw, MAX_OBJECT_BYTES));
    }

    if (url.pathname.startsWith('/_local/')) return send(res, notificationSink.route(method, url, body) ?? (await adminRoute(method, url, body)));

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
    let pathParameters: Record<string, string> = {};
    try {
      pathParameters = match ? Object.fromEntries(match.r.names.map((n, i) => [n, decodeURIComponent(match.m![i + 1]!)])) : {};
    } catch {
      // API Gateway refuses a malformed %-escape before any function runs.
      return send(res, localProblem(400, 'Bad Request', 'the path has a malformed %-escape'));
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
      pathParameters: match ? pathParameters : undefined,
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
    const asset = !match && (method === 'GET' || method === 'HEAD') ? webAsset(url.pathname) : undefined;
    if (asset) return send(res, asset);
    if (!match) {
      if (!meta) return send(res, localProblem(404, 'Not Found', `no route ${url.pathname}`));
      return send(res, await callHttp(meta, event));
    }
    if (!claims) (event.requestContext as { authorizer?: unknown }).authorizer = undefined;
    if (method === 'GET' || method === 'HEAD' || !logMutation) return send(res, await callHttp(match.r.service, event));
    const { result, events, units } = await traceCauses(() => callHttp(match.r.service, event));
    const status = result.statusCode ?? 200;
    if (status < 300 && !result.headers?.['idempotent-replayed']) logMutation({ route: routeKey(match.r.route), status, events, units, path: url.pathname });
    return send(res, result);
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
      // The seed makes its cases step by step at the server's time (a mediation agreement, then its
      // judicial confirmation within 30 days): a clock moved under it can leave a step impossible.
      if (seeding.status.state === 'running') {
        const left = seeding.status.left.join(', ');
        return {
          ...localProblem(409, 'Conflict', `the demo is still being seeded (steps left: ${left}); move the clock once it is done: curl -X POST '${baseUrl}/_local/ready?wait=120'`),
          headers: { 'content-type': 'application/problem+json', 'retry-after': '1' },
        };
      }
      const fired = await scheduler.advance(ms);
      return json({ now: clock.nowIso(), fired });
    }
    if (path === '/_local/ready' && (method === 'GET' || method === 'POST')) {
      // ?wait=1 (or a number of seconds, at most 600) waits for the seed to end.
      const wait = url.searchParams.get('wait');
      if (wait !== null && seeding.status.state === 'running') {
        const seconds = Math.min(600, Number(wait) > 1 ? Number(wait) : 600);
        await Promise.race([seeding.finished, new Promise((r) => setTimeout(r, seconds * 1000).unref())]);
      }
      const status = seeding.status;
      const ready = status.state === 'done' || status.state === 'off';
      const result = json({ ready, seed: status }, ready ? 200 : status.state === 'running' ? 503 : 500);
      return status.state === 'running' ? { ...result, headers: { ...result.headers, 'retry-after': '1' } } : result;
    }
    if (method === 'GET' && path === '/_local/bus') return json({ bus: bus.state(), queues: queues.depth(), invocations: running });
    if (method === 'GET' && path === '/_local/dead-letters') return json({ events: bus.deadLetters, queues: queues.deadLetters });
    if (method === 'GET' && path === '/_local/queues') return json(queues.depth());
    if (method === 'GET' && path === '/_local/events') {
      const type = url.searchParams.get('detailType');
      return json(bus.log.filter((e) => !type || e['detail-type'] === type).slice(-500));
    }
    if (method === 'POST' && path === '/_local/bus/idle') {
      await idle();
      return json({ idle: true, delivered: bus.log.length, deadLetters: bus.deadLetters.length + queues.deadLetters.length });
    }
    if (method === 'POST' && path === '/_local/token') {
      const sub = String(input.sub ?? `local-${randomUUID().slice(0, 8)}`);
      // Without grants, the user's grants as the access service recorded them (as Cognito would put them in the token).
      const grants = Array.isArray(input.grants) ? (input.grants as string[]) : (users.grantsOf(sub) ?? []);
      return json({ token: await signToken(signingKey, sub, grants) });
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
  baseUrl = `http://127.0.0.1:${port}`;
  trace('http listening');

  const seeding: SeedRun = options.seed
    ? await Seeding.prepare(
        {
          url: baseUrl,
          store,
          token: (grants, subject) => signToken(signingKey, subject, grants),
          settle: async () => {
            // Deliveries start queue work and queue work raises events: settled when a pass finds nothing left of either.
            for (let pass = 0; pass < 10; pass++) {
              if (bus.isIdle() && queues.isIdle()) return;
              await bus.barrier();
              await queues.barrier();
            }
          },
        },
        options.seed,
        (message) => console.error(message),
      )
    : seedingOff();
  seeding.start();

  return {
    url: `http://127.0.0.1:${port}`,
    bus,
    queues,
    scheduler,
    tables,
    asService(service, work) {
      if (!topologies.some((t) => t.name === service)) throw new Error(`no service ${service}`);
      return runAsFunction({ service, functionName: `${service}-test`, table: tables[service] }, work);
    },
    idle,
    routes: routeTable.map(({ service, route }) => ({ service: service.name, method: route.method, path: route.path, allow: route.allow })),
    token: (grants, subject = `user-${randomUUID().slice(0, 8)}`, expiresIn) => signToken(signingKey, subject, grants, expiresIn),
    async invoke(service, part, event) {
      const fn = functions.get(functionName(service, part));
      if (!fn) throw new Error(`no function ${functionName(service, part)}`);
      return invokeFunction(fn, event);
    },
    seed: { status: () => seeding.status, finished: seeding.finished },
    async close({ drainMs = 10_000 }: CloseOptions = {}) {
      // New requests are refused (503 on a kept-alive connection), no delivery starts: only what runs finishes.
      stopping = true;
      seeding.stop();
      scheduler.stop();
      bus.stop();
      queues.stop();
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      // What runs finishes, with its bookkeeping (a delivery done in the journal, a seed step recorded),
      // before the store closes under it; past `drainMs` it is left to the next start.
      const drained = Promise.all([running > 0 ? new Promise<void>((done) => drainWaiters.push(done)) : undefined, bus.idle(), queues.idle(), seeding.finished]);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([drained, new Promise<void>((done) => (timer = setTimeout(done, drainMs)))]);
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
      // A seed call cut off with its connection settles the seed at once.
      await Promise.race([seeding.finished, new Promise<void>((done) => (timer = setTimeout(done, Math.min(drainMs, 1_000))))]);
      clearTimeout(timer);
      setPublisher(undefined);
      observePublishes(undefined);
      setQueueSender(undefined);
      setFileStore(undefined);
      setUserDirectory(undefined);
      setChannelAdapters(undefined);
      resetDb();
      store.destroy();
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
  res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
}
