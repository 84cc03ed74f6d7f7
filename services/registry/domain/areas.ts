import type { Grant, Role } from '../../../libs/auth';

/**
 * The city's areas as the registry keeps them: districts, streets (each in one district) and
 * communities (each in one street). A compound lies in a community, so in its street and district.
 * Where something is, is always read from the registry's own data, never taken from a request body.
 */
export interface AreaPath {
  districtId: string;
  streetId?: string;
  communityId?: string;
}

/** Roles that reach the whole city. */
export const CITY_WIDE: readonly Role[] = ['bureau', 'department'];

/**
 * Does a grant reach everything inside this area? A district office reaches its district; a street
 * office (and the street's discipline inspector) its street; a community committee its community.
 * Compound-scoped roles (owner, committee, property, grid) reach no area.
 */
export function grantReaches(grant: Grant, area: AreaPath): boolean {
  switch (grant.role) {
    case 'bureau':
    case 'department':
      return true;
    case 'district':
      return grant.scope === area.districtId;
    case 'street':
    case 'inspector':
      return area.streetId !== undefined && grant.scope === area.streetId;
    case 'community':
      return area.communityId !== undefined && grant.scope === area.communityId;
    case 'owner':
    case 'committee':
    case 'property':
    case 'grid':
      return false;
  }
}

/** The one area a grant stands for, named by its own id (its parents are looked up by the caller). */
export function grantArea(grant: Grant): { level: 'district' | 'street' | 'community'; id: string } | undefined {
  switch (grant.role) {
    case 'district':
      return { level: 'district', id: grant.scope };
    case 'street':
    case 'inspector':
      return { level: 'street', id: grant.scope };
    case 'community':
      return { level: 'community', id: grant.scope };
    default:
      return undefined;
  }
}

/** How deep an area is: a district, a street or a community. */
export const areaLevel = (area: AreaPath): 'district' | 'street' | 'community' => (area.communityId !== undefined ? 'community' : area.streetId !== undefined ? 'street' : 'district');
