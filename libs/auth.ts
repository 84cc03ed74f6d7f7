import { grantsClaim } from './config';
import { ID_PATTERN } from './ids';
import { forbidden } from './errors';
import { unauthorized } from './http/problem';

/**
 * Roles, each scoped. A grant is written `role:scope` (owner grants add the owner id, grid grants the building), e.g.
 *   owner:C1:O42   the owner O42 of units in compound C1
 *   grid:C1:B03    the building head (楼栋长) of building B03 in compound C1: reaches compound C1, and
 *                  acts for units of B03 only where a route says so (Principal.buildingsIn)
 *   committee:C1   a member of C1's owners' committee (or temporary management committee)
 *   property:C1    the property company serving C1
 *   community:K7   a community (residents') committee: reviewer of the compounds in community K7
 *   street:S3      a street office: every compound in street S3
 *   district:D1    a district housing office: every compound in district D1
 *   inspector:S3   a discipline inspector supervising street S3
 *   department:fire-rescue  an enforcement department of the 8+X alliance, city-wide
 *   bureau         the city housing bureau: everything
 */
export const ROLES = ['owner', 'grid', 'committee', 'property', 'community', 'street', 'district', 'inspector', 'department', 'bureau'] as const;
export type Role = (typeof ROLES)[number];

export interface Grant {
  role: Role;
  /** Compound, community, street, district or department id; empty for the bureau. */
  scope: string;
  ownerId?: string;
  /** Grid grants: the building of the compound the holder heads. */
  buildingId?: string;
}

/** Where a compound sits in the city's hierarchy: what scoped grants are checked against. */
export interface CompoundLocation {
  compoundId: string;
  communityId: string;
  streetId: string;
  districtId: string;
}

export function parseGrant(text: string): Grant | undefined {
  const [role, scope = '', third, ...rest] = text.split(':');
  if (!ROLES.includes(role as Role) || rest.length > 0) return undefined;
  if (role === 'bureau') return scope === '' ? { role: 'bureau', scope: '' } : undefined;
  if (!ID_PATTERN.test(scope)) return undefined;
  if (role === 'owner') return third && ID_PATTERN.test(third) ? { role, scope, ownerId: third } : undefined;
  if (role === 'grid') return third && ID_PATTERN.test(third) ? { role, scope, buildingId: third } : undefined;
  return third === undefined ? { role: role as Role, scope } : undefined;
}

/**
 * Grants from a claim value, in every shape a token's claim reaches a handler:
 *  - a space-separated string (the local issuer, Cognito's `custom:grants` attribute and the access-token claim the pre-token trigger adds);
 *  - a JSON array (an issuer that sends the claim as an array, read from the token itself);
 *  - API Gateway's HTTP API JWT authorizer's rendering of an array claim: every claim reaches the Lambda as a
 *    string, an array as its elements between brackets separated by spaces, `[owner:C1:O1 committee:C1]`;
 *  - that array's JSON text (`["owner:C1:O1","committee:C1"]`), should a claim arrive serialized.
 * A grant never holds a space, comma, bracket or quote (ids are ID_PATTERN), so splitting on them is safe.
 * Unknown or malformed grants are ignored, never widened; a claim of any other type carries none.
 */
export function parseGrants(claim: unknown): Grant[] {
  return grantTexts(claim)
    .map(parseGrant)
    .filter((g): g is Grant => g !== undefined);
}

function grantTexts(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === 'string').flatMap(grantTexts);
  if (typeof claim !== 'string') return [];
  const text = claim.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return grantTexts(parsed);
    } catch {
      // Not JSON: the authorizer's `[a b]` form, split below.
    }
    return text
      .slice(1, -1)
      .split(/[\s,]+/)
      .filter(Boolean);
  }
  return text.split(/\s+/).filter(Boolean);
}

export const formatGrant = (g: Grant): string =>
  g.role === 'bureau' ? 'bureau' : g.role === 'owner' ? `owner:${g.scope}:${g.ownerId}` : g.role === 'grid' ? `grid:${g.scope}:${g.buildingId}` : `${g.role}:${g.scope}`;

