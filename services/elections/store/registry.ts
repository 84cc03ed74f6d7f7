import type { AreaScope, CompoundLocation } from '../../../libs/auth';
import { RegistryReadModel, type CompoundView } from '../../registry/kit/read-model';
import type { RollUnit } from '../domain/candidates';
import { table } from './keys';

/** This service's copy of the registry's compounds and rolls (services/registry/kit). */
export const registry = new RegistryReadModel(table);
export type CompoundItem = CompoundView;

export const getCompound = (compoundId: string) => registry.getCompound(compoundId);
export const compoundsIn = (scope: AreaScope) => registry.compoundsIn(scope);
export const loadActiveRoll = (compound: CompoundView) => registry.loadActiveRoll(compound) as Promise<{ rollVersion: number; units: RollUnit[] } | undefined>;

/**
 * Where a compound is, for authorization on every request. A compound's district, street and
 * community do not change, so an instance keeps what it located for ten minutes: a ballot then costs
 * no read for it. Handlers that need the compound's current roll read it themselves.
 */
const located = new Map<string, { location: CompoundLocation; until: number }>();
const LOCATION_TTL_MS = 10 * 60_000;

export async function locateCompound(compoundId: string): Promise<CompoundLocation | undefined> {
  const cached = located.get(compoundId);
  if (cached && cached.until > Date.now()) return cached.location;
  const view = await registry.locateCompound(compoundId);
  if (!view) return undefined;
  const location = { compoundId: view.compoundId, districtId: view.districtId, streetId: view.streetId, communityId: view.communityId };
  if (located.size > 5_000) located.clear();
  located.set(compoundId, { location, until: Date.now() + LOCATION_TTL_MS });
  return location;
}

/** The compounds of a list, located (unknown ones are missing from the map). */
export async function locateAll(compoundIds: readonly string[]): Promise<Map<string, CompoundLocation>> {
  const found = new Map<string, CompoundLocation>();
  await Promise.all(
    [...new Set(compoundIds)].map(async (c) => {
      const location = await locateCompound(c);
      if (location) found.set(c, location);
    }),
  );
  return found;
}
