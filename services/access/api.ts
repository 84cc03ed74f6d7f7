import { forbidden, notFound } from '../../libs/errors';
import { httpApi, implement } from '../../libs/http/api';
import { assign, grantFromPath, placeOf, revoke, visibleStreets } from './grants';
import * as store from './store';
import { routes } from './topology';

const userGrants = implement(routes.userGrants, async ({ params, principal }) => {
  const streets = visibleStreets(principal);
  const items = (await store.activeGrants(params.userId)).filter((r) => !streets || streets.some((s) => r.area === `street:${s}`));
  return { body: { userId: params.userId, items } };
});

const assignGrant = implement(routes.assignGrant, async ({ params, principal }) => {
  const { record, created } = await assign(principal, params.userId, grantFromPath(params.grant));
  return {
    status: created ? 201 : 200,
    body: record,
    headers: created ? { location: `/users/${params.userId}/grants/${encodeURIComponent(record.grant)}` } : undefined,
  };
});

const revokeGrant = implement(routes.revokeGrant, async ({ params, principal }) => {
  if (!(await revoke(principal, params.userId, grantFromPath(params.grant)))) throw notFound(`${params.userId} does not hold ${params.grant}`);
  return { status: 204 };
});

const listUsers = implement(routes.listUsers, async ({ query, principal }) => {
  let area: string;
  let prefix: string | undefined;
  if (query.compoundId || query.communityId) {
    const place = query.compoundId ? await placeOf({ role: 'committee', scope: query.compoundId }) : await placeOf({ role: 'community', scope: query.communityId! });
    if (!('streetId' in place)) throw notFound('no such place');
    area = `street:${place.streetId}`;
    prefix = query.compoundId ? `compound#${query.compoundId}#` : `community#${query.communityId}#`;
  } else if (query.streetId) area = `street:${query.streetId}`;
  else if (query.districtId) area = `district:${query.districtId}`;
  else {
    const streets = visibleStreets(principal);
    area = streets ? `street:${streets[0]}` : 'city';
  }
  const streets = visibleStreets(principal);
  if (streets && !streets.some((s) => area === `street:${s}`)) throw forbidden('a street office sees the grants of its own street only');
  const page = await store.listArea(area, prefix, query.limit, query.cursor);
  return { body: { area, ...page } };
});

export const handler = httpApi({ service: 'access', implementations: [userGrants, assignGrant, revokeGrant, listUsers] });
