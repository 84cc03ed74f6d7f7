import { httpApi } from '../../libs/http/api';
import { disclosureRoutes } from './http/disclosures';
import { ledgerRoutes } from './http/ledger';
import { levyRoutes } from './http/levy';
import { projectRoutes } from './http/projects';
import { reportRoutes } from './http/reports';
import { registry } from './store/table';

/** The funds API: one function, its routes in http/ by subject. */
export const handler = httpApi({
  service: 'funds',
  idempotency: true,
  locate: (compoundId) => registry.locateCompound(compoundId),
  implementations: [...ledgerRoutes, ...projectRoutes, ...levyRoutes, ...disclosureRoutes, ...reportRoutes],
});
