import { formatGrant, parseGrant, type Grant, type Principal } from '../../libs/auth';
import { busy, DomainError, forbidden, invalid, notFound, ruleBroken } from '../../libs/errors';
import { logger } from '../../libs/logger';
import { userDirectory, type UserDirectory } from './directory';
import { fitsDirectory, grantsText, listingOf, mayManage, MAX_GRANTS_TEXT, placeKindOf, type Place } from './domain/authority';
import * as store from './store';

/**
 * Assigning and revoking grants: check who may (from stored data), write the one grant item with its
 * event, then copy the user's active grants to the user directory. The record is written first: if
 * the copy fails the caller gets a retryable error, and repeating the same PUT or DELETE copies again.
 */

/** A grant from the path (a client may send it percent-encoded). */
export function grantFromPath(text: string): Grant {
  const decoded = text.includes('%') ? safeDecode(text) : text;
  const grant = decoded === undefined ? undefined : parseGrant(decoded);
  if (!grant) throw invalid(`${text} is not a grant`, [{ field: 'path.grant', reason: 'role:scope (owners role:compound:owner), e.g. committee:C1, owner:C1:O7, bureau' }]);
  return grant;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Where the grant's scope lies, from this service's copy of the registry; 404 for a compound or community it does not know. */
export async function placeOf(grant: Grant): Promise<Place> {
  const kind = placeKindOf(grant);
  const place = await store.placeOf(grant, kind);
  if (!place) throw notFound(`${kind} ${grant.scope} is not known (register it first)`);
  return place;
}

async function authorized(principal: Principal, userId: string, grant: Grant): Promise<Place> {
  const place = await placeOf(grant);
  const verdict = mayManage(principal, userId, grant, place);
  if (!verdict.allowed) throw forbidden(verdict.reason);
  return place;
}

const compoundOf = (place: Place): string | null => (place.kind === 'compound' ? place.compoundId : null);

export async function assign(principal: Principal, userId: string, grant: Grant): Promise<{ record: store.GrantRecord; created: boolean }> {
  const place = await authorized(principal, userId, grant);
  const held = (await store.activeGrants(userId)).map((r) => parseGrant(r.grant)).filter((g): g is Grant => g !== undefined);
  if (!fitsDirectory([...held, grant])) throw ruleBroken(`a user's grants may take at most ${MAX_GRANTS_TEXT} characters; revoke some first`);
  const result = await store.assign({ userId, grant, listing: listingOf(grant, place, userId), compoundId: compoundOf(place), actor: principal.subject });
  await pushToDirectory(userId);
  return result;
}

/** Revoke; true when the grant was held (now or before), false when it never was. */
export async function revoke(principal: Principal, userId: string, grant: Grant): Promise<boolean> {
  const place = await authorized(principal, userId, grant);
  const { area } = listingOf(grant, place, userId);
  const revoked = await store.revoke({ userId, grant, area, compoundId: compoundOf(place), actor: principal.subject });
  if (!revoked) {
    const existing = await store.readGrant(userId, grant);
    if (!existing) return false;
    if (existing.status === 'active') throw busy(`${formatGrant(grant)} of ${userId} changed meanwhile; try again`);
  }
  await pushToDirectory(userId);
  return true;
}

/**
 * Copy the user's active grants to the directory, then read them again: if they changed meanwhile
 * (a concurrent PUT or DELETE), copy again, so that whichever request copies last leaves the latest.
 */
export async function pushToDirectory(userId: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = await currentText(userId);
    let outcome: Awaited<ReturnType<UserDirectory['setGrants']>>;
    try {
      outcome = await userDirectory().setGrants(userId, before);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      logger('access').error('the user directory refused an update', { userId, error: String(error) });
      throw busy(`the user directory is unavailable; the change is recorded, send the request again to pass it on`);
    }
    if (outcome === 'no-such-user') {
      throw notFound(`no user ${userId} in the user directory: the grant is recorded; create the user, then send this request again to pass it on`);
    }
    if ((await currentText(userId)) === before) return;
  }
  throw busy(`the grants of ${userId} kept changing while being passed to the user directory; send the request again`);
}

async function currentText(userId: string): Promise<string> {
  return grantsText((await store.activeGrants(userId)).map((r) => parseGrant(r.grant)).filter((g): g is Grant => g !== undefined));
}

/** The streets an official may see grants in; undefined for the bureau (everywhere). */
export function visibleStreets(principal: Principal): string[] | undefined {
  if (principal.isCityWide()) return undefined;
  return principal.grants.filter((g) => g.role === 'street').map((g) => g.scope);
}
