import type { CompoundLocation } from '../../libs/auth';
import { clock } from '../../libs/clock';
import { httpApi } from '../../libs/http/api';
import { disclosureRoutes } from './http/disclosures';
import { ledgerRoutes } from './http/ledger';
import { levyRoutes } from './http/levy';
import { projectRoutes } from './http/projects';
import { reportRoutes } from './http/reports';
import { registry } from './store/table';

/**
 * Where a compound is, remembered for a minute per instance: a compound's district, street and
 * community do not change, and a hot ledger's every request would otherwise read it again.
 */
const LOCATION_TTL_MS = 60_000;
const locations = new Map<string, { at: number; location: Promise<CompoundLocation | undefined> }>();
function locate(compoundId: string): Promise<CompoundLocation | undefined> {
  const now = clock.now().getTime();
  const known = locations.get(compoundId);
  if (known && now - known.at < LOCATION_TTL_MS) return known.location;
  if (locations.size > 5_000) locations.clear();
  const location = registry.locateCompound(compoundId);
  // An unknown compound is not remembered: it may be registered in a moment.
  void location.then(
    (l) => (l ? undefined : locations.delete(compoundId)),
    () => locations.delete(compoundId),
  );
  locations.set(compoundId, { at: now, location });
  return location;
}

/** The funds API: one function, its routes in http/ by subject. */
export const handler = httpApi({
  service: 'funds',
  idempotency: true,
  locate,
  implementations: [...ledgerRoutes, ...projectRoutes, ...levyRoutes, ...disclosureRoutes, ...reportRoutes],
});
