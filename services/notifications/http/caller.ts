import type { Principal, Role } from '../../../libs/auth';
import { grantsClaim } from '../../../libs/config';
import { badRequest } from '../../../libs/http/problem';
import type { HttpEvent } from '../../../libs/http/api';
import { audiencesOf, buildingsHeaded, isSubject, type Audience } from '../domain/audiences';

/** The raw grants claim (for the building-head grant libs/auth does not parse yet). */
export const grantsClaimOf = (event: HttpEvent): unknown => (event.requestContext?.authorizer?.jwt?.claims as Record<string, unknown> | undefined)?.[grantsClaim()];

/** The caller's audiences: what their inbox holds and what their channels receive. */
export function callerAudiences(principal: Principal, event: HttpEvent): Audience[] {
  if (!isSubject(principal.subject)) throw badRequest('this token’s subject cannot hold an inbox');
  return audiencesOf(principal.subject, principal.grants, grantsClaimOf(event));
}

/** Roles that follow every broadcast of a compound they cover (building heads follow their own building). */
export const OFFICIAL_ROLES: Role[] = ['committee', 'community', 'street', 'district', 'inspector', 'bureau'];

/** The buildings of this compound the caller heads. */
export const headedIn = (event: HttpEvent, compoundId: string): string[] =>
  buildingsHeaded(grantsClaimOf(event))
    .filter((b) => b.compoundId === compoundId)
    .map((b) => b.buildingId);
