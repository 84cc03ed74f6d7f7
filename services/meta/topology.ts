import * as z from '../../events/zod';
import type { RouteDecl, ServiceTopology } from '../../libs/topology';

/** Routes about the API itself, open to everyone; also API Gateway's `$default` (404/405 problems). */
export const routes = {
  health: {
    operationId: 'health',
    method: 'GET',
    path: '/health',
    summary: 'Liveness (no token needed)',
    allow: 'public',
    response: z.object({ status: z.literal('ok'), time: z.string() }),
  },
  openapi: {
    operationId: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document, generated from the route schemas',
    allow: 'public',
  },
} as const satisfies Record<string, RouteDecl>;

export const topology: ServiceTopology = {
  name: 'meta',
  source: 'gongzhi.meta',
  ownsTable: false,
  api: { entry: 'services/meta/api.ts', routes: Object.values(routes) },
  consumers: [],
  schedules: [],
  publishes: [],
};
