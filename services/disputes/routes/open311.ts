import * as z from '../../../events/zod';
import { id } from '../../../libs/ids';
import type { RouteDecl } from '../../../libs/topology';

/**
 * Open311 GeoReport v2 at /open311/v2/. API Gateway cannot put a variable inside a path segment, so
 * `requests.json` and `requests.xml` are two literal routes, and where the spec puts an id before the
 * extension (`requests/{id}.{format}`) the whole last segment is the parameter and the handler splits
 * it. Every form field and query argument arrives as text: the spec says an empty argument counts as
 * absent, so the handler drops empty ones and then checks the rest (services/disputes/http/open311-input.ts).
 * Unknown fields are ignored, not refused: Open311 clients send their own extensions.
 */
const field = z.optional(z.string().check(z.maxLength(4000)));
const file = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$/, 'a name with .json or .xml'));
const listQuery = z.object({
  jurisdiction_id: field,
  api_key: field,
  service_request_id: field,
  service_code: field,
  start_date: field,
  end_date: field,
  status: field,
  page: field,
  page_size: field,
});
const jurisdictionQuery = z.object({ jurisdiction_id: field });
const postBody = z.object({
  api_key: field,
  jurisdiction_id: field,
  service_code: field,
  lat: field,
  long: field,
  address_string: field,
  address_id: field,
  email: field,
  device_id: field,
  account_id: field,
  first_name: field,
  last_name: field,
  phone: field,
  description: field,
  media_url: field,
  attribute: z.optional(z.record(z.string().check(z.maxLength(64)), z.union([z.string().check(z.maxLength(500)), z.array(z.string().check(z.maxLength(500))).check(z.maxLength(20))]))),
});

const common = { allow: 'public', errorFormat: 'open311' } as const;

type Declared<M, E> = { operationId: string; method: M; path: string; summary: string } & typeof common & E;

/** The same route twice, once per format (`….json`, `….xml`). */
function formats<K extends string, M extends 'GET' | 'POST', E extends Partial<RouteDecl>>(name: K, method: M, path: string, summary: string, extra: E) {
  const one = (suffix: 'Json' | 'Xml', ext: string): Declared<M, E> => ({
    operationId: `${name}${suffix}`,
    method,
    path: `${path}.${ext}`,
    summary: `${summary} (${ext.toUpperCase()})`,
    ...common,
    ...extra,
  });
  return { [`${name}Json`]: one('Json', 'json'), [`${name}Xml`]: one('Xml', 'xml') } as Record<`${K}Json` | `${K}Xml`, Declared<M, E>>;
}

export const open311Routes = {
  ...formats('open311Discovery', 'GET', '/open311/v2/discovery', 'Open311 service discovery', {}),
  ...formats('open311Services', 'GET', '/open311/v2/services', 'Open311 service list: the one window’s categories', { query: jurisdictionQuery }),
  open311ServiceDefinition: {
    operationId: 'open311ServiceDefinition',
    method: 'GET',
    path: '/open311/v2/services/{serviceFile}',
    summary: 'Open311 service definition: the attributes a category asks for (services/{service_code}.json|xml)',
    ...common,
    params: z.strictObject({ serviceFile: file }),
    query: jurisdictionQuery,
  },
  ...formats('open311PostRequest', 'POST', '/open311/v2/requests', 'Open311: file a complaint (form-encoded, with the api_key the bureau issued)', {
    bodyType: 'form' as const,
    body: postBody,
    maxBodyBytes: 64 * 1024,
    successStatus: 201,
  }),
  ...formats('open311Requests', 'GET', '/open311/v2/requests', 'Open311: complaints by date, status and service code (at most 90 days, 1000 requests)', { query: listQuery }),
  open311Request: {
    operationId: 'open311Request',
    method: 'GET',
    path: '/open311/v2/requests/{requestFile}',
    summary: 'Open311: one complaint (requests/{service_request_id}.json|xml)',
    ...common,
    params: z.strictObject({ requestFile: file }),
    query: z.object({ jurisdiction_id: field, api_key: field }),
  },
  open311Token: {
    operationId: 'open311Token',
    method: 'GET',
    path: '/open311/v2/tokens/{tokenFile}',
    summary: 'Open311: the service_request_id of a tracking token (tokens/{token}.json|xml)',
    ...common,
    params: z.strictObject({ tokenFile: file }),
    query: jurisdictionQuery,
  },
  open311Media: {
    operationId: 'open311Media',
    method: 'GET',
    path: '/open311/v2/media/{complaintId}/{attachmentId}',
    summary: 'The media_url of a public complaint: redirects to a short-lived download URL',
    ...common,
    params: z.strictObject({ complaintId: z.string().check(z.regex(/^Q\d{8}-[0-9A-Z]{6}$/)), attachmentId: id }),
  },
} satisfies Record<string, RouteDecl>;
