import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RollActivated, RollChunkPublished, type UnitRecord } from '../../../events/catalogue';
import type { BusEvent } from '../../../events/envelope';
import { clock } from '../../../libs/clock';
import { batchPut, db, isConditionFailed, queryAll } from '../../../libs/db';
import { conflict } from '../../../libs/errors';
import { queryPage } from '../../../libs/http/pagination';
import { outboxUpdate, publishAfterWrite, updateWithEvents } from '../../../libs/outbox';
import { summarizeRoll, type RollUnit } from '../domain/roll';
import type { CompoundItem } from './compounds';
import { chunkSk, compoundKey, ownerGsi, table, unitSk, unitsPrefix } from './keys';

/** Units per RollChunkPublished event (an event must stay under EventBridge's 256 KB). */
export const CHUNK_SIZE = 250;

/** Reserve the next roll version, so concurrent imports never write into the same version. */
async function reserveRollVersion(compoundId: string): Promise<{ version: number; previous: number }> {
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
 * A roll version is written invisibly, then made current by one conditional write on the compound.
 * Its chunk events are built (and so validated) before anything is written, and are kept in the chunk
 * items as `pendingEvent`, outside any outbox: the outbox sweep never sees them. Only the activation
 * write carries an event (RollActivated), and the registry's own consumer of RollActivated releases
 * the chunks of that version (releaseRollChunks). A version that lost the activation race, or whose
 * import stopped half-way, therefore never publishes anything.
 */
export async function importRoll(compound: CompoundItem, units: RollUnit[], actor: string) {
  const now = clock.nowIso();
  const chunks = rollChunks(units);
  const summary = summarizeRoll(units);
  // Validate every event before the first write: a unit the event schema refuses fails here, not half-way.
  const events = (v: number) => ({
    chunks: chunks.map((slice, i) =>
      RollChunkPublished.create(
        { compoundId: compound.compoundId, rollVersion: v, chunkIndex: i, chunkCount: chunks.length, units: slice },
        { compoundId: compound.compoundId, actor, occurredAt: now, id: `roll-${compound.compoundId}-${v}-chunk-${i}` },
      ),
    ),
    activated: RollActivated.create(
      { compoundId: compound.compoundId, rollVersion: v, chunkCount: chunks.length, unitCount: summary.unitCount, totalArea: summary.totalArea },
      { compoundId: compound.compoundId, actor, occurredAt: now, id: `roll-${compound.compoundId}-${v}-activated` },
    ),
  });
  events(compound.nextRollVersion + 1);

  const { version: v, previous } = await reserveRollVersion(compound.compoundId);
  const { chunks: chunkEvents, activated } = events(v);
  const pk = compoundKey(compound.compoundId).pk;
  await batchPut(
    table(),
    units.map((unit) => ({
      pk,
      sk: unitSk(v, unit),
      gsi1pk: ownerGsi(compound.compoundId, v, unit.ownerId),
      gsi1sk: unit.unitId,
      ...unit,
      importedAt: now,
      importedBy: actor,
    })),
  );
  for (const [i, event] of chunkEvents.entries()) {
    await db().send(new PutCommand({ TableName: table(), Item: { pk, sk: chunkSk(v, i), pendingEvent: event } }));
  }

  const outbox = outboxUpdate([activated]);
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: compoundKey(compound.compoundId),
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
          ':now': now,
          ...outbox.values,
        },
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw conflict('another roll import finished first; reload and import again');
    throw error;
  }
  await publishAfterWrite(table(), compoundKey(compound.compoundId));
  return { rollVersion: v, ...summary };
}

/** The roll in event-sized slices, without names (names never leave the registry). */
export function rollChunks(units: readonly RollUnit[]): UnitRecord[][] {
  const chunks: UnitRecord[][] = [];
  for (let i = 0; i < units.length; i += CHUNK_SIZE) chunks.push(units.slice(i, i + CHUNK_SIZE).map(({ ownerName: _, ...unit }) => unit));
  return chunks;
}

/**
 * Publish the chunks of an activated roll version: each chunk's pending event moves into its outbox
 * (one conditional write: only once) and is published. Safe to repeat; the caller runs it from the
 * RollActivated event, so it happens exactly for activated versions, and at least once.
 */
export async function releaseRollChunks(compoundId: string, rollVersion: number, chunkCount: number): Promise<number> {
  const pk = compoundKey(compoundId).pk;
  let released = 0;
  for (let i = 0; i < chunkCount; i++) {
    const key = { pk, sk: chunkSk(rollVersion, i) };
    const { Item } = await db().send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true }));
    const event = Item?.pendingEvent as BusEvent | undefined;
    if (!event) continue;
    if (await updateWithEvents(table(), key, { remove: ['pendingEvent'], condition: 'attribute_exists(pendingEvent)' }, [event])) released++;
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
    const { Item } = await db().send(
      new GetCommand({ TableName: table(), Key: { pk: compoundKey(compound.compoundId).pk, sk: unitSk(compound.rollVersion, { buildingId, unitId }) } }),
    );
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
