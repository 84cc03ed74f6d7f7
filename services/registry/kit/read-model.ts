import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CompoundGovernanceChanged, CompoundRegistered, RollActivated, RollChunkPublished, UnitHolderChanged, type UnitRecord } from '../../../events/catalogue';
import type { DeliveredEvent } from '../../../events/envelope';
import type { AreaScope, CompoundLocation } from '../../../libs/auth';
import { areaPrefix, compoundSortKey, COMPOUNDS_PARTITION, inScope } from './keys';
import { assignments, db, isConditionFailed, queryAll, stripKeys, updateExpression, type Key } from '../../../libs/db';

/**
 * The registry's consumer kit (services/registry/kit): the one place other services may import from
 * the registry. A service's own copy of the registry's master data (compounds, their location and developer, and
 * the current roll of units), kept from registry events in the service's own table:
 *   COMPOUND#c / META                      location, developer, active roll (gsi1: COMPOUNDS / district#street#community#c)
 *   COMPOUND#c / ROLL#000002#CHUNK#0003     a chunk of roll 2's units
 *   COMPOUND#c / ROLL#000002#CHANGE#B1-101  a unit's latest holder change in roll 2
 *   REGISTRY#STREET#s / DISTRICT            the district of street s (a street lies in one district), so a
 *                                           street is a key prefix of the compounds' index without its district
 * Events may arrive in any order and more than once; every write here tolerates both.
 */
export interface CompoundView extends CompoundLocation {
  name: string;
  developerId: string;
  governance: string;
  /** When the current governance began, once a CompoundGovernanceChanged has arrived. */
  governanceSince?: string;
  activeRoll?: number;
  activeRollChunks?: number;
  unitCount?: number;
}

export { REGISTRY_EVENTS } from './events';

const compoundKey = (c: string): Key => ({ pk: `COMPOUND#${c}`, sk: 'META' });
const streetKey = (s: string): Key => ({ pk: `REGISTRY#STREET#${s}`, sk: 'DISTRICT' });
const rollPrefix = (v: number) => `ROLL#${String(v).padStart(6, '0')}#`;

export class RegistryReadModel {
  constructor(private readonly table: () => string) {}

  async apply(event: DeliveredEvent): Promise<void> {
    switch (event['detail-type']) {
      case CompoundRegistered.detailType: {
        const { data } = CompoundRegistered.parse(event);
        return this.putCompound({ compoundId: data.compoundId, name: data.name, ...data.location, developerId: data.developerId, governance: data.governance });
      }
      case CompoundGovernanceChanged.detailType: {
        const { data } = CompoundGovernanceChanged.parse(event);
        return this.putGovernance(data.compoundId, data.governance, data.since);
      }
      case RollChunkPublished.detailType: {
        const { data } = RollChunkPublished.parse(event);
        return this.putRollChunk(data.compoundId, data.rollVersion, data.chunkIndex, data.units);
      }
      case RollActivated.detailType: {
        const { data } = RollActivated.parse(event);
        return this.activateRoll(data.compoundId, data.rollVersion, data.chunkCount, data.unitCount);
      }
      case UnitHolderChanged.detailType: {
        const { metadata, data } = UnitHolderChanged.parse(event);
        return this.putHolderChange(data.compoundId, data.rollVersion, data.unit, metadata.occurredAt);
      }
      default:
        throw new Error(`the registry read model does not take ${event['detail-type']}`);
    }
  }

  async putCompound(item: Omit<CompoundView, 'activeRoll' | 'activeRollChunks' | 'unitCount' | 'governanceSince'>): Promise<void> {
    // Registration carries no roll; keep whatever roll state arrived first. Its governance is only the
    // starting one: a governance change that arrived first is kept.
    const { governance, ...rest } = item;
    const fields: Record<string, unknown> = {
      ...rest,
      gsi1pk: COMPOUNDS_PARTITION,
      gsi1sk: compoundSortKey(item),
    };
    const update = assignments(fields);
    update.set.push('#governance = if_not_exists(#governance, :governance)');
    update.names['#governance'] = 'governance';
    update.values[':governance'] = governance;
    await this.putStreet(item.streetId, item.districtId);
    await db().send(
      new UpdateCommand({
        TableName: this.table(),
        Key: compoundKey(item.compoundId),
        UpdateExpression: updateExpression(update.set),
        ExpressionAttributeNames: update.names,
        ExpressionAttributeValues: update.values,
      }),
    );
  }

