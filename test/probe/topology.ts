import * as z from '../../events/zod';
import type { RouteDecl, ServiceTopology } from '../../libs/topology';

export const probeRoutes = {
  getThing: {
    operationId: 'probeThing',
    method: 'GET',
    path: '/probe/things/{thingId}',
    summary: 'a thing, scoped by the compound it lives in',
    allow: ['committee', 'street'],
    scope: 'resource',
    params: z.strictObject({ thingId: z.string() }),
  },
  postForm: {
    operationId: 'probeForm',
    method: 'POST',
    path: '/probe/form',
    summary: 'a form-encoded body with errors in another format',
    allow: 'public',
    bodyType: 'form',
    errorFormat: 'plain',
    unaudited: 'a probe of body decoding: it stores nothing',
    body: z.strictObject({ name: z.string().check(z.minLength(2)), attribute: z.optional(z.record(z.string(), z.string())), media: z.optional(z.array(z.string())) }),
  },
} as const satisfies Record<string, RouteDecl>;

/**
 * A service that exists only in tests: one of each kind of function, to exercise the platform
 * (fan-out through a queue, per-message failures, timeouts, table isolation) on the local runtime.
 */
export const probe: ServiceTopology = {
  name: 'probe',
  source: 'gongzhi.probe',
  ownsTable: true,
  api: { entry: 'test/probe/api.ts', routes: Object.values(probeRoutes) },
  consumers: [],
  schedules: [{ name: 'fan-out', entry: 'test/probe/fan-out.ts', description: 'enqueues one unit per id it is given', expression: 'rate(1 day)', sendsTo: ['units'] }],
  queues: [
    { name: 'units', entry: 'test/probe/worker.ts', description: 'records each unit; unit "bad" always fails, "flaky" fails twice', batchSize: 4, maxReceives: 3, maxConcurrency: 2 },
    { name: 'slow', entry: 'test/probe/slow.ts', description: 'runs past its 1 s timeout', timeoutSeconds: 1, maxReceives: 1 },
  ],
  publishes: [],
  files: true,
};
