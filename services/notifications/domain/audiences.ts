import { formatGrant, type CompoundLocation, type Grant } from '../../../libs/auth';
import { ID_PATTERN } from '../../../libs/ids';

/**
 * Notices are addressed to audiences, written as the grants people hold (libs/auth.ts): the owner
 * `owner:C:O`, the committee `committee:C`, the street office `street:S`, the community `community:K`,
 * the discipline inspector `inspector:S`, a department `department:X`, the district `district:D`, the
 * bureau `bureau`, the property company `property:C`, a building head `grid:C:B`; and one person by
 * their token subject, `user:<sub>` (a complainant who filed in the app). A user's inbox is whatever
 * is addressed to an audience their token carries; nothing is addressed to a name.
 */
export type Audience = string;

export const audience = {
  owner: (compoundId: string, ownerId: string): Audience => `owner:${compoundId}:${ownerId}`,
  committee: (compoundId: string): Audience => `committee:${compoundId}`,
  property: (compoundId: string): Audience => `property:${compoundId}`,
  street: (streetId: string): Audience => `street:${streetId}`,
  community: (communityId: string): Audience => `community:${communityId}`,
  district: (districtId: string): Audience => `district:${districtId}`,
  inspector: (streetId: string): Audience => `inspector:${streetId}`,
  department: (departmentId: string): Audience => `department:${departmentId}`,
  bureau: (): Audience => 'bureau',
  buildingHead: (compoundId: string, buildingId: string): Audience => `grid:${compoundId}:${buildingId}`,
  user: (subject: string): Audience => `user:${subject}`,
};

/** The building-head grant: `grid:<compoundId>:<buildingId>`. */
const GRID = /^grid:([A-Za-z0-9][A-Za-z0-9_-]{0,63}):([A-Za-z0-9][A-Za-z0-9_-]{0,63})$/;

export function parseBuildingHeadGrant(text: string): { compoundId: string; buildingId: string } | undefined {
  const match = GRID.exec(text);
  return match ? { compoundId: match[1]!, buildingId: match[2]! } : undefined;
}

/**
 * Grant texts from the token's grants claim in the shapes a claim arrives in (a space-separated
 * string, an array, the authorizer's `[a b]` rendering): used for the building-head grant, which
 * libs/auth does not parse yet. Anything else is ignored.
 */
export function grantTextsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.flatMap(grantTextsOf);
  if (typeof claim !== 'string') return [];
  return claim.split(/[\s,[\]"]+/).filter(Boolean);
}

/** Buildings the caller heads, from the raw grants claim. */
export function buildingsHeaded(claim: unknown): { compoundId: string; buildingId: string }[] {
  return grantTextsOf(claim)
    .map(parseBuildingHeadGrant)
    .filter((g): g is { compoundId: string; buildingId: string } => g !== undefined);
}

/**
 * Every audience a caller belongs to: their grants as written, the building-head grants of their
 * claim, and themselves. Sorted and distinct, so a cursor over them is stable.
 */
export function audiencesOf(subject: string, grants: readonly Grant[], claim: unknown): Audience[] {
  const all = new Set<Audience>(grants.map(formatGrant));
  for (const g of buildingsHeaded(claim)) all.add(audience.buildingHead(g.compoundId, g.buildingId));
  all.add(audience.user(subject));
  return [...all].sort();
}

/** A subject that can stand in a key and an audience. Cognito's are UUIDs; the local issuer's are ids. */
export const isSubject = (subject: string): boolean => subject.length > 0 && subject.length <= 128 && !/[\s#|]/.test(subject);

/** Audiences for the officials of a compound, by its location. */
export const officialsOf = (location: CompoundLocation) => ({
  committee: audience.committee(location.compoundId),
  community: audience.community(location.communityId),
  street: audience.street(location.streetId),
  district: audience.district(location.districtId),
  inspector: audience.inspector(location.streetId),
});

export const isAudience = (text: string): boolean =>
  text === 'bureau' ||
  /^user:[^\s#|]{1,128}$/.test(text) ||
  GRID.test(text) ||
  (() => {
    const [role, scope, owner, ...rest] = text.split(':');
    if (rest.length || !scope || !ID_PATTERN.test(scope)) return false;
    if (role === 'owner') return owner !== undefined && ID_PATTERN.test(owner);
    return owner === undefined && ['committee', 'property', 'community', 'street', 'district', 'inspector', 'department'].includes(role!);
  })();
