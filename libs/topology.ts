import type * as z from '../events/zod';
import type { Allow } from './auth';

/**
 * The one declaration of a service's shape. `infra/cdk` turns it into Lambda functions, API routes,
 * EventBridge rules, schedules and a table; `infra/local` turns it into a local HTTP server, bus and
 * scheduler around the same handlers. Nothing here imports handler code, so both can read it cheaply.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDecl {
  operationId: string;
  method: HttpMethod;
  /** API Gateway path syntax: `/compounds/{compoundId}/units`. */
  path: string;
  summary: string;
  /** Who may call it. Scoped roles are checked against the compound in the path when there is one. */
  allow: Allow;
  params?: z.ZodMiniObject;
  query?: z.ZodMiniObject;
  body?: z.ZodMiniType;
  /**
   * `json` (default) bodies are parsed and checked against `body`; `form` bodies
   * (application/x-www-form-urlencoded, as Open311 clients send them) are decoded into an object —
   * `a[b]=c` nests, repeated keys become arrays — and checked the same way; `csv` bodies reach the
   * handler as text.
   */
  bodyType?: 'json' | 'csv' | 'form';
  /**
   * What a scoped role is checked against: `compound` (default when the path has `{compoundId}`)
   * locates that compound; `resource` asks the service where the addressed resource lives (a
   * complaint, a finding) through `httpApi({ locateResource })`; `none` checks the role only.
   */
  scope?: 'compound' | 'resource' | 'none';
  /** Errors in another shape than problem+json (e.g. Open311's error arrays): a formatter named in `httpApi({ errorFormats })`. */
  errorFormat?: string;
  maxBodyBytes?: number;
  response?: z.ZodMiniType;
  /** Successful status (documentation and default). */
  successStatus?: number;
  /**
   * Why a successful call of this mutating route may publish no event (every other change leaves an
   * audit record, which the test suite checks for every call it makes): e.g. each ballot is in the
   * vote's hash-chained ballot log, and the closing event carries their count.
   */
  unaudited?: string;
}

/** An EventBridge event pattern (the subset the local bus implements: see infra/local/event-pattern.ts). */
export type EventPattern = Record<string, unknown>;

/** The indexes every service table has (libs/table.ts builds them; a CDK test keeps the two lists equal). */
export const INDEX_NAMES = ['gsi1', 'gsi2', 'outbox', 'due'] as const;
export type IndexName = (typeof INDEX_NAMES)[number];

/**
 * What a function does with its service's table; deployed, IAM grants exactly this:
 *   none         no table at all
 *   read         GetItem, BatchGetItem, Query
 *   append-only  read + PutItem (records are put once, conditionally: nothing is updated or deleted)
 *   read-write   read + PutItem, UpdateItem, DeleteItem, BatchWriteItem
 * Never Scan, never a stream, never the table's settings.
 */
export type TableAccessLevel = 'none' | 'read' | 'append-only' | 'read-write';

export interface TableAccess {
  level: TableAccessLevel;
  /** The indexes it queries (Query on those index ARNs only). */
  indexes?: readonly IndexName[];
  /**
   * Append-only functions only: partition-key prefixes it may still UpdateItem (a read model kept beside
   * the log, e.g. `COMPOUND#`), granted with a `dynamodb:LeadingKeys` condition.
   */
  updates?: readonly string[];
}

/** What a function that declares nothing may do: today's grant (every index), until its service declares. */
export const UNDECLARED_TABLE_ACCESS: TableAccess = { level: 'read-write', indexes: INDEX_NAMES };

/** What every function may say about itself; CDK and the local runtime both honour it. */
export interface FunctionSettings {
  /** Lambda's timeout; locally an invocation that runs longer fails as Lambda's would. */
  timeoutSeconds?: number;
  memoryMb?: number;
  /** Queues of this service the function puts work on (it gets their URLs and sqs:SendMessage on them, nothing else). */
  sendsTo?: readonly string[];
  /** What it does with its service's table (see TableAccess); undeclared: UNDECLARED_TABLE_ACCESS (triggers: none). */
  table?: TableAccess;
  /** It writes users' grants to the user directory (deployed: AdminUpdateUserAttributes on the user pool, nothing else). */
  updatesUserGrants?: boolean;
}

export interface ConsumerDecl extends FunctionSettings {
  name: string;
  /** Repo-relative module that exports `handler`. */
  entry: string;
  description: string;
  pattern: EventPattern;
}

export interface ScheduleDecl extends FunctionSettings {
  name: string;
  entry: string;
  description: string;
  /** EventBridge Scheduler syntax: `rate(5 minutes)` or `cron(0 2 1 * ? *)`, in `timeZone`. */
  expression: string;
  /** IANA zone the cron fields are read in (Asia/Shanghai by default: a month starts at 00:00 Beijing time). */
  timeZone?: string;
}

/**
 * A queue of units of work (one compound, one finding): a schedule selects what is due and puts one
 * message per unit here; the worker takes them in batches and reports failures per message, so one
 * failing compound is retried alone and never stops the others. Deployed: SQS with a dead-letter
 * queue and an alarm; locally: the same semantics in process.
 */
export interface QueueDecl extends FunctionSettings {
  name: string;
  /** The worker: a module whose `handler` takes an SQS event (see libs/jobs.ts `unitWorker`). */
  entry: string;
  description: string;
  /** Messages per invocation (default 10). */
  batchSize?: number;
  /** Deliveries before a message is dead-lettered (default 5). */
  maxReceives?: number;
  /** Workers running at once (default 5): bounds the load a fan-out puts on a table. */
  maxConcurrency?: number;
}

