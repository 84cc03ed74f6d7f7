import { httpApi } from '../../libs/http/api';
import { areaRoutes } from './http/areas';
import { compoundRoutes } from './http/compounds';
import { gridRoutes } from './http/grid';
import { importRoutes } from './http/imports';
import { rollRoutes } from './http/roll';
import * as store from './store';

/** The registry's HTTP function: areas, compounds, their rolls and their grid (handlers in ./http/). */
export const handler = httpApi({
  service: 'registry',
  idempotency: true,
  locate: store.locateCompound,
  implementations: [...areaRoutes, ...compoundRoutes, ...rollRoutes, ...importRoutes, ...gridRoutes],
});
