import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CompoundRegistered, GridRoleAssigned, GridRoleRevoked, RollActivated, RollChunkPublished, UnitHolderChanged, type UnitRecord } from '../../../events/catalogue';
import type { DeliveredEvent } from '../../../events/envelope';
import { batchPut, db, isConditionFailed, queryAll } from '../../../libs/db';
import { notReady } from '../../../libs/errors';
import { RegistryReadModel, type CompoundView } from '../../registry/kit/read-model';
import { keys, table } from './keys';

/**
 * The registry as this service needs it: compounds and their location (the kit's copy), who holds
 * which unit building by building (to find a building's owners with one query), the buildings of
 * each roll, and the grid (who answers for which building). Events arrive in any order and more
 * than once; every write here tolerates both.
 */
export const registry = new RegistryReadModel(table);

export async function applyRegistryEvent(event: DeliveredEvent): Promise<void> {
  switch (event['detail-type']) {
    case CompoundRegistered.detailType:
    case RollActivated.detailType:
      return registry.apply(event);
    case RollChunkPublished.detailType: {
      const { data } = RollChunkPublished.parse(event);
      return putHoldings(data.compoundId, data.rollVersion, data.chunkIndex, data.units);
    }
    case UnitHolderChanged.detailType: {
      const { metadata, data } = UnitHolderChanged.parse(event);
      return putHolderChange(data.compoundId, data.rollVersion, data.unit, metadata.occurredAt);
    }
    case GridRoleAssigned.detailType: {
      const { metadata, data } = GridRoleAssigned.parse(event);
      // The registry keeps a building head's phone; should its event carry it, SMS reaches the head without their own preferences.
      const phone = (data as { phone?: string }).phone;
      return putGridRole(data.compoundId, data.buildingId, data.role, data.personId, { name: data.name, phone, revoked: false }, metadata.occurredAt);
    }
    case GridRoleRevoked.detailType: {
      const { metadata, data } = GridRoleRevoked.parse(event);
      return putGridRole(data.compoundId, data.buildingId, data.role, data.personId, { revoked: true }, metadata.occurredAt);
    }
    default:
      throw new Error(`the notifications registry copy does not take ${event['detail-type']}`);
  }
}

/** One chunk's units, one item each under their building; the roll's buildings and the chunks seen so far. */
async function putHoldings(compoundId: string, rollVersion: number, chunkIndex: number, units: readonly UnitRecord[]): Promise<void> {
  await batchPut(
    table(),
    units.map((u) => ({ ...keys.holding(compoundId, rollVersion, u.buildingId, u.unitId), unitId: u.unitId, buildingId: u.buildingId, ownerId: u.ownerId, holding: u.holding })),
  );
  const buildings = [...new Set(units.map((u) => u.buildingId))];
  await db().send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.buildings(compoundId, rollVersion),
      // Sets: a chunk delivered twice adds nothing.
      UpdateExpression: buildings.length ? 'ADD buildings :b, chunks :c' : 'ADD chunks :c',
      ExpressionAttributeValues: { ...(buildings.length ? { ':b': new Set(buildings) } : {}), ':c': new Set([chunkIndex]) },
    }),
  );
}

/** A later holder of one unit; an older change arriving late never overwrites a newer one. */
async function putHolderChange(compoundId: string, rollVersion: number, unit: UnitRecord, occurredAt: string): Promise<void> {
  try {
    await db().send(
      new PutCommand({
        TableName: table(),
        Item: {
          ...keys.holdingChange(compoundId, rollVersion, unit.buildingId, unit.unitId),
          unitId: unit.unitId,
          buildingId: unit.buildingId,
          ownerId: unit.ownerId,
          holding: unit.holding,
          occurredAt,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR occurredAt < :at',
        ExpressionAttributeValues: { ':at': occurredAt },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

async function putGridRole(compoundId: string, buildingId: string | undefined, role: string, personId: string, fields: { name?: string; phone?: string; revoked: boolean }, at: string): Promise<void> {
  const existing = (await db().send(new GetCommand({ TableName: table(), Key: keys.grid(compoundId, buildingId, role, personId) }))).Item;
  try {
    await db().send(
      new PutCommand({
        TableName: table(),
        // A revocation keeps the name it had; a later assignment replaces it.
        Item: {
          ...keys.grid(compoundId, buildingId, role, personId),
          compoundId,
          buildingId,
          role,
          personId,
          name: fields.name ?? existing?.name,
          phone: fields.phone ?? (fields.revoked ? existing?.phone : undefined),
          revoked: fields.revoked,
          at,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR #at < :at',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

export interface GridPerson {
  buildingId?: string;
  role: string;
  personId: string;
  name?: string;
  phone?: string;
}

/** The building heads (and assistants) of a building, as the registry named them. */
export async function buildingHeads(compoundId: string, buildingId: string): Promise<GridPerson[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `COMPOUND#${compoundId}`, ':prefix': `${keys.gridPrefix}${buildingId}#` },
  });
  return items
    .filter((i) => !i.revoked && (i.role === 'building_head' || i.role === 'building_assistant'))
    .map((i) => ({ buildingId, role: i.role as string, personId: i.personId as string, name: i.name as string | undefined, phone: i.phone as string | undefined }));
}

export const compound = (compoundId: string): Promise<CompoundView | undefined> => registry.getCompound(compoundId);

/** The buildings of the compound's current roll; NotReady while its chunks are still arriving. */
export async function currentBuildings(view: CompoundView): Promise<{ rollVersion: number; buildings: string[] }> {
  if (!view.activeRoll) throw notReady(`compound ${view.compoundId} has no roll yet`);
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: keys.buildings(view.compoundId, view.activeRoll), ConsistentRead: true }));
  const chunks = (Item?.chunks as Set<number> | undefined)?.size ?? 0;
  if (chunks !== view.activeRollChunks) throw notReady(`roll ${view.activeRoll} of ${view.compoundId}: ${chunks} of ${view.activeRollChunks} chunks have arrived`);
  return { rollVersion: view.activeRoll, buildings: [...((Item?.buildings as Set<string> | undefined) ?? [])].sort() };
}

export interface BuildingOwner {
  ownerId: string;
  unitIds: string[];
}

/** The owners of one building on a roll (a later holder change wins over the chunk), with their units there. */
export async function ownersOfBuilding(compoundId: string, rollVersion: number, buildingId: string): Promise<BuildingOwner[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `COMPOUND#${compoundId}`, ':prefix': keys.holdingsPrefix(rollVersion, buildingId) },
  });
  const holder = new Map<string, string>();
  for (const item of items.filter((i) => String(i.sk).includes('#U#'))) holder.set(item.unitId as string, item.ownerId as string);
  for (const item of items.filter((i) => String(i.sk).includes('#X#'))) holder.set(item.unitId as string, item.ownerId as string);
  const byOwner = new Map<string, string[]>();
  for (const [unitId, ownerId] of holder) byOwner.set(ownerId, [...(byOwner.get(ownerId) ?? []), unitId]);
  return [...byOwner.entries()].map(([ownerId, unitIds]) => ({ ownerId, unitIds: unitIds.sort() })).sort((a, b) => a.ownerId.localeCompare(b.ownerId));
}
