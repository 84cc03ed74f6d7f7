import { GridRoleAssigned, GridRoleRevoked } from '../../../events/catalogue';
import { clock } from '../../../libs/clock';
import { ruleBroken } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import * as store from '../store';
import { routes } from '../topology';

const assignGridRole = implement(routes.assignGridRole, async ({ location, params, body, principal }) => {
  const compound = store.locatedCompound(location);
  if (body.buildingId && !(body.buildingId in compound.buildings)) {
    throw ruleBroken(`building ${body.buildingId} is not in the roll`, [{ field: 'body.buildingId', reason: 'unknown building' }]);
  }
  if ((body.role === 'building_head' || body.role === 'building_assistant') && !body.buildingId) {
    throw ruleBroken('a building head or assistant needs a building', [{ field: 'body.buildingId', reason: 'required for this role' }]);
  }
  const event = GridRoleAssigned.create(
    { compoundId: params.compoundId, role: body.role, personId: body.personId, name: body.name, buildingId: body.buildingId },
    { compoundId: params.compoundId, actor: principal.subject, occurredAt: clock.nowIso() },
  );
  await store.putGridRole(params.compoundId, body, event);
  return { status: 201, body };
});

const revokeGridRole = implement(routes.revokeGridRole, async ({ params, query, principal }) => {
  const role = { role: params.role, personId: params.personId, buildingId: query.buildingId };
  const event = GridRoleRevoked.create({ compoundId: params.compoundId, ...role }, { compoundId: params.compoundId, actor: principal.subject, occurredAt: clock.nowIso() });
  return { body: await store.revokeGridRole(params.compoundId, role, principal.subject, event) };
});

const listGridRoles = implement(routes.listGridRoles, async ({ params, query }) => ({
  body: await store.listGridRoles(params.compoundId, query.limit, query.cursor),
}));

export const gridRoutes = [assignGridRole, revokeGridRole, listGridRoles];
