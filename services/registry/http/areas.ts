import { AreaRegistered } from '../../../events/catalogue';
import { clock } from '../../../libs/clock';
import { implement } from '../../../libs/http/api';
import { CITY_WIDE } from '../domain/areas';
import * as store from '../store';
import { routes } from '../topology';
import { mustReach, pathOf } from './scope';

const registered = (actor: string, data: Parameters<typeof AreaRegistered.create>[0]) => AreaRegistered.create(data, { compoundId: null, actor, occurredAt: clock.nowIso() });

const registerDistrict = implement(routes.registerDistrict, async ({ body, principal }) => {
  const district = await store.putArea('district', body, principal.subject, registered(principal.subject, { kind: 'district', areaId: body.districtId, name: body.name, districtId: body.districtId }));
  return { status: 201, body: district, headers: { location: `/districts/${body.districtId}` } };
});

const listDistricts = implement(routes.listDistricts, async ({ query, principal }) => {
  if (principal.can(CITY_WIDE)) return { body: await store.listAreas('district', '', query.limit, query.cursor) };
  // A district office sees its own district(s).
  const own = principal.grantsFor(['district']).map((g) => g.scope);
  const items = (await Promise.all(own.map((d) => store.getArea('district', d)))).filter((d) => d !== undefined);
  return { body: { items } };
});

const registerStreet = implement(routes.registerStreet, async ({ body, principal }) => {
  mustReach(principal, await pathOf('district', body.districtId), `district ${body.districtId}`);
  const street = await store.putArea('street', body, principal.subject, registered(principal.subject, { kind: 'street', areaId: body.streetId, name: body.name, districtId: body.districtId }));
  return { status: 201, body: street };
});

const listStreets = implement(routes.listStreets, async ({ params, query, principal }) => {
  mustReach(principal, await pathOf('district', params.districtId), `district ${params.districtId}`);
  return { body: await store.listAreas('street', params.districtId, query.limit, query.cursor) };
});

const registerCommunity = implement(routes.registerCommunity, async ({ body, principal }) => {
  // The community's district is its street's, as stored: the body names only the street.
  const street = await pathOf('street', body.streetId);
  mustReach(principal, street, `street ${body.streetId}`);
  const community = { communityId: body.communityId, streetId: body.streetId, districtId: street.districtId, name: body.name };
  await store.putArea(
    'community',
    community,
    principal.subject,
    registered(principal.subject, { kind: 'community', areaId: body.communityId, name: body.name, districtId: street.districtId, streetId: body.streetId }),
  );
  return { status: 201, body: community };
});

const listCommunities = implement(routes.listCommunities, async ({ params, query, principal }) => {
  mustReach(principal, await pathOf('street', params.streetId), `street ${params.streetId}`);
  return { body: await store.listAreas('community', params.streetId, query.limit, query.cursor) };
});

export const areaRoutes = [registerDistrict, listDistricts, registerStreet, listStreets, registerCommunity, listCommunities];
