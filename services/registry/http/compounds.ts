import { CompoundRegistered } from '../../../events/catalogue';
import { clock } from '../../../libs/clock';
import { implement } from '../../../libs/http/api';
import { locationPrefix } from '../kit/keys';
import * as store from '../store';
import { routes } from '../topology';
import { mustReach, pathOf, requestedArea } from './scope';

const createCompound = implement(routes.createCompound, async ({ body, principal }) => {
  // Where the compound lies is its community's stored path; the caller must reach that community.
  const area = await pathOf('community', body.communityId);
  mustReach(principal, area, `community ${body.communityId}`);
  const location = { districtId: area.districtId, streetId: area.streetId!, communityId: body.communityId };
  const event = CompoundRegistered.create(
    { compoundId: body.compoundId, name: body.name, location, governance: body.governance, developerId: body.developerId },
    { compoundId: body.compoundId, actor: principal.subject, occurredAt: clock.nowIso() },
  );
  const item = await store.createCompound({ ...body, ...location, createdBy: principal.subject }, [event]);
  return { status: 201, body: store.publicCompound(item), headers: { location: `/compounds/${body.compoundId}` } };
});

const listCompounds = implement(routes.listCompounds, async ({ query, principal }) => {
  const area = await requestedArea(principal, query);
  const page = await store.listCompounds(area ? locationPrefix(area) : '', query.limit, query.cursor);
  return { body: { items: page.items.map(store.publicCompound), nextCursor: page.nextCursor } };
});

const getCompound = implement(routes.getCompound, async ({ location }) => ({ body: store.publicCompound(store.locatedCompound(location)) }));

export const compoundRoutes = [createCompound, listCompounds, getCompound];
