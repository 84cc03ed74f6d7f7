import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { db, queryAll, stripKeys } from '../../../libs/db';
import { updateWithEvents } from '../../../libs/outbox';
import type { CompoundSummary } from '../domain/report';
import { profileKey, summaryKey, SUMMARIES, table } from './keys';

/** A compound's committee summary, as the city reports read it. */
export async function putSummary(summary: CompoundSummary, asOf: string): Promise<void> {
  const sortKey = `${summary.districtId}#${summary.streetId}#${summary.communityId}#${summary.compoundId}`;
  await db().send(new PutCommand({ TableName: table(), Item: { ...summaryKey(summary.compoundId), ...summary, asOf, gsi1pk: SUMMARIES, gsi1sk: sortKey } }));
}

export interface SummaryScope {
  districtId?: string;
  streetId?: string;
  compoundId?: string;
}

/** The summaries of the compounds in scope: one query of small items (a city's 2,000 fit in a page or two). */
export async function summariesIn(scope: SummaryScope): Promise<CompoundSummary[]> {
  const prefix = scope.districtId ? `${scope.districtId}#${scope.streetId ? `${scope.streetId}#` : ''}` : '';
  const items = await queryAll({
    TableName: table(),
    IndexName: 'gsi1',
    KeyConditionExpression: prefix ? 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)' : 'gsi1pk = :pk',
    ExpressionAttributeValues: prefix ? { ':pk': SUMMARIES, ':prefix': prefix } : { ':pk': SUMMARIES },
  });
  return items
    .map((i) => stripKeys<CompoundSummary & { asOf: string }>(i)!)
    .filter((s) => (!scope.streetId || s.streetId === scope.streetId) && (!scope.compoundId || s.compoundId === scope.compoundId));
}

export interface CompoundProfile {
  compoundId: string;
  partyBranch: boolean;
  secretaryPersonId?: string;
  recordedAt: string;
  recordedBy: string;
}

export async function getProfile(compoundId: string): Promise<CompoundProfile | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: profileKey(compoundId) }));
  return stripKeys<CompoundProfile>(Item);
}

export async function putProfile(profile: CompoundProfile, events: BusEvent[]): Promise<void> {
  await updateWithEvents(
    table(),
    profileKey(profile.compoundId),
    {
      set: ['compoundId = :c', 'partyBranch = :b', 'recordedAt = :at', 'recordedBy = :by', ...(profile.secretaryPersonId ? ['secretaryPersonId = :s'] : [])],
      remove: profile.secretaryPersonId ? [] : ['secretaryPersonId'],
      values: { ':c': profile.compoundId, ':b': profile.partyBranch, ':at': profile.recordedAt, ':by': profile.recordedBy, ...(profile.secretaryPersonId ? { ':s': profile.secretaryPersonId } : {}) },
    },
    events,
  );
}

// ---- areas: where a street or a community is (for scoping callers who hold only its id) ------------

export async function putArea(kind: 'street' | 'community', areaId: string, location: { districtId: string; streetId: string }): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { pk: `AREA#${kind}#${areaId}`, sk: 'META', ...location } }));
}

export async function getArea(kind: 'street' | 'community', areaId: string): Promise<{ districtId: string; streetId: string } | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: { pk: `AREA#${kind}#${areaId}`, sk: 'META' } }));
  return Item ? { districtId: Item.districtId as string, streetId: Item.streetId as string } : undefined;
}
