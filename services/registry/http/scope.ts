import type { Principal } from '../../../libs/auth';
import { forbidden, notFound, ruleBroken } from '../../../libs/errors';
import { CITY_WIDE, grantArea, grantReaches, type AreaPath } from '../domain/areas';
import * as store from '../store';

/**
 * Where a caller may act, decided from the registry's own areas: the caller's grants are compared
 * with the stored path of the area (community → street → district), never with ids in a body.
 */
export function reaches(principal: Principal, area: AreaPath): boolean {
  return principal.grants.some((g) => grantReaches(g, area));
}

export function mustReach(principal: Principal, area: AreaPath, what: string): void {
  if (!reaches(principal, area)) throw forbidden(`${what} is outside your area`);
}

/** The stored path of a registered area, or 404. */
export async function pathOf(level: store.AreaLevel, id: string): Promise<AreaPath> {
  const path = await store.areaPath(level, id);
  if (!path) throw notFound(`${level} ${id} is not registered`);
  return path;
}

/**
 * The area a list covers: the most specific one asked for (community, street, district), checked
 * against the parents asked for too; without one, the caller's own area (city-wide roles: the city).
 * Returns undefined for the whole city.
 */
export async function requestedArea(principal: Principal, asked: { districtId?: string; streetId?: string; communityId?: string }): Promise<AreaPath | undefined> {
  let area: AreaPath | undefined;
  if (asked.communityId) area = await pathOf('community', asked.communityId);
  else if (asked.streetId) area = await pathOf('street', asked.streetId);
  else if (asked.districtId) area = await pathOf('district', asked.districtId);
  if (area) {
    for (const key of ['districtId', 'streetId'] as const) {
      if (asked[key] && area[key] !== asked[key])
        throw notFound(`${asked.communityId ? `community ${asked.communityId}` : `street ${asked.streetId}`} is not in ${key === 'districtId' ? 'district' : 'street'} ${asked[key]}`);
    }
    mustReach(principal, area, 'this area');
    return area;
  }
  if (principal.can(CITY_WIDE)) return undefined;
  const own = [...new Map(principal.grants.flatMap((g) => grantArea(g) ?? []).map((a) => [`${a.level}:${a.id}`, a])).values()];
  if (own.length === 0) throw forbidden('your role covers no area of the city');
  if (own.length > 1) {
    throw ruleBroken('you hold roles in several areas: name one', [{ field: 'query', reason: 'give districtId, streetId or communityId' }]);
  }
  return pathOf(own[0]!.level, own[0]!.id);
}
