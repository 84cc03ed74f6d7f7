import type { Principal } from '../../../libs/auth';
import { forbidden } from '../../../libs/errors';
import type { PoolScope } from '../store/pool';
import { getArea } from '../store/summaries';

/**
 * The part of the city a caller may read, from stored data (where streets and communities are, as
 * the registry's compounds say), narrowed by what they ask for. The bureau reads everything; a
 * district its district; a street office its street; a community its community. Asking for more is
 * a 403. `undefined`: the caller's area holds no compound yet (nothing to read).
 */
export async function readableScope(principal: Principal, asked: PoolScope): Promise<PoolScope | undefined> {
  const grant = (role: string) => principal.grants.find((g) => g.role === role)?.scope;
  let scope: PoolScope;
  if (principal.can(['bureau'])) scope = {};
  else if (grant('district')) scope = { districtId: grant('district') };
  else if (grant('street')) {
    const area = await getArea('street', grant('street')!);
    if (!area) return undefined;
    scope = { districtId: area.districtId, streetId: grant('street') };
  } else if (grant('community')) {
    const area = await getArea('community', grant('community')!);
    if (!area) return undefined;
    scope = { ...area, communityId: grant('community') };
  } else throw forbidden('no role that reads the pool');

  for (const key of ['districtId', 'streetId', 'communityId'] as const) {
    if (asked[key] && scope[key] && asked[key] !== scope[key]) throw forbidden(`you may read only your own ${key.replace('Id', '')}`);
  }
  // Narrow to what was asked, placing a street or community in its district from stored data.
  const narrowed: PoolScope = { ...scope };
  if (asked.communityId && !narrowed.communityId) {
    const area = await getArea('community', asked.communityId);
    if (!area) return undefined;
    if ((narrowed.districtId && area.districtId !== narrowed.districtId) || (narrowed.streetId && area.streetId !== narrowed.streetId)) throw forbidden('that community is outside your area');
    Object.assign(narrowed, area, { communityId: asked.communityId });
  }
  if (asked.streetId && !narrowed.streetId) {
    const area = await getArea('street', asked.streetId);
    if (!area) return undefined;
    if (narrowed.districtId && area.districtId !== narrowed.districtId) throw forbidden('that street is outside your area');
    Object.assign(narrowed, { districtId: area.districtId, streetId: asked.streetId });
  }
  if (asked.districtId && !narrowed.districtId) narrowed.districtId = asked.districtId;
  return narrowed;
}
