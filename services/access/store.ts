import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { CompoundRegistered, GrantAssigned, GrantRevoked } from '../../events/catalogue';
import type { DeliveredEvent } from '../../events/envelope';
import { formatGrant, type Grant } from '../../libs/auth';
import { clock } from '../../libs/clock';
import { tableName } from '../../libs/config';
import { db, stripKeys } from '../../libs/db';
import { busy } from '../../libs/errors';
import { queryPage, type Page } from '../../libs/http/pagination';
import { insertWithEvents, updateWithEvents } from '../../libs/outbox';
import { RegistryReadModel } from '../registry/kit/read-model';
import type { Place } from './domain/authority';

/**
 * Access table layout (pk / sk):
 *   USER#u / GRANT#<grant>      one grant of user u, active or revoked (gsi1 while active: AREA#<area> / <listing key>)
 *   COMMUNITY#k / META          where community k lies (from the compounds registered in it)
 *   COMPOUND#c / META           where compound c lies (the registry read model)
 * Each change is one conditional write to the grant's own item, its event in that item's outbox.
 * A revoked grant stays, marked revoked and out of the area lists: its history is the audit trail's.
 */
export const table = () => tableName('access');
export const registry = new RegistryReadModel(table);

export interface GrantRecord {
  userId: string;
  grant: string;
  area: string;
  status: 'active' | 'revoked';
  assignedAt: string;
  assignedBy: string;
  revokedAt?: string;
  revokedBy?: string;
}

const grantKey = (userId: string, grant: Grant) => ({ pk: `USER#${userId}`, sk: `GRANT#${formatGrant(grant)}` });

/** Where a compound or community lies, from this service's own copies of registry data. */
export async function placeOf(grant: Grant, kind: Place['kind']): Promise<Place | undefined> {
  switch (kind) {
    case 'compound': {
      const compound = await registry.getCompound(grant.scope);
      return compound && { kind, compoundId: compound.compoundId, communityId: compound.communityId, streetId: compound.streetId, districtId: compound.districtId };
    }
    case 'community': {
      const { Item } = await db().send(new GetCommand({ TableName: table(), Key: { pk: `COMMUNITY#${grant.scope}`, sk: 'META' } }));
      return Item && { kind, communityId: grant.scope, streetId: Item.streetId as string, districtId: Item.districtId as string };
    }
    case 'street':
      return { kind, streetId: grant.scope };
    case 'district':
      return { kind, districtId: grant.scope };
    case 'city':
      return { kind };
  }
}

/** A registered compound teaches where it and its community lie. Idempotent, any order. */
export async function applyCompoundRegistered(event: DeliveredEvent): Promise<void> {
  const { data } = CompoundRegistered.parse(event);
  await registry.apply(event);
  await db().send(
    new PutCommand({
      TableName: table(),
      Item: { pk: `COMMUNITY#${data.location.communityId}`, sk: 'META', communityId: data.location.communityId, streetId: data.location.streetId, districtId: data.location.districtId },
    }),
  );
}

export interface Change {
  userId: string;
  grant: Grant;
  listing: { area: string; sortKey: string };
  /** The compound the grant is about, if any: its events land in that compound's audit trail. */
  compoundId: string | null;
  actor: string;
}

/** Assign: a new or revoked grant becomes active. Returns the record and whether it changed anything. */
export async function assign(change: Change): Promise<{ record: GrantRecord; created: boolean }> {
  const key = grantKey(change.userId, change.grant);
  const text = formatGrant(change.grant);
  const now = clock.nowIso();
  const record: GrantRecord = { userId: change.userId, grant: text, area: change.listing.area, status: 'active', assignedAt: now, assignedBy: change.actor };
  const event = GrantAssigned.create({ userId: change.userId, grant: text, area: change.listing.area }, { compoundId: change.compoundId, actor: change.actor, occurredAt: now });
  const listing = { gsi1pk: `AREA#${change.listing.area}`, gsi1sk: change.listing.sortKey };
  // New: one conditional put. Revoked before: one conditional update back to active (its outbox may still hold the revocation).
  if (await insertWithEvents(table(), { ...key, ...record, ...listing }, [event])) return { record, created: true };
  const reactivated = await updateWithEvents(
    table(),
    key,
    {
      set: ['#status = :active', 'assignedAt = :now', 'assignedBy = :actor', '#area = :area', 'gsi1pk = :gsi1pk', 'gsi1sk = :gsi1sk'],
      remove: ['revokedAt', 'revokedBy'],
      condition: '#status = :revoked',
      names: { '#status': 'status', '#area': 'area' },
      values: { ':active': 'active', ':revoked': 'revoked', ':now': now, ':actor': change.actor, ':area': change.listing.area, ':gsi1pk': listing.gsi1pk, ':gsi1sk': listing.gsi1sk },
    },
    [event],
  );
  if (reactivated) return { record, created: true };
  const existing = await readGrant(change.userId, change.grant);
  if (existing?.status === 'active') return { record: existing, created: false };
  // Revoked and re-assigned meanwhile by someone else: whatever it is now, the caller may try again.
  throw busy(`${text} of ${change.userId} changed meanwhile; try again`);
}

/** Revoke an active grant. Returns the revoked record, or undefined when the user does not hold it. */
export async function revoke(change: Omit<Change, 'listing'> & { area: string }): Promise<GrantRecord | undefined> {
  const key = grantKey(change.userId, change.grant);
  const text = formatGrant(change.grant);
  const now = clock.nowIso();
  const event = GrantRevoked.create({ userId: change.userId, grant: text, area: change.area }, { compoundId: change.compoundId, actor: change.actor, occurredAt: now });
  const done = await updateWithEvents(
    table(),
    key,
    {
      set: ['#status = :revoked', 'revokedAt = :now', 'revokedBy = :actor'],
      // Out of the area lists.
      remove: ['gsi1pk', 'gsi1sk'],
      condition: '#status = :active',
      names: { '#status': 'status' },
      values: { ':revoked': 'revoked', ':active': 'active', ':now': now, ':actor': change.actor },
    },
    [event],
  );
  if (!done) return undefined;
  return readGrant(change.userId, change.grant);
}

export async function readGrant(userId: string, grant: Grant): Promise<GrantRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: grantKey(userId, grant), ConsistentRead: true }));
  return Item ? toRecord(Item) : undefined;
}

/** A user's active grants, read consistently (what the user directory must hold). A user has a handful. */
export async function activeGrants(userId: string): Promise<GrantRecord[]> {
  const out: GrantRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :grant)',
        FilterExpression: '#status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':grant': 'GRANT#', ':active': 'active' },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    out.push(...(page.Items ?? []).map(toRecord));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return out;
}

/** Active grants listed in an area, optionally narrowed to a prefix of the listing key (a compound, a community). */
export function listArea(area: string, prefix: string | undefined, limit: number, cursor: string | undefined): Promise<Page<GrantRecord>> {
  return queryPage(
    {
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: prefix ? 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)' : 'gsi1pk = :pk',
      ExpressionAttributeValues: prefix ? { ':pk': `AREA#${area}`, ':prefix': prefix } : { ':pk': `AREA#${area}` },
    },
    limit,
    cursor,
    toRecord,
  );
}

const toRecord = (item: Record<string, unknown>): GrantRecord => stripKeys<GrantRecord>(item)!;
