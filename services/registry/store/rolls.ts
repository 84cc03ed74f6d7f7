import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UnitRecord } from '../../../events/catalogue';
import type { BusEvent } from '../../../events/envelope';
import { clock } from '../../../libs/clock';
import { batchPut, db, isConditionFailed, queryAll } from '../../../libs/db';
import { conflict } from '../../../libs/errors';
import { queryPage } from '../../../libs/http/pagination';
import { publish } from '../../../libs/bus';
import { outboxUpdate, publishAfterWrite, updateWithEvents } from '../../../libs/outbox';
import type { RollSummary, RollUnit } from '../domain/roll';
import type { CompoundItem } from './compounds';
import { chunkSk, compoundKey, ownerGsi, table, unitSk, unitsPrefix } from './keys';

/** Units per RollChunkPublished event (an event must stay under EventBridge's 256 KB). */
export const CHUNK_SIZE = 250;

/** Reserve the next roll version, so concurrent imports never write into the same version. */
export async function reserveRollVersion(compoundId: string): Promise<{ version: number; previous: number }> {
  const result = await db().send(
    new UpdateCommand({
      TableName: table(),
      Key: compoundKey(compoundId),
      UpdateExpression: 'SET nextRollVersion = nextRollVersion + :one',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'ALL_NEW',
    }),
  );
  const item = result.Attributes as CompoundItem;
  return { version: item.nextRollVersion, previous: item.rollVersion };
}

/**
 * Chunks of a roll version, written invisibly: their units and, per chunk, an item holding the
 * chunk's event as `chunkEvent`, outside any outbox (the outbox sweep never sees it), all in
 * BatchWriteItem requests. Idempotent: written again, they are the same items. Only activation makes
 * the version visible, and only the registry's own consumer of RollActivated publishes a version's
 * chunk events (releaseRollChunks), so a version that lost the activation race, or whose import
 * stopped half-way, never publishes anything.
 */
export async function writeRollChunks(compoundId: string, v: number, chunks: readonly { index: number; units: readonly RollUnit[]; event: BusEvent }[], actor: string): Promise<void> {
  const pk = compoundKey(compoundId).pk;
  const now = clock.nowIso();
  await batchPut(
    table(),
    chunks.flatMap(({ index, units, event }) => [
      ...units.map((unit) => ({ pk, sk: unitSk(v, unit), gsi1pk: ownerGsi(compoundId, v, unit.ownerId), gsi1sk: unit.unitId, ...unit, importedAt: now, importedBy: actor })),
      { pk, sk: chunkSk(v, index), chunkEvent: event },
    ]),
  );
}

/**
 * Make version `v` the compound's roll: one write, conditional on the roll still being the one the
 * version was reserved after, carrying RollActivated (and the import's completion). False when
 * another import activated first.
 */
export async function activateRoll(compoundId: string, v: number, previous: number, summary: RollSummary, events: readonly BusEvent[]): Promise<boolean> {
  const outbox = outboxUpdate(events);
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: compoundKey(compoundId),
        UpdateExpression: `SET rollVersion = :v, unitCount = :units, totalArea = :area, ownerCount = :owners, buildings = :buildings, updatedAt = :now, ${outbox.set}`,
        ConditionExpression: 'rollVersion = :previous',
        ExpressionAttributeNames: outbox.names,
        ExpressionAttributeValues: {
          ':v': v,
          ':previous': previous,
          ':units': summary.unitCount,
          ':area': summary.totalArea,
          ':owners': summary.ownerCount,
          ':buildings': summary.buildings,
          ':now': clock.nowIso(),
          ...outbox.values,
        },
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
  await publishAfterWrite(table(), compoundKey(compoundId));
  return true;
}

/** The roll in event-sized slices (names never leave the registry: they are dropped from events). */
export function rollChunks(units: readonly RollUnit[]): RollUnit[][] {
  const chunks: RollUnit[][] = [];
  for (let i = 0; i < units.length; i += CHUNK_SIZE) chunks.push(units.slice(i, i + CHUNK_SIZE));
  return chunks;
}

export const withoutNames = (units: readonly RollUnit[]): UnitRecord[] => units.map(({ ownerName: _, ...unit }) => unit);

