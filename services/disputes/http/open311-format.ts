import XMLBuilder from 'fast-xml-builder';
import type { HttpEvent, HttpResult, Reply } from '../../../libs/http/api';
import type { HttpProblem } from '../../../libs/http/problem';
import { formatOfPath, type Format } from '../domain/open311';

/**
 * Open311 in JSON and XML. The XML is the spec's (schemaless, no namespace, UTF-8 declaration);
 * the JSON is its Spark-convention mapping: a list element (`<services><service>…`) is a JSON array,
 * so the same data is written once and wrapped for XML by naming each list's element.
 */
const builder = new XMLBuilder({ ignoreAttributes: false, format: false, suppressEmptyNode: false });

export const CONTENT_TYPES: Record<Format, string> = { json: 'application/json; charset=utf-8', xml: 'text/xml; charset=utf-8' };

/** The element name of each list's items in XML. */
const ITEM: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
  errors: 'error',
};

function forXml(value: unknown, name?: string): unknown {
  if (Array.isArray(value)) {
    const item = name && ITEM[name];
    if (!item) throw new Error(`no XML element name for the items of ${name}`);
    return { [item]: value.map((v) => forXml(v, item)) };
  }
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forXml(v, k)]));
  return value;
}

export function toXml(root: string, value: unknown): string {
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, [root]: forXml(value, root) });
}

/** A reply in the format asked for: `root` names the XML document element (and, for a list, implies its items' element). */
export function render(format: Format, root: string, value: unknown, status = 200, headers: Record<string, string> = {}): Reply {
  return { status, contentType: CONTENT_TYPES[format], headers, body: format === 'json' ? JSON.stringify(value) : toXml(root, value) };
}

/**
 * Errors as the spec has them: an array of { code, description } (XML `<errors><error>…`). HTTP
 * statuses: 403 for a missing or bad api_key (and any other refusal), 404 for what does not exist,
 * 400 for everything else the client must change; a failure on our side stays a 5xx.
 */
export function open311Errors(problem: HttpProblem, event: HttpEvent, requestId: string): HttpResult {
  const status = problem.status === 401 || problem.status === 403 ? 403 : problem.status === 404 ? 404 : problem.status < 500 ? 400 : problem.status;
  const fieldErrors = problem.extensions.errors ?? [];
  const errors = fieldErrors.length
    ? fieldErrors.map((e) => ({ code: status, description: `${e.field.replace(/^(body|query|path)\.?/, '') || e.field}: ${e.reason}; ${problem.detail ?? problem.title}` }))
    : [{ code: status, description: problem.detail ?? problem.title }];
  const format = formatOfPath(event.rawPath ?? '');
  return {
    statusCode: status,
    headers: { 'content-type': CONTENT_TYPES[format], 'x-request-id': requestId, ...problem.headers },
    body: format === 'json' ? JSON.stringify(errors) : toXml('errors', errors),
  };
}
