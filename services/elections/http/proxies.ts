import { ProxyLimitSet, ProxyRegistered, ProxyRevoked } from '../../../events/catalogue';
import { clock } from '../../../libs/clock';
import { conflict, forbidden, notFound, ruleBroken } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { decodeCursor, encodeCursor } from '../../../libs/http/pagination';
import { proxyCutoff, registrationProblem, revocationProblem, type ProxyRecord } from '../domain/proxies';
import { getProxy, getVoteSettings, listProxies, putProxy, putVoteSettings, revokeProxy } from '../store/proxies';
import { getVote } from '../store/votes';
import { routes } from '../topology';

const context = (compoundId: string, actor: string, occurredAt: string, id: string) => ({ compoundId, actor, occurredAt, id });

/**
 * Register a written proxy: the owner themselves (the owner id is the token's), or the committee
 * from the signed document (委托书), naming the owner. Before the vote's cutoff (a minute before it
 * opens) for one vote; for a period, it counts in the votes whose cutoff comes after it.
 */
const registerProxy = implement(routes.registerProxy, async ({ params, body, principal, location }) => {
  const asCommittee = principal.can(['committee'], location);
  const callerOwner = principal.ownerIdIn(params.compoundId);
  const ownerId = asCommittee ? body.ownerId : callerOwner;
  if (!ownerId) throw ruleBroken('the committee names the owner who signed the proxy', [{ field: 'body.ownerId', reason: 'required' }]);
  if (!asCommittee && body.ownerId !== undefined && body.ownerId !== callerOwner) throw forbidden('an owner registers their own proxies only');
  if (body.voteId !== undefined && (body.from !== undefined || body.until !== undefined))
    throw ruleBroken('a proxy is for one vote or for a period, not both', [{ field: 'body.voteId', reason: 'with a period' }]);
  if (body.voteId === undefined && body.until === undefined) throw ruleBroken('a proxy names the vote, or the end of its period', [{ field: 'body.until', reason: 'required without voteId' }]);
  const now = clock.nowIso();
  const vote = body.voteId ? await getVote(params.compoundId, body.voteId, true) : undefined;
  if (body.voteId && !vote) throw notFound(`vote ${body.voteId} does not exist in compound ${params.compoundId}`);
  const proxy: ProxyRecord = {
    proxyId: body.proxyId,
    ownerId,
    holder: body.holder,
    ...(vote ? { voteId: vote.voteId } : {}),
    from: vote ? vote.opensAt : (body.from ?? now),
    until: vote ? vote.closesAt : body.until!,
    documentRef: body.documentRef,
    registeredAt: now,
    registeredBy: principal.subject,
  };
  const [existing, settings] = await Promise.all([listProxies(params.compoundId), getVoteSettings(params.compoundId)]);
  const problem = registrationProblem(proxy, existing, settings.maxProxiesPerHolder, now, vote);
  if (problem?.kind === 'conflict') throw conflict(problem.detail);
  if (problem) throw ruleBroken(problem.detail, [{ field: problem.field, reason: problem.reason }]);
  const event = ProxyRegistered.create(
    {
      compoundId: params.compoundId,
      proxyId: proxy.proxyId,
      ownerId,
      holder: proxy.holder,
      ...(proxy.voteId ? { voteId: proxy.voteId } : {}),
      from: proxy.from,
      until: proxy.until,
      documentRef: proxy.documentRef,
    },
    context(params.compoundId, principal.subject, now, `proxy-${params.compoundId}-${proxy.proxyId}`),
  );
  await putProxy(params.compoundId, proxy, [event]);
  return { status: 201, body: { ...proxy, ...(vote ? { fixedAt: proxyCutoff(vote.opensAt) } : {}), limit: settings.maxProxiesPerHolder } };
});

const revokeProxyRoute = implement(routes.revokeProxy, async ({ params, principal, location }) => {
  const proxy = await getProxy(params.compoundId, params.proxyId);
  if (!proxy) throw notFound(`proxy ${params.proxyId} does not exist in compound ${params.compoundId}`);
  if (!principal.can(['committee'], location) && principal.ownerIdIn(params.compoundId) !== proxy.ownerId) throw forbidden('an owner revokes their own proxies only');
  const now = clock.nowIso();
  const vote = proxy.voteId ? await getVote(params.compoundId, proxy.voteId, true) : undefined;
  const problem = revocationProblem(proxy, now, vote);
  if (problem) throw conflict(problem);
  const event = ProxyRevoked.create(
    { compoundId: params.compoundId, proxyId: proxy.proxyId, ownerId: proxy.ownerId, holderId: proxy.holder.personId },
    context(params.compoundId, principal.subject, now, `proxy-revoked-${params.compoundId}-${proxy.proxyId}`),
  );
  if (!(await revokeProxy(params.compoundId, proxy.proxyId, principal.subject, now, [event]))) throw conflict(`proxy ${proxy.proxyId} was revoked meanwhile`);
  return { body: { ...proxy, revokedAt: now, revokedBy: principal.subject } };
});

/** The committee and the street office see every proxy of the compound; an owner those they gave or hold. */
const listProxiesRoute = implement(routes.listProxies, async ({ params, query, principal, location }) => {
  const all = await listProxies(params.compoundId);
  const me = principal.ownerIdIn(params.compoundId);
  const visible = principal.can(['committee', 'street'], location) ? all : all.filter((p) => p.ownerId === me || p.holder.personId === me);
  // In proxy id order (the store's), a page after the cursor: a compound holds few proxies, read in one query.
  const after = (decodeCursor(query.cursor)?.after as string | undefined) ?? '';
  const rest = visible.filter((p) => p.proxyId > after);
  const items = rest.slice(0, query.limit);
  const settings = await getVoteSettings(params.compoundId);
  return { body: { items, maxProxiesPerHolder: settings.maxProxiesPerHolder, ...(rest.length > items.length ? { nextCursor: encodeCursor({ after: items.at(-1)!.proxyId }) } : {}) } };
});

const setProxyLimit = implement(routes.setProxyLimit, async ({ params, body, principal }) => {
  const now = clock.nowIso();
  const event = ProxyLimitSet.create(
    { compoundId: params.compoundId, maxProxiesPerHolder: body.maxProxiesPerHolder },
    context(params.compoundId, principal.subject, now, `proxy-limit-${params.compoundId}-${now}`),
  );
  await putVoteSettings(params.compoundId, { maxProxiesPerHolder: body.maxProxiesPerHolder, setBy: principal.subject, setAt: now }, [event]);
  return { body: { maxProxiesPerHolder: body.maxProxiesPerHolder, setBy: principal.subject, setAt: now } };
});

export const proxyRoutes = [registerProxy, revokeProxyRoute, listProxiesRoute, setProxyLimit];