/**
 * Publish the chunks of an activated roll version, one event per PutEvents call (a chunk is ~30 KB;
 * ten would pass EventBridge's 256 KB per request). Nothing is written: the caller runs this from
 * the RollActivated event, idempotently and with the bus's retries, so a failure half-way publishes
 * again from the start, and the duplicates (same event ids) are dropped by consumers. Moving each
 * event through an outbox instead would cost two item-sized writes per chunk.
 */
export async function releaseRollChunks(compoundId: string, rollVersion: number, chunkCount: number): Promise<number> {
  const pk = compoundKey(compoundId).pk;
  let released = 0;
  for (let i = 0; i < chunkCount; i++) {
    const { Item } = await db().send(new GetCommand({ TableName: table(), Key: { pk, sk: chunkSk(rollVersion, i) }, ConsistentRead: true }));
    const event = Item?.chunkEvent as BusEvent | undefined;
    if (!event) throw new Error(`chunk ${i} of roll ${rollVersion} of ${compoundId} is missing`);
    await publish([event]);
    released++;
  }
  return released;
}

export function listUnits(compound: CompoundItem, buildingId: string | undefined, limit: number, cursor?: string) {
  const prefix = unitsPrefix(compound.rollVersion, buildingId);
  return queryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': compoundKey(compound.compoundId).pk, ':prefix': prefix },
    },
    limit,
    cursor,
    unitView,
  );
}

/** Every unit of the current roll, by building and unit id (an export; at most MAX_ROLL_ROWS units). */
export async function allUnits(compound: CompoundItem): Promise<RollUnit[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': compoundKey(compound.compoundId).pk, ':prefix': unitsPrefix(compound.rollVersion) },
  });
  return items.map(unitView);
}

export function unitView(item: Record<string, unknown>): RollUnit {
  const { unitId, buildingId, area, areaSource, holding, ownerId, ownerName, registered } = item as unknown as RollUnit;
  return { unitId, buildingId, area, areaSource, holding, ownerId, ownerName, registered };
}

/**
 * A unit of the current roll by its id. The id does not say where the building ends (`B1-A-101`), so
 * each building of the roll whose id is a prefix is tried, longest first; the parser keeps unit ids
 * unique within a roll, so at most one holds it (usually there is one candidate).
 */
export async function getUnit(compound: CompoundItem, unitId: string): Promise<RollUnit | undefined> {
  const candidates = Object.keys(compound.buildings)
    .filter((b) => unitId.startsWith(`${b}-`))
    .sort((a, b) => b.length - a.length);
  for (const buildingId of candidates) {
    const { Item } = await db().send(new GetCommand({ TableName: table(), Key: { pk: compoundKey(compound.compoundId).pk, sk: unitSk(compound.rollVersion, { buildingId, unitId }) } }));
    if (Item) return unitView(Item);
  }
  return undefined;
}

export async function ownerUnits(compound: CompoundItem, ownerId: string): Promise<RollUnit[]> {
  const items = await queryAll({
    TableName: table(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': ownerGsi(compound.compoundId, compound.rollVersion, ownerId) },
  });
  return items.map(unitView);
}

export async function changeUnitHolder(compound: CompoundItem, previous: RollUnit, next: RollUnit, event: BusEvent) {
  const changed = await updateWithEvents(
    table(),
    { pk: compoundKey(compound.compoundId).pk, sk: unitSk(compound.rollVersion, next) },
    {
      set: ['holding = :holding', 'ownerId = :ownerId', 'ownerName = :ownerName', 'registered = :registered', 'gsi1pk = :gsi', 'updatedAt = :now'],
      // Guard against a concurrent change: the holder must still be the one we read.
      condition: 'ownerId = :previousOwner AND holding = :previousHolding',
      values: {
        ':holding': next.holding,
        ':ownerId': next.ownerId,
        ':ownerName': next.ownerName,
        ':registered': next.registered,
        ':gsi': ownerGsi(compound.compoundId, compound.rollVersion, next.ownerId),
        ':now': clock.nowIso(),
        ':previousOwner': previous.ownerId,
        ':previousHolding': previous.holding,
      },
    },
    [event],
  );
  if (!changed) throw conflict(`unit ${next.unitId} changed meanwhile; reload it and retry`);
}
