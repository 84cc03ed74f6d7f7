import { httpApi } from '../../libs/http/api';
import { locate } from './cases';
import { getComplaint } from './store/complaints';
import { complaintImplementations } from './http/complaints';
import { mediationImplementations } from './http/mediation';
import { open311Errors } from './http/open311-format';
import { open311Implementations } from './http/open311';
import { recordImplementations } from './http/records';
import { reportImplementations } from './http/reports';

/** The disputes service's HTTP function: the one window, mediation and courts, records, reports, Open311. */
export const handler = httpApi({
  service: 'disputes',
  idempotency: true,
  locate: (compoundId) => locate(compoundId),
  // Routes addressed by a complaint are scoped by the compound the complaint is in.
  locateResource: async (_route, params) => {
    const c = typeof params.complaintId === 'string' ? await getComplaint(params.complaintId, false) : undefined;
    return c && locate(c.compoundId);
  },
  errorFormats: { open311: open311Errors },
  implementations: [...complaintImplementations, ...mediationImplementations, ...recordImplementations, ...reportImplementations, ...open311Implementations],
});
