import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { $ZodError } from 'zod/v4/core';
import * as z from '../../events/zod';
import { authorize, type CompoundLocation, type Principal } from '../auth';
import { tableName } from '../config';
import { logger } from '../logger';
import type { RouteDecl } from '../topology';
import { routeKey as keyOf } from '../topology';
import { beginIdempotent, completeIdempotent, fingerprint, releaseIdempotent, type IdempotencyClaim } from './idempotency';
import { DomainError, notFound } from '../errors';
import { badRequest, domainProblem, HttpProblem, problemResponse, zodFieldErrors } from './problem';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

type Infer<S, Fallback> = S extends z.ZodMiniType ? z.infer<S> : Fallback;

export interface Request<R extends RouteDecl> {
  params: Infer<R['params'], Record<string, string>>;
  query: Infer<R['query'], Record<string, string>>;
  body: R['bodyType'] extends 'csv' ? string : Infer<R['body'], undefined>;
  /** Present on every non-public route; on public routes only when a token was sent. */
  principal: R['allow'] extends 'public' ? Principal | undefined : Principal;
  /** The compound in the path, resolved before authorization. */
  location: CompoundLocation | undefined;
  requestId: string;
  headers: Record<string, string | undefined>;
  event: HttpEvent;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send `body` as-is with this content type (CSV downloads). */
  contentType?: string;
}

export type RouteHandler<R extends RouteDecl> = (request: Request<R>) => Promise<Reply>;

/** Bind an implementation to its declaration, keeping the declaration's types. */
export const implement = <R extends RouteDecl>(route: R, handler: RouteHandler<R>) => ({ route, handler });
export type Implementation = { route: RouteDecl; handler: RouteHandler<any> };

export interface HttpApiOptions {
  service: string;
  implementations: readonly Implementation[];
  /** Where a compound is (for scoped roles); undefined when the service does not know it: 404. */
  locate?: (compoundId: string) => Promise<CompoundLocation | undefined>;
  /** For routes with `scope: 'resource'`: where the addressed resource lives; undefined: 404. */
  locateResource?: (route: RouteDecl, params: Record<string, unknown>) => Promise<CompoundLocation | undefined>;
  /** Formatters for routes that declare an `errorFormat`; they get the problem the stack would send. */
  errorFormats?: Record<string, (problem: HttpProblem, event: HttpEvent, requestId: string) => HttpResult>;
  /** Whether POSTs honour Idempotency-Key (needs the service's table). */
  idempotency?: boolean;
}

const DEFAULT_MAX_BODY = 256 * 1024;

/** The HTTP Lambda of a service: one function serving the service's routes through one middy stack. */
export function httpApi(options: HttpApiOptions) {
  const byKey = new Map(options.implementations.map((i) => [keyOf(i.route), i]));
  const log = logger(options.service);

  async function dispatch(event: HttpEvent): Promise<HttpResult> {
    const requestId = event.requestContext?.requestId ?? 'unknown';
    const implementation = byKey.get(event.routeKey);
    let claim: IdempotencyClaim | undefined;
    try {
      if (!implementation) throw notFound(`no route ${event.routeKey}`);
      const { route, handler } = implementation;
      const request = await buildRequest(route, event, requestId, options);

      const idempotencyKey = request.headers['idempotency-key'];
      if (route.method === 'POST' && idempotencyKey !== undefined && options.idempotency && request.principal) {
        const begun = await beginIdempotent(tableName(options.service), request.principal.subject, keyOf(route), idempotencyKey, fingerprint(route.method, event.rawPath, decodeBody(event)));
        if ('replay' in begun) return begun.replay;
        claim = begun.claim;
      }

      const reply = await handler(request as Request<any>);
      const response = toResponse(reply, route, requestId);
      if (claim) {
        if ((response.statusCode ?? 200) < 300) await completeIdempotent(claim, response);
        else await releaseIdempotent(claim);
      }
      return response;
    } catch (error) {
      if (claim) await releaseIdempotent(claim).catch((e) => log.error('could not release idempotency key', e as Error));
      const problem = asProblem(error);
      if (problem.status >= 500) log.error('request failed', { requestId, routeKey: event.routeKey, error });
      const format = implementation?.route.errorFormat && options.errorFormats?.[implementation.route.errorFormat];
      return format ? format(problem, event, requestId) : problemResponse(problem, event.rawPath ?? '', requestId);
    }
  }

  return middy<HttpEvent, HttpResult, Error, Context>()
    .use(httpHeaderNormalizer())
    .use({
      before: (request) => {
        log.appendKeys({ requestId: request.event.requestContext?.requestId, routeKey: request.event.routeKey });
        (request.internal as Record<string, unknown>).startedAt = performance.now();
      },
      after: (request) => {
        // One structured line per request (who, what, outcome, time); the caller's grants are not logged.
        const started = (request.internal as Record<string, unknown>).startedAt as number;
        const claims = request.event.requestContext?.authorizer?.jwt?.claims as Record<string, unknown> | undefined;
        log.info('request', { status: request.response?.statusCode, ms: Math.round(performance.now() - started), subject: claims?.sub });
      },
    })
    .handler(dispatch);
}

function asProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof DomainError) return domainProblem(error);
  if (error instanceof $ZodError) return badRequest('the request is invalid', zodFieldErrors('request', error));
  return new HttpProblem(500, 'Internal Server Error', 'an unexpected error occurred; it has been logged');
}

function decodeBody(event: HttpEvent): string {
  if (event.body === undefined || event.body === null) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

async function buildRequest(route: RouteDecl, event: HttpEvent, requestId: string, options: HttpApiOptions): Promise<Request<RouteDecl>> {
  const headers = (event.headers ?? {}) as Record<string, string | undefined>;
  const params = parsePart('path', route.params, event.pathParameters ?? {});
  const query = parsePart('query', route.query, event.queryStringParameters ?? {});
  const claims = event.requestContext?.authorizer?.jwt?.claims as Record<string, unknown> | undefined;

  let location: CompoundLocation | undefined;
  let principal: Principal | undefined;
  const compoundId = (params as Record<string, unknown>).compoundId;
  const scope = route.scope ?? (typeof compoundId === 'string' ? 'compound' : 'none');
  if (route.allow !== 'public' && scope !== 'none') {
    // Who you are and whether you hold the role anywhere first (401/403, before revealing whether the
    // compound or resource exists), then whether it exists, then whether your grant reaches it (403).
    authorize(claims, route.allow);
    if (scope === 'compound') {
      location = await options.locate?.(compoundId as string);
      if (!location) throw notFound(`compound ${String(compoundId)} is not known here`);
    } else {
      if (!options.locateResource) throw new Error(`${keyOf(route)} is scoped by its resource, but the service locates none`);
      location = await options.locateResource(route, params as Record<string, unknown>);
      if (!location) throw notFound(`${event.rawPath} does not exist`);
    }
    principal = authorize(claims, route.allow, location);
  } else {
    principal = authorize(claims, route.allow);
  }

  const raw = decodeBody(event);
  const max = route.maxBodyBytes ?? DEFAULT_MAX_BODY;
  if (Buffer.byteLength(raw) > max) {
    throw new HttpProblem(413, 'Content Too Large', `the body may be at most ${max} bytes`);
  }
  let body: unknown;
  const contentType = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (route.bodyType === 'csv') {
    if (contentType !== 'text/csv') throw new HttpProblem(415, 'Unsupported Media Type', 'send the roll as text/csv');
    body = raw;
  } else if (route.bodyType === 'form' && route.body) {
    if (contentType !== 'application/x-www-form-urlencoded') {
      throw new HttpProblem(415, 'Unsupported Media Type', 'send the body as application/x-www-form-urlencoded');
    }
    const parsed = route.body.safeParse(decodeForm(raw));
    if (!parsed.success) throw badRequest('the form does not match the schema', zodFieldErrors('body', parsed.error));
    body = parsed.data;
  } else if (route.body) {
    if (contentType !== 'application/json') {
      throw new HttpProblem(415, 'Unsupported Media Type', 'send the body as application/json');
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw badRequest(`the body is not valid JSON: ${(error as Error).message}`, [{ field: 'body', reason: 'malformed JSON' }]);
    }
    const parsed = route.body.safeParse(json);
    if (!parsed.success) throw badRequest('the body does not match the schema', zodFieldErrors('body', parsed.error));
    body = parsed.data;
  } else if (raw.length > 0) {
    throw badRequest('this route takes no body', [{ field: 'body', reason: 'unexpected body' }]);
  }

  return { params, query, body, principal, location, requestId, headers, event } as Request<RouteDecl>;
}

/**
 * application/x-www-form-urlencoded into an object: `a=1&a=2` → { a: ['1', '2'] }, `a[b]=c` →
 * { a: { b: 'c' } }, `a[]=x` → { a: ['x'] }. Malformed %-escapes are decoded leniently (as browsers do),
 * never a crash.
 */
export function decodeForm(raw: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    const nested = /^([^[\]]+)\[([^[\]]*)\]$/.exec(name);
    if (nested) {
      const [, outer, inner] = nested as unknown as [string, string, string];
      if (inner === '') {
        const list = (out[outer] = Array.isArray(out[outer]) ? out[outer] : []) as unknown[];
        list.push(value);
      } else {
        const object = (out[outer] = typeof out[outer] === 'object' && out[outer] !== null && !Array.isArray(out[outer]) ? out[outer] : {}) as Record<string, unknown>;
        object[inner] = value;
      }
    } else if (name in out) {
      out[name] = Array.isArray(out[name]) ? [...(out[name] as unknown[]), value] : [out[name], value];
    } else {
      out[name] = value;
    }
  }
  return out;
}

function parsePart(where: string, schema: z.ZodMiniObject | undefined, value: Record<string, string | undefined>) {
  if (!schema) return value;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(`the ${where} parameters are invalid`, zodFieldErrors(where, parsed.error));
  return parsed.data;
}

function toResponse(reply: Reply, route: RouteDecl, requestId: string): HttpResult {
  const status = reply.status ?? route.successStatus ?? 200;
  if (reply.contentType) {
    return {
      statusCode: status,
      headers: { 'content-type': reply.contentType, 'x-request-id': requestId, ...reply.headers },
      body: String(reply.body ?? ''),
    };
  }
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...reply.headers },
    body: reply.body === undefined ? '' : JSON.stringify(reply.body),
  };
}
