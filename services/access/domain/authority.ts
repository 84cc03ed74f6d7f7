import { formatGrant, type Grant, type Role } from '../../../libs/auth';

/**
 * Who may assign and revoke which grants, and where each grant is listed. Pure: the service looks
 * up where a grant's scope lies (a compound's or community's street) and asks here.
 *
 *   bureau       any grant, anywhere
 *   street S     grants of compounds and communities in street S: owner, committee, property, community;
 *                never bureau, district, street, inspector or department grants
 *   anyone       never their own grants (an official does not widen or trim their own reach)
 */
export const STREET_ASSIGNABLE: readonly Role[] = ['owner', 'committee', 'property', 'community'];

/** Where a grant's scope lies in the city, from stored data (never from the request). */
export type Place =
  | { kind: 'compound'; compoundId: string; communityId: string; streetId: string; districtId: string }
  | { kind: 'community'; communityId: string; streetId: string; districtId: string }
  | { kind: 'street'; streetId: string }
  | { kind: 'district'; districtId: string }
  | { kind: 'city' };

/** What kind of place a grant's scope names. */
export function placeKindOf(grant: Grant): Place['kind'] {
  switch (grant.role) {
    case 'owner':
    case 'committee':
    case 'property':
      return 'compound';
    case 'community':
      return 'community';
    case 'street':
    case 'inspector':
      return 'street';
    case 'district':
      return 'district';
    case 'bureau':
    case 'department':
      return 'city';
  }
}

export type Verdict = { allowed: true } | { allowed: false; reason: string };

export function mayManage(manager: { subject: string; grants: readonly Grant[] }, userId: string, grant: Grant, place: Place): Verdict {
  if (userId === manager.subject) return { allowed: false, reason: 'nobody changes their own grants; ask the bureau or your street office' };
  if (manager.grants.some((g) => g.role === 'bureau')) return { allowed: true };
  const streets = manager.grants.filter((g) => g.role === 'street').map((g) => g.scope);
  if (streets.length === 0) return { allowed: false, reason: 'only the bureau and street offices manage grants' };
  if (!STREET_ASSIGNABLE.includes(grant.role)) return { allowed: false, reason: `a street office may not manage ${grant.role} grants (only ${STREET_ASSIGNABLE.join(', ')})` };
  const street = 'streetId' in place ? place.streetId : undefined;
  if (!street || !streets.includes(street)) return { allowed: false, reason: `${formatGrant(grant)} lies outside your street` };
  return { allowed: true };
}

/**
 * The list a grant appears in: a street's (grants of its compounds, communities, street office and
 * inspector), a district's, or the city's (bureau, departments). `sortKey` orders and narrows within it:
 * `compound#C1#…` lists compound C1's grants, `community#K1#…` community K1's.
 */
export function listingOf(grant: Grant, place: Place, userId: string): { area: string; sortKey: string } {
  const text = formatGrant(grant);
  switch (place.kind) {
    case 'compound':
      return { area: `street:${place.streetId}`, sortKey: `compound#${place.compoundId}#${userId}#${text}` };
    case 'community':
      return { area: `street:${place.streetId}`, sortKey: `community#${place.communityId}#${userId}#${text}` };
    case 'street':
      return { area: `street:${place.streetId}`, sortKey: `street#${place.streetId}#${userId}#${text}` };
    case 'district':
      return { area: `district:${place.districtId}`, sortKey: `district#${place.districtId}#${userId}#${text}` };
    case 'city':
      return { area: 'city', sortKey: `city#${userId}#${text}` };
  }
}

/** Cognito's `custom:grants` holds at most 2048 characters: the space-separated grants must fit. */
export const MAX_GRANTS_TEXT = 2048;

export const grantsText = (grants: readonly Grant[]): string => [...new Set(grants.map(formatGrant))].sort().join(' ');

export function fitsDirectory(grants: readonly Grant[]): boolean {
  return grantsText(grants).length <= MAX_GRANTS_TEXT;
}
