import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { $ZodError } from 'zod/v4/core';
import { DomainError, type DomainErrorKind, type FieldError } from '../errors';

export type { FieldError };

/** An RFC 9457 problem. Throw it anywhere in a handler; the HTTP stack turns it into a response. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: { errors?: FieldError[]; [key: string]: unknown } = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }
}

/** HTTP-only problems; everything else is a domain error (libs/errors.ts) mapped by `toProblem`. */
export const badRequest = (detail: string, errors?: FieldError[]) => new HttpProblem(400, 'Bad Request', detail, errors ? { errors } : {});
export const unauthorized = (detail: string) => new HttpProblem(401, 'Unauthorized', detail, {}, { 'www-authenticate': 'Bearer' });

const STATUS: Record<DomainErrorKind, [number, string]> = {
  invalid: [400, 'Bad Request'],
  forbidden: [403, 'Forbidden'],
  not_found: [404, 'Not Found'],
  conflict: [409, 'Conflict'],
  not_ready: [409, 'Conflict'],
  rule_broken: [422, 'Unprocessable Content'],
  busy: [503, 'Service Unavailable'],
};

/** The one place where a domain error becomes an HTTP status. */
export function domainProblem(error: DomainError): HttpProblem {
  const [status, title] = STATUS[error.kind];
  const headers: Record<string, string> = error.kind === 'busy' ? { 'retry-after': '1' } : {};
  return new HttpProblem(status, title, error.detail, error.extensions, headers);
}

export function zodFieldErrors(where: string, error: $ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    return { field: `${where}${path}`, reason: issue.message };
  });
}

export function problemResponse(problem: HttpProblem, instance: string, requestId: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', 'x-request-id': requestId, ...problem.headers },
    body: JSON.stringify({
      type: 'about:blank',
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      instance,
      requestId,
      ...problem.extensions,
    }),
  };
}
