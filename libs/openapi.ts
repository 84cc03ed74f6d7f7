import { toJSONSchema } from 'zod/v4/core';
import * as z from '../events/zod';
import type { RouteDecl, ServiceTopology } from './topology';

const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, reason: { type: 'string' } } } },
  },
};

const toSchema = (schema: z.ZodMiniType, io: 'input' | 'output') => toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;

function parameters(route: RouteDecl) {
  const out: Record<string, unknown>[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const json = toSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: property });
    }
  }
  return out;
}

/** OpenAPI 3.1, generated from the routes' zod schemas: there is no hand-written copy to drift. */
export function buildOpenApi(topologies: readonly ServiceTopology[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const service of topologies) {
    for (const route of service.api?.routes ?? []) {
      const status = String(route.successStatus ?? 200);
      const operation: Record<string, unknown> = {
        operationId: route.operationId,
        summary: route.summary,
        tags: [service.name],
        'x-gongzhi-allow': route.allow,
        security: route.allow === 'public' ? [] : [{ bearer: [] }],
        parameters: parameters(route),
        responses: {
          [status]: {
            description: 'success',
            ...(route.response ? { content: { 'application/json': { schema: toSchema(route.response, 'output') } } } : {}),
          },
          '4XX': { description: 'a problem with the request', content: { 'application/problem+json': { schema: problemSchema } } },
        },
      };
      if (route.method === 'POST') {
        operation.parameters = [...(operation.parameters as unknown[]), { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 128 } }];
      }
      if (route.bodyType === 'csv') {
        operation.requestBody = { required: true, content: { 'text/csv': { schema: { type: 'string' } } } };
      } else if (route.body) {
        operation.requestBody = { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } };
      }
      (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'gongzhi (共治) API', version: '0.1.0', description: 'Governing residential compounds together.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}
