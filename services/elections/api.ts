import { httpApi } from '../../libs/http/api';
import { ballotRoutes } from './http/ballots';
import { candidateRoutes } from './http/candidates';
import { committeeRoutes } from './http/committee';
import { negativeListRoutes } from './http/negative-list';
import { objectionRoutes } from './http/objections';
import { paperRoutes } from './http/paper';
import { poolRoutes } from './http/pool';
import { proxyRoutes } from './http/proxies';
import { reportRoutes } from './http/reports';
import { turnoutRoutes } from './http/turnout';
import { voteRoutes } from './http/votes';
import { locateCompound } from './store/registry';

/** The elections API: one function serving the routes of services/elections/topology.ts, one file per aggregate under http/. */
export const handler = httpApi({
  service: 'elections',
  idempotency: true,
  locate: locateCompound,
  implementations: [
    ...voteRoutes,
    ...candidateRoutes,
    ...ballotRoutes,
    ...paperRoutes,
    ...turnoutRoutes,
    ...proxyRoutes,
    ...objectionRoutes,
    ...committeeRoutes,
    ...negativeListRoutes,
    ...poolRoutes,
    ...reportRoutes,
  ],
});
