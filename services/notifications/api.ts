import { httpApi } from '../../libs/http/api';
import { broadcastRoutes } from './http/broadcasts';
import { inboxRoutes } from './http/inbox';
import { preferenceRoutes } from './http/preferences';
import { registry } from './store/registry';

/** The notifications API: the inbox, preferences, and the grid's view of who a notice reached. */
export const handler = httpApi({
  service: 'notifications',
  idempotency: true,
  locate: (compoundId) => registry.locateCompound(compoundId),
  implementations: [...inboxRoutes, ...preferenceRoutes, ...broadcastRoutes],
});
