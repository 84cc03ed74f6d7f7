import type { Principal } from '../../../libs/auth';
import { forbidden, notFound } from '../../../libs/errors';
import { implement, type HttpEvent } from '../../../libs/http/api';
import type { CompoundLocation } from '../../../libs/auth';
import { buildingReachCounts, getBroadcast, pageBroadcasts, pageBuildingNotices } from '../store/broadcasts';
import { buildingHeads } from '../store/registry';
import { routes } from '../topology';
import { headedIn, OFFICIAL_ROLES } from './caller';

/** Officials of the compound see every building; a building head sees their own (`grid:C:B`). */
function mayFollow(principal: Principal, location: CompoundLocation, event: HttpEvent, buildingId?: string): void {
  if (principal.can(OFFICIAL_ROLES, location)) return;
  const headed = headedIn(event, location.compoundId);
  if (buildingId ? headed.includes(buildingId) : headed.length > 0) return;
  throw forbidden(buildingId ? `only the compound’s officials and the head of building ${buildingId} follow its notices` : 'only the compound’s officials and its building heads follow its notices');
}

async function listedBroadcast(compoundId: string, broadcastId: string) {
  const broadcast = await getBroadcast(broadcastId);
  if (!broadcast || broadcast.compoundId !== compoundId || !broadcast.fanout) throw notFound(`no notice ${broadcastId} went to the buildings of ${compoundId}`);
  return broadcast;
}

const listBroadcasts = implement(routes.listBroadcasts, async ({ params, query, principal, location, event }) => {
  mayFollow(principal, location!, event);
  return { body: await pageBroadcasts(params.compoundId, query.limit, query.cursor) };
});

const getBroadcastRoute = implement(routes.getBroadcast, async ({ params, principal, location, event }) => {
  mayFollow(principal, location!, event);
  return { body: await listedBroadcast(params.compoundId, params.broadcastId) };
});

const buildingReach = implement(routes.buildingReach, async ({ params, query, principal, location, event }) => {
  mayFollow(principal, location!, event, params.buildingId);
  const broadcast = await listedBroadcast(params.compoundId, params.broadcastId);
  const [page, counts, heads] = await Promise.all([
    pageBuildingNotices(broadcast.broadcastId, params.buildingId, query.limit, query.cursor, { toKnock: query.toKnock === 'true' }),
    buildingReachCounts(broadcast.broadcastId, params.buildingId),
    buildingHeads(params.compoundId, params.buildingId),
  ]);
  return {
    body: {
      broadcastId: broadcast.broadcastId,
      buildingId: params.buildingId,
      title: broadcast.message,
      buildingHeads: heads.map((h) => ({ personId: h.personId, name: h.name, role: h.role })),
      owners: counts.owners,
      reached: counts.reached,
      toKnock: counts.owners - counts.reached,
      items: page.items.map((n) => ({
        ownerId: n.ownerId,
        unitIds: n.unitIds ?? [],
        reached: n.reachedAt !== undefined,
        reachedVia: n.reachedVia ? [...n.reachedVia].sort() : [],
        reachedAt: n.reachedAt,
        readAt: n.firstReadAt,
        knock: n.reachedAt === undefined,
      })),
      nextCursor: page.nextCursor,
    },
  };
});

export const broadcastRoutes = [listBroadcasts, getBroadcastRoute, buildingReach];
