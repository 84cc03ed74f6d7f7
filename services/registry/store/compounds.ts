import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import type { CompoundLocation } from '../../../libs/auth';
import { clock } from '../../../libs/clock';
import { db } from '../../../libs/db';
import { conflict, notFound } from '../../../libs/errors';
import { queryPage, type Page } from '../../../libs/http/pagination';
import { insertWithEvents, updateWithEvents } from '../../../libs/outbox';
import type { GovernanceState } from '../domain/governance';
import { compoundSortKey, COMPOUNDS_PARTITION } from '../kit/keys';
import { compoundKey, table } from './keys';

import type { Governance } from '../domain/governance';
export type { Governance };

export interface CompoundItem extends CompoundLocation {
  name: string;
  address: string;
  governance: Governance;
  /** When the current governance began (the term start of the committee that set it); absent until one did. */
  governanceSince?: string;
  /** The governing committee and its term's end; committees known to have ended (domain/governance.ts). */
  governanceCommitteeId?: string;
  governanceUntil?: string;
  endedCommittees?: string[];
  /** Counts the governance writes: each is conditional on the count read. */
  governanceRevision?: number;
  developerId: string;
  rollVersion: number;
  nextRollVersion: number;
  unitCount: number;
  totalArea: number;
  ownerCount: number;
  buildings: Record<string, number>;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

export type NewCompound = Pick<CompoundItem, 'compoundId' | 'name' | 'address' | 'districtId' | 'streetId' | 'communityId' | 'governance' | 'developerId' | 'createdBy'>;

export function publicCompound(item: CompoundItem) {
  return {
    compoundId: item.compoundId,
    name: item.name,
    address: item.address,
    districtId: item.districtId,
    streetId: item.streetId,
    communityId: item.communityId,
    governance: item.governance,
    governanceSince: item.governanceSince,
    developerId: item.developerId,
    rollVersion: item.rollVersion,
    unitCount: item.unitCount,
    totalArea: item.totalArea,
    ownerCount: item.ownerCount,
    createdAt: item.createdAt,
  };
}

export async function getCompound(compoundId: string, consistent = false): Promise<CompoundItem | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: compoundKey(compoundId), ConsistentRead: consistent }));
  return Item as CompoundItem | undefined;
}

/** For authorization: the whole compound item, which is also its location (handlers reuse it: one read per request). */
export const locateCompound = (compoundId: string): Promise<CompoundItem | undefined> => getCompound(compoundId);

/** The compound the HTTP stack read to authorize the request. */
export const locatedCompound = (location: CompoundLocation | undefined): CompoundItem => {
  if (!location) throw notFound('no compound in this request');
  return location as CompoundItem;
};

export async function createCompound(input: NewCompound, events: BusEvent[]): Promise<CompoundItem> {
  const now = clock.nowIso();
  const item: CompoundItem = { ...input, rollVersion: 0, nextRollVersion: 0, unitCount: 0, totalArea: 0, ownerCount: 0, buildings: {}, createdAt: now, updatedAt: now };
  const gsi = { gsi1pk: COMPOUNDS_PARTITION, gsi1sk: compoundSortKey(input) };
  if (!(await insertWithEvents(table(), { ...compoundKey(input.compoundId), ...item, ...gsi }, events))) throw conflict(`compound ${input.compoundId} already exists`);
  return item;
}

/** A page of the compounds whose sort key (district#street#community#compound) begins with `prefix` ('' for the city). */
export function listCompounds(prefix: string, limit: number, cursor?: string): Promise<Page<CompoundItem>> {
  return queryPage(
    {
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: prefix ? 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)' : 'gsi1pk = :pk',
      ExpressionAttributeValues: prefix ? { ':pk': COMPOUNDS_PARTITION, ':prefix': prefix } : { ':pk': COMPOUNDS_PARTITION },
    },
    limit,
    cursor,
    (i: Record<string, unknown>) => i as unknown as CompoundItem,
  );
}

/** A compound's governance, as domain/governance.ts decides on it. */
export const governanceOf = (compound: CompoundItem): GovernanceState => ({
  governance: compound.governance,
  since: compound.governanceSince,
  committeeId: compound.governanceCommitteeId,
  until: compound.governanceUntil,
  ended: compound.endedCommittees,
});

/**
 * Set a compound's governance, conditional on it being still what was read (the caller decided from
 * that read that the change is later): one write, carrying CompoundGovernanceChanged when the
 * governance itself changed (a committee only remembered as ended changes nothing anyone reads). False
 * when something else changed it meanwhile (read again and decide again).
 */
export async function changeGovernance(compound: CompoundItem, next: GovernanceState, event: BusEvent | undefined): Promise<boolean> {
  const optional = { governanceSince: next.since, governanceCommitteeId: next.committeeId, governanceUntil: next.until, endedCommittees: next.ended?.length ? [...next.ended] : undefined };
  const set = Object.entries(optional).filter(([, v]) => v !== undefined);
  const revision = compound.governanceRevision;
  return updateWithEvents(
    table(),
    compoundKey(compound.compoundId),
    {
      set: ['governance = :g', 'governanceRevision = :revision', 'updatedAt = :now', ...set.map(([k]) => `${k} = :${k}`)],
      remove: Object.entries(optional)
        .filter(([, v]) => v === undefined)
        .map(([k]) => k),
      condition: revision === undefined ? 'attribute_not_exists(governanceRevision)' : 'governanceRevision = :previousRevision',
      values: {
        ':g': next.governance,
        ':revision': (revision ?? 0) + 1,
        ':now': clock.nowIso(),
        ...Object.fromEntries(set.map(([k, v]) => [`:${k}`, v])),
        ...(revision === undefined ? {} : { ':previousRevision': revision }),
      },
    },
    event ? [event] : [],
  );
}
