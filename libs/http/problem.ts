import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { $ZodError } from 'zod/v4/core';

export interface FieldError {
  /** Where the bad value is: `body.units[3].area`, `query.limit`, `path.compoundId`. */
  field: string;
  reason: string;
}

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

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new HttpProblem(400, 'Bad Request', detail, errors ? { errors } : {});
export const unauthorized = (detail: string) =>
  new HttpProblem(401, 'Unauthorized', detail, {}, { 'www-authenticate': 'Bearer' });
export const forbidden = (detail: string) => new HttpProblem(403, 'Forbidden', detail);
export const notFound = (detail: string) => new HttpProblem(404, 'Not Found', detail);
export const conflict = (detail: string, extensions: Record<string, unknown> = {}) =>
  new HttpProblem(409, 'Conflict', detail, extensions);
export const unprocessable = (detail: string, errors?: FieldError[]) =>
  new HttpProblem(422, 'Unprocessable Content', detail, errors ? { errors } : {});

export function zodFieldErrors(where: string, error: $ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    return { field: `${where}${path}`, reason: issue.message };
  });
}

export function problemResponse(
  problem: HttpProblem,
  instance: string,
  requestId: string,
): APIGatewayProxyStructuredResultV2 {
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
