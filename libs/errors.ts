/**
 * Domain errors: what a store, a lifecycle step, an operation or a schedule says when it cannot do
 * what was asked. They know nothing of HTTP; `libs/http/problem.ts` maps each kind to a problem
 * document in one place, and a schedule or queue worker asks `error instanceof NotReady`, not
 * "status 409?".
 */
export interface FieldError {
  /** Where the bad value is: `body.units[3].area`, `query.limit`, `path.compoundId`. */
  field: string;
  reason: string;
}

export type DomainErrorKind = 'invalid' | 'forbidden' | 'not_found' | 'conflict' | 'not_ready' | 'rule_broken' | 'busy';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    readonly detail: string,
    /** Field-level reasons, and anything else a caller may act on (e.g. `existing`). */
    readonly extensions: { errors?: FieldError[]; [key: string]: unknown } = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

/** The input is malformed (a cursor we did not issue, an impossible range). */
export class Invalid extends DomainError {
  readonly kind = 'invalid';
}
/** The caller may not do this here (beyond what the route's roles already check). */
export class Forbidden extends DomainError {
  readonly kind = 'forbidden';
}
export class NotFound extends DomainError {
  readonly kind = 'not_found';
}
/** The state does not allow it (already exists, already done, changed meanwhile). */
export class Conflict extends DomainError {
  readonly kind = 'conflict';
}
/** Not yet: it will be possible later without anyone changing the request (a roll still arriving, a vote not open yet). */
export class NotReady extends DomainError {
  readonly kind = 'not_ready';
}
/** A rule of the domain refuses it (the law, a threshold, an amount over what remains). */
export class RuleBroken extends DomainError {
  readonly kind = 'rule_broken';
}
/** Contention: nothing was written; the same request may succeed if retried shortly. */
export class Busy extends DomainError {
  readonly kind = 'busy';
}

export const invalid = (detail: string, errors?: FieldError[]) => new Invalid(detail, errors ? { errors } : {});
export const forbidden = (detail: string) => new Forbidden(detail);
export const notFound = (detail: string) => new NotFound(detail);
export const conflict = (detail: string, extensions: Record<string, unknown> = {}) => new Conflict(detail, extensions);
export const notReady = (detail: string) => new NotReady(detail);
export const ruleBroken = (detail: string, errors?: FieldError[]) => new RuleBroken(detail, errors ? { errors } : {});
export const busy = (detail: string) => new Busy(detail);
