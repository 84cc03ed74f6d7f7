import type * as z from './zod';
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
  /** `csv` routes take `text/csv` bodies, parsed by the handler itself. */
  bodyType?: 'json' | 'csv';
  maxBodyBytes?: number;
  response?: z.ZodMiniType;
  /** Successful status (documentation and default). */
  successStatus?: number;
}

/** An EventBridge event pattern (the subset the local bus implements: see infra/local/event-pattern.ts). */
export type EventPattern = Record<string, unknown>;

export interface ConsumerDecl {
  name: string;
  /** Repo-relative module that exports `handler`. */
  entry: string;
  description: string;
  pattern: EventPattern;
}

export interface ScheduleDecl {
  name: string;
  entry: string;
  description: string;
  /** EventBridge Scheduler syntax: `rate(5 minutes)` or `cron(0 2 1 * ? *)` (UTC). */
  expression: string;
}

export interface ServiceTopology {
  name: string;
  source: `gongzhi.${string}`;
  /** Whether the service owns a table (named after it). */
  ownsTable: boolean;
  api?: { entry: string; routes: readonly RouteDecl[] };
  consumers: readonly ConsumerDecl[];
  schedules: readonly ScheduleDecl[];
  /** Detail-types this service publishes (from events/catalogue). */
  publishes: readonly string[];
}

/** The function name a declaration becomes (`registry-api`, `registry-outbox-sweep`). */
export const functionName = (service: string, part: string): string => `${service}-${part}`;

export const routeKey = (route: Pick<RouteDecl, 'method' | 'path'>): string => `${route.method} ${route.path}`;

/** Every service keeps an outbox; this is its sweep schedule. */
export function outboxSweepSchedule(service: string): ScheduleDecl {
  return {
    name: 'outbox-sweep',
    entry: `services/${service}/outbox-sweep.ts`,
    description: 'Republishes events left in an outbox by a crash between a write and its publish',
    expression: 'rate(5 minutes)',
  };
}