  /** A street lies in one district for good: the entry is put once (append-only tables may keep it too). */
  private async putStreet(streetId: string, districtId: string): Promise<void> {
    try {
      await db().send(new PutCommand({ TableName: this.table(), Item: { ...streetKey(streetId), streetId, districtId }, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  async getCompound(compoundId: string): Promise<CompoundView | undefined> {
    const { Item } = await db().send(new GetCommand({ TableName: this.table(), Key: compoundKey(compoundId) }));
    return Item?.districtId ? stripKeys<CompoundView>(Item) : undefined;
  }

  /** For authorization: the whole view, which is also its location (handlers reuse it: one read per request). */
  locateCompound(compoundId: string): Promise<CompoundView | undefined> {
    return this.getCompound(compoundId);
  }

  /** Compounds of a district, a street, or the whole city. */
  async compoundsIn(scope: AreaScope): Promise<CompoundView[]> {
    if (scope.streetId && !scope.districtId) {
      // A street's district, from the compounds seen in it: then the street is a key prefix.
      const { Item } = await db().send(new GetCommand({ TableName: this.table(), Key: streetKey(scope.streetId) }));
      // A copy made before these entries existed has none: the filter below still answers correctly.
      if (Item) scope = { districtId: Item.districtId as string, streetId: scope.streetId };
    }
    const prefix = areaPrefix(scope);
    const items = await queryAll({
      TableName: this.table(),
      IndexName: 'gsi1',
      KeyConditionExpression: prefix ? 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)' : 'gsi1pk = :pk',
      ExpressionAttributeValues: prefix ? { ':pk': COMPOUNDS_PARTITION, ':prefix': prefix } : { ':pk': COMPOUNDS_PARTITION },
    });
    return items.map((i) => stripKeys<CompoundView>(i)!).filter((c) => inScope(c, scope));
  }

  async putRollChunk(compoundId: string, rollVersion: number, chunkIndex: number, units: UnitRecord[]): Promise<void> {
    await db().send(new PutCommand({ TableName: this.table(), Item: { pk: `COMPOUND#${compoundId}`, sk: `${rollPrefix(rollVersion)}CHUNK#${String(chunkIndex).padStart(4, '0')}`, units } }));
  }

  /** A later governance replaces an earlier one, whatever the order of arrival. */
  async putGovernance(compoundId: string, governance: string, since: string): Promise<void> {
    try {
      await db().send(
        new UpdateCommand({
          TableName: this.table(),
          Key: compoundKey(compoundId),
          UpdateExpression: 'SET governance = :g, governanceSince = :since',
          ConditionExpression: 'attribute_not_exists(governanceSince) OR governanceSince < :since',
          ExpressionAttributeValues: { ':g': governance, ':since': since },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  /** Only a newer roll replaces the active one. */
  async activateRoll(compoundId: string, rollVersion: number, chunkCount: number, unitCount: number): Promise<void> {
    try {
      await db().send(
        new UpdateCommand({
          TableName: this.table(),
          Key: compoundKey(compoundId),
          UpdateExpression: 'SET activeRoll = :v, activeRollChunks = :n, unitCount = :units',
          ConditionExpression: 'attribute_not_exists(activeRoll) OR activeRoll < :v',
          ExpressionAttributeValues: { ':v': rollVersion, ':n': chunkCount, ':units': unitCount },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  /** Last writer by event time wins, so a late, older change never overwrites a newer one. */
  async putHolderChange(compoundId: string, rollVersion: number, unit: UnitRecord, occurredAt: string): Promise<void> {
    try {
      await db().send(
        new PutCommand({
          TableName: this.table(),
          Item: { pk: `COMPOUND#${compoundId}`, sk: `${rollPrefix(rollVersion)}CHANGE#${unit.unitId}`, unit, occurredAt },
          ConditionExpression: 'attribute_not_exists(pk) OR occurredAt < :at',
          ExpressionAttributeValues: { ':at': occurredAt },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  /** The active roll with later holder changes applied; undefined until every chunk has arrived. */
  async loadActiveRoll(compound: CompoundView): Promise<{ rollVersion: number; units: UnitRecord[] } | undefined> {
    if (!compound.activeRoll) return undefined;
    const items = await queryAll({
      TableName: this.table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `COMPOUND#${compound.compoundId}`, ':prefix': rollPrefix(compound.activeRoll) },
      ConsistentRead: true,
    });
    const chunks = items.filter((i) => String(i.sk).includes('#CHUNK#'));
    if (chunks.length !== compound.activeRollChunks) return undefined;
    const units = new Map<string, UnitRecord>();
    for (const chunk of chunks) for (const unit of chunk.units as UnitRecord[]) units.set(unit.unitId, unit);
    for (const change of items.filter((i) => String(i.sk).includes('#CHANGE#'))) {
      const unit = change.unit as UnitRecord;
      units.set(unit.unitId, unit);
    }
    return { rollVersion: compound.activeRoll, units: [...units.values()] };
  }
}
