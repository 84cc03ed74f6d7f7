import { clock } from '../../libs/clock';
import { httpApi, implement, type HttpEvent } from '../../libs/http/api';
import { notFound } from '../../libs/errors';
import { domainProblem, HttpProblem, problemResponse } from '../../libs/http/problem';
import { buildOpenApi } from '../../libs/openapi';
import { services } from '../index';
import { routes } from './topology';

const health = implement(routes.health, async () => ({ body: { status: 'ok', time: clock.nowIso() } }));

let document: Record<string, unknown> | undefined;
const openapi = implement(routes.openapi, async () => ({ body: (document ??= buildOpenApi(services)) }));

const api = httpApi({ service: 'meta', implementations: [health, openapi] });

const templates = services
  .flatMap((s) => s.api?.routes ?? [])
  .map((r) => ({
    method: r.method,
    pattern: new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));

/** API Gateway's `$default` route: say whether the path exists with other methods (405) or not at all (404). */
function fallback(event: HttpEvent) {
  const path = event.rawPath ?? '/';
  const allowed = templates.filter((t) => t.pattern.test(path)).map((t) => t.method);
  const requestId = event.requestContext?.requestId ?? 'unknown';
  if (allowed.length) {
    const problem = new HttpProblem(405, 'Method Not Allowed', `${event.requestContext?.http?.method} is not allowed on ${path}`, {}, { allow: [...new Set(allowed)].join(', ') });
    return problemResponse(problem, path, requestId);
  }
  return problemResponse(domainProblem(notFound(`no route ${path}`)), path, requestId);
}

export const handler = async (event: HttpEvent, context: Parameters<typeof api>[1]) => {
  if (event.routeKey === '$default') return fallback(event);
  return api(event, context);
};
