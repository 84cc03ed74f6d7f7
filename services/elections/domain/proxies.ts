/**
 * Written proxies (委托投票): an owner authorizes another person, an owner or not, in writing, for one
 * vote or for a period. The rules of procedure set how many owners one person may represent; the
 * law leaves the number to them, and 3 is this service's default (`DEFAULT_PROXY_LIMIT`).
 *
 * A proxy counts in a vote when it is registered, and not revoked, before the vote's proxy cutoff, a
 * minute before the vote opens: a registration or revocation accepted before the cutoff has landed
 * (a request takes at most the API's 29-second timeout) before the opening reads the proxies, and
 * whatever comes later is left out by its time. The opening freezes them with the electorate; while
 * the vote is open nothing about proxies changes.
 */
export const DEFAULT_PROXY_LIMIT = 3;
export const MAX_PROXY_LIMIT = 10;
export const PROXY_CUTOFF_MS = 60_000;

export interface ProxyRecord {
  proxyId: string;
  ownerId: string;
  holder: { personId: string; name: string };
  /** One vote (with its voting period, for overlaps), or a period. */
  voteId?: string;
  from: string;
  until: string;
  documentRef: string;
  registeredAt: string;
  registeredBy: string;
  revokedAt?: string;
  revokedBy?: string;
}

export interface VoteWindow {
  voteId: string;
  opensAt: string;
  closesAt: string;
}

export const proxyCutoff = (opensAt: string): string => new Date(Date.parse(opensAt) - PROXY_CUTOFF_MS).toISOString();

/** Whether the proxy's authority reaches the vote: that vote, or a period holding its whole voting period. */
export const covers = (p: Pick<ProxyRecord, 'voteId' | 'from' | 'until'>, vote: VoteWindow): boolean =>
  p.voteId !== undefined ? p.voteId === vote.voteId : p.from <= vote.opensAt && vote.closesAt <= p.until;

/** Whether two proxies could both reach one vote (conservative for two periods: their periods meet). */
const overlap = (a: Pick<ProxyRecord, 'voteId' | 'from' | 'until'>, b: Pick<ProxyRecord, 'voteId' | 'from' | 'until'>): boolean =>
  a.voteId !== undefined && b.voteId !== undefined ? a.voteId === b.voteId : a.from < b.until && b.from < a.until;

const active = (p: ProxyRecord, now: string) => p.revokedAt === undefined && p.until > now;

export type RegistrationProblem = { kind: 'conflict' | 'rule'; field: string; reason: string; detail: string };

/**
 * Whether a proxy may be registered now, against the compound's proxies: not to oneself; one proxy
 * of an owner per vote; a holder at most `limit` owners for any one vote (checked conservatively
 * here, and exactly when a vote opens); a vote's proxy before its cutoff; a period that is not over.
 */
export function registrationProblem(p: ProxyRecord, existing: readonly ProxyRecord[], limit: number, now: string, vote?: VoteWindow & { status: string }): RegistrationProblem | undefined {
  if (p.holder.personId === p.ownerId) return { kind: 'rule', field: 'body.holder.personId', reason: 'the owner', detail: 'an owner does not authorize themselves' };
  if (vote) {
    if (vote.status !== 'scheduled' || now >= proxyCutoff(vote.opensAt)) {
      return { kind: 'conflict', field: 'body.voteId', reason: 'too late', detail: `proxies for vote ${vote.voteId} are registered until ${proxyCutoff(vote.opensAt)}, a minute before it opens` };
    }
  } else if (!(p.from < p.until)) return { kind: 'rule', field: 'body.until', reason: 'before from', detail: 'a period ends after it starts' };
  else if (p.until <= now) return { kind: 'rule', field: 'body.until', reason: 'in the past', detail: 'the period is over' };
  const current = existing.filter((e) => e.proxyId !== p.proxyId && active(e, now) && overlap(e, p));
  const own = current.find((e) => e.ownerId === p.ownerId);
  if (own)
    return {
      kind: 'conflict',
      field: 'body.holder',
      reason: 'already authorized',
      detail: `${p.ownerId} has already authorized ${own.holder.personId} for this (proxy ${own.proxyId}); revoke it first`,
    };
  const held = current.filter((e) => e.holder.personId === p.holder.personId);
  if (held.length >= limit)
    return { kind: 'rule', field: 'body.holder.personId', reason: 'proxy limit', detail: `${p.holder.personId} already represents ${held.length} owners here; the rules of procedure allow ${limit}` };
  return undefined;
}

/** A vote's proxy is revoked only before its cutoff; a period's any time, for votes whose cutoff is later. */
export function revocationProblem(p: ProxyRecord, now: string, vote?: VoteWindow & { status: string }): string | undefined {
  if (p.revokedAt) return `proxy ${p.proxyId} was revoked at ${p.revokedAt}`;
  if (p.voteId && vote && (vote.status !== 'scheduled' || now >= proxyCutoff(vote.opensAt)))
    return `vote ${vote.voteId} opens at ${vote.opensAt}: its proxies were fixed at ${proxyCutoff(vote.opensAt)}`;
  return undefined;
}

export interface FrozenProxy {
  proxyId: string;
  holderId: string;
  holderName: string;
}

export interface Frozen {
  byOwner: Map<string, FrozenProxy>;
  /** Proxies that reach the vote but do not count in it, and why (the owner then votes themselves). */
  voided: { proxyId: string; ownerId: string; reason: 'not_in_electorate' | 'owner_has_another' | 'holder_limit' }[];
}

/**
 * The proxies of a vote, frozen at its opening, exactly: registered and not revoked by the cutoff,
 * reaching the vote, of an owner in the electorate; an owner's earliest-registered one; each
 * holder's first `limit` by registration. Races the registration check could not see end here.
 */
export function freezeProxies(proxies: readonly ProxyRecord[], vote: VoteWindow, electorate: ReadonlySet<string>, limit: number): Frozen {
  const cutoff = proxyCutoff(vote.opensAt);
  const inForce = proxies
    .filter((p) => p.registeredAt <= cutoff && (p.revokedAt === undefined || p.revokedAt > cutoff) && covers(p, vote))
    .sort((a, b) => (a.registeredAt < b.registeredAt ? -1 : a.registeredAt > b.registeredAt ? 1 : a.proxyId < b.proxyId ? -1 : 1));
  const voided: Frozen['voided'] = [];
  const byOwner = new Map<string, FrozenProxy>();
  const held = new Map<string, number>();
  for (const p of inForce) {
    if (!electorate.has(p.ownerId)) voided.push({ proxyId: p.proxyId, ownerId: p.ownerId, reason: 'not_in_electorate' });
    else if (byOwner.has(p.ownerId)) voided.push({ proxyId: p.proxyId, ownerId: p.ownerId, reason: 'owner_has_another' });
    else if ((held.get(p.holder.personId) ?? 0) >= limit) voided.push({ proxyId: p.proxyId, ownerId: p.ownerId, reason: 'holder_limit' });
    else {
      byOwner.set(p.ownerId, { proxyId: p.proxyId, holderId: p.holder.personId, holderName: p.holder.name });
      held.set(p.holder.personId, (held.get(p.holder.personId) ?? 0) + 1);
    }
  }
  return { byOwner, voided };
}