/**
 * A function the user pool calls while it signs someone in (deployed with the Cognito user pool only;
 * an external OIDC issuer and the local issuer have none). `pre-token-generation` is called with the
 * V2_0 event, which may add claims to the access token.
 */
export interface TriggerDecl extends FunctionSettings {
  name: string;
  entry: string;
  description: string;
  trigger: 'pre-token-generation';
}

export interface ServiceTopology {
  name: string;
  source: `gongzhi.${string}`;
  /** Whether the service owns a table (named after it). */
  ownsTable: boolean;
  api?: { entry: string; routes: readonly RouteDecl[] } & FunctionSettings;
  consumers: readonly ConsumerDecl[];
  schedules: readonly ScheduleDecl[];
  queues?: readonly QueueDecl[];
  /** Whether the service keeps files (object storage: its own bucket, presigned uploads, libs/files.ts). */
  files?: boolean;
  triggers?: readonly TriggerDecl[];
  /** Detail-types this service publishes (from events/catalogue). */
  publishes: readonly string[];
}

/** The function name a declaration becomes (`registry-api`, `registry-outbox-sweep`). */
export const functionName = (service: string, part: string): string => `${service}-${part}`;

export const routeKey = (route: Pick<RouteDecl, 'method' | 'path'>): string => `${route.method} ${route.path}`;

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export const DEFAULT_SETTINGS = {
  api: { timeoutSeconds: 29, memoryMb: 512 },
  consumer: { timeoutSeconds: 60, memoryMb: 512 },
  schedule: { timeoutSeconds: 300, memoryMb: 512 },
  queue: { timeoutSeconds: 120, memoryMb: 512 },
  // Cognito waits 5 s for a trigger, then fails the sign-in.
  trigger: { timeoutSeconds: 5, memoryMb: 256 },
} as const;

/**
 * Every service that publishes events keeps an outbox, and so gets this sweep: nobody declares it
 * by hand, and nobody can forget it.
 */
export const OUTBOX_SWEEP: ScheduleDecl = {
  name: 'outbox-sweep',
  entry: 'libs/outbox-sweep.ts',
  description: 'Republishes events left in an outbox by a crash between a write and its publish',
  expression: 'rate(5 minutes)',
  timeoutSeconds: 120,
  // Queries the outbox index, reads and clears each item's outbox.
  table: { level: 'read-write', indexes: ['outbox'] },
};

/** The schedules a service runs: what it declares, plus its outbox sweep when it publishes. */
export const schedulesOf = (service: ServiceTopology): readonly ScheduleDecl[] => (service.publishes.length > 0 && service.ownsTable ? [...service.schedules, OUTBOX_SWEEP] : service.schedules);

export type FunctionKind = 'api' | 'consumer' | 'schedule' | 'queue' | 'trigger';

export interface FunctionDecl {
  service: ServiceTopology;
  kind: FunctionKind;
  /** `api`, the consumer's, schedule's or queue's name. */
  part: string;
  /** `service-part`, as deployed. */
  name: string;
  entry: string;
  timeoutSeconds: number;
  memoryMb: number;
  sendsTo: readonly string[];
  /** Its access to its service's table; undefined when it has none (the service owns no table, or `none`). */
  table: TableAccess | undefined;
  updatesUserGrants: boolean;
}

/** Every function of a service, with its settings resolved: what both runtimes build. */
export function functionsOf(service: ServiceTopology): FunctionDecl[] {
  const make = (kind: FunctionKind, part: string, entry: string, settings: FunctionSettings = {}): FunctionDecl => ({
    service,
    kind,
    part,
    name: functionName(service.name, part),
    entry,
    timeoutSeconds: settings.timeoutSeconds ?? DEFAULT_SETTINGS[kind].timeoutSeconds,
    memoryMb: settings.memoryMb ?? DEFAULT_SETTINGS[kind].memoryMb,
    sendsTo: settings.sendsTo ?? [],
    table: tableAccessOf(service, kind, settings),
    updatesUserGrants: settings.updatesUserGrants ?? false,
  });
  const out: FunctionDecl[] = [];
  if (service.api) out.push(make('api', 'api', service.api.entry, service.api));
  for (const c of service.consumers) out.push(make('consumer', c.name, c.entry, c));
  for (const s of schedulesOf(service)) out.push(make('schedule', s.name, s.entry, s));
  for (const q of service.queues ?? []) out.push(make('queue', q.name, q.entry, q));
  for (const t of service.triggers ?? []) out.push(make('trigger', t.name, t.entry, t));
  for (const f of out) {
    for (const q of f.sendsTo) {
      if (!(service.queues ?? []).some((d) => d.name === q)) throw new Error(`${f.name} sends to ${q}, which ${service.name} does not declare`);
    }
  }
  return out;
}

function tableAccessOf(service: ServiceTopology, kind: FunctionKind, settings: FunctionSettings): TableAccess | undefined {
  const declared = settings.table ?? (kind === 'trigger' ? { level: 'none' as const } : UNDECLARED_TABLE_ACCESS);
  if (!service.ownsTable || declared.level === 'none') return undefined;
  if (declared.updates?.length && declared.level !== 'append-only') throw new Error(`${service.name}: \`updates\` narrows an append-only function; a ${declared.level} one may update anything`);
  return declared;
}
