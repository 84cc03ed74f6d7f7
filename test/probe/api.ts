import { httpApi, implement } from '../../libs/http/api';
import { probeRoutes } from './topology';

const things: Record<string, { compoundId: string; districtId: string; streetId: string; communityId: string }> = {
  T1: { compoundId: 'C1', districtId: 'D1', streetId: 'S1', communityId: 'K1' },
};

export const handler = httpApi({
  service: 'probe',
  implementations: [
    implement(probeRoutes.getThing, async ({ params, location }) => ({ body: { thingId: params.thingId, compoundId: location?.compoundId } })),
    implement(probeRoutes.postForm, async ({ body }) => ({ status: 201, body })),
  ],
  locateResource: async (_route, params) => things[params.thingId as string],
  errorFormats: { plain: (problem) => ({ statusCode: problem.status, headers: { 'content-type': 'text/plain' }, body: `ERR ${problem.status}: ${problem.detail}` }) },
});