/** Does this grant reach this compound? Departments act city-wide within their remit. */
export function grantCovers(grant: Grant, location: CompoundLocation): boolean {
  switch (grant.role) {
    case 'bureau':
    case 'department':
      return true;
    case 'district':
      return grant.scope === location.districtId;
    case 'street':
    case 'inspector':
      return grant.scope === location.streetId;
    case 'community':
      return grant.scope === location.communityId;
    case 'owner':
    case 'grid':
    case 'committee':
    case 'property':
      return grant.scope === location.compoundId;
  }
}

export class Principal {
  constructor(
    readonly subject: string,
    readonly grants: readonly Grant[],
  ) {}

  static fromClaims(claims: Record<string, unknown> | undefined): Principal | undefined {
    const subject = claims?.sub;
    if (typeof subject !== 'string' || subject === '') return undefined;
    // Cognito's ID token is for the client application; the API takes its access token (docs/auth.md).
    if (claims?.token_use !== undefined && claims.token_use !== 'access') return undefined;
    return new Principal(subject, parseGrants(claims?.[grantsClaim()]));
  }

  /** Grants of these roles that reach the compound (or, without a location, that hold the role at all). */
  grantsFor(roles: readonly Role[], location?: CompoundLocation): Grant[] {
    return this.grants.filter((g) => roles.includes(g.role) && (!location || grantCovers(g, location)));
  }

  can(roles: readonly Role[], location?: CompoundLocation): boolean {
    return this.grantsFor(roles, location).length > 0;
  }

  /** The owner id this caller holds in the compound, if any. Never taken from a request body. */
  ownerIdIn(compoundId: string): string | undefined {
    return this.grants.find((g) => g.role === 'owner' && g.scope === compoundId)?.ownerId;
  }

  /** The buildings of the compound this caller heads (grid grants); a route decides what a head may do there. */
  buildingsIn(compoundId: string): string[] {
    return this.grants.filter((g) => g.role === 'grid' && g.scope === compoundId).map((g) => g.buildingId!);
  }

  isCityWide(): boolean {
    return this.grants.some((g) => g.role === 'bureau');
  }
}

export type Allow = readonly Role[] | 'public';

/** The check every route runs: 401 without a caller, 403 without a matching grant. */
export function authorize(claims: Record<string, unknown> | undefined, allow: Allow, location?: CompoundLocation): Principal | undefined {
  if (allow === 'public') return Principal.fromClaims(claims);
  const principal = Principal.fromClaims(claims);
  if (!principal && claims?.token_use === 'id') throw unauthorized('send the access token (Authorization: Bearer <access token>), not the ID token');
  if (!principal) throw unauthorized('a valid bearer token is required');
  if (!principal.can(allow, location)) {
    const where = location ? ` for compound ${location.compoundId}` : '';
    throw forbidden(`this route needs one of the roles ${allow.join(', ')}${where}`);
  }
  return principal;
}

/** A part of the city: everything, a district, or a street (of a district). */
export interface AreaScope {
  districtId?: string;
  streetId?: string;
}

/**
 * The part of the city a list or report may cover. City-wide roles choose freely; a district office
 * is held to its district and a street office to its street (asking for another is a 403).
 */
export function officialScope(principal: Principal, requested: AreaScope, cityWide: readonly Role[] = ['bureau']): AreaScope {
  let { districtId, streetId } = requested;
  if (!principal.can(cityWide)) {
    const district = principal.grants.find((g) => g.role === 'district')?.scope;
    const street = principal.grants.find((g) => g.role === 'street')?.scope;
    if (district) {
      if (districtId && districtId !== district) throw forbidden('you may see only your own district');
      districtId = district;
    } else if (street) {
      if (streetId && streetId !== street) throw forbidden('you may see only your own street');
      streetId = street;
    }
  }
  return { districtId, streetId };
}
