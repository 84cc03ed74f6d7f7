import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from '../../../events/zod';
import type { CampaignCreated } from '../../../events/enforcement';
import type { BusEvent } from '../../../events/envelope';
import { db, isConditionFailed, stripKeys } from '../../../libs/db';
import { dueAt, dueItems } from '../../../libs/due';
import { queryPage, type Page } from '../../../libs/http/pagination';
import { insertWithEvents, updateWithEvents } from '../../../libs/outbox';
import type { EnforcementCategory } from '../domain/categories';
import { campaignKey, DUE, table } from './table';

export type CampaignScope = z.infer<typeof CampaignCreated.data>['scope'];

export interface Campaign {
  campaignId: string;
  theme: string;
  categories: EnforcementCategory[];
  departments: string[];
  assignments: { department: string; categories: EnforcementCategory[] }[];
  startsOn: string;
  endsOn: string;
  scope: CampaignScope;
  selection: 'all' | 'due';
  /** The part of the city it belongs to (whose officials see it): none for the city. */
  area: { districtId?: string; streetId?: string };
  status: 'scheduled' | 'planned';
  /** When planning falls due: the start of its first day. */
  planAt: string;
  compoundsInScope?: number;
  plannedAt?: string;
  createdAt: string;
  createdBy: string;
}

export async function createCampaign(campaign: Campaign, events: readonly BusEvent[]): Promise<boolean> {
  return insertWithEvents(
    table(),
    { ...campaignKey(campaign.campaignId), ...campaign, gsi1pk: 'CAMPAIGNS', gsi1sk: `${campaign.startsOn}#${campaign.campaignId}`, ...dueAt(DUE.campaignPlan, campaign.planAt, campaign.campaignId) },
    events,
  );
}

export async function getCampaign(campaignId: string, consistent = true): Promise<Campaign | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: campaignKey(campaignId), ConsistentRead: consistent }));
  return stripKeys<Campaign>(Item);
}

/** Campaigns by start date; an area narrows to the city's and that area's own. */
export function pageCampaigns(area: { districtId?: string; streetId?: string } | undefined, limit: number, cursor?: string): Promise<Page<Campaign>> {
  const filter = !area ? undefined : area.streetId ? 'attribute_not_exists(area.districtId) OR area.streetId = :street' : 'attribute_not_exists(area.districtId) OR area.districtId = :district';
  const values: Record<string, unknown> = { ':pk': 'CAMPAIGNS' };
  if (area?.streetId) values[':street'] = area.streetId;
  else if (area?.districtId) values[':district'] = area.districtId;
  return queryPage(
    { TableName: table(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', FilterExpression: filter, ExpressionAttributeValues: values, ScanIndexForward: false },
    limit,
    cursor,
    (i) => stripKeys<Campaign>(i)!,
  );
}

export const campaignsDueForPlanning = (now: string) => dueItems<{ campaignId: string }>(table(), DUE.campaignPlan, now, ['campaignId']);

/**
 * Move a campaign's planning time to `until` while a run plans it, so the hourly schedule does not
 * queue it again meanwhile; if the run dies, it falls due again then. Scheduling metadata, not a
 * state change of the campaign: no event.
 */
export async function leasePlanning(campaignId: string, until: string): Promise<void> {
  const due = dueAt(DUE.campaignPlan, until, campaignId);
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: campaignKey(campaignId),
        UpdateExpression: 'SET duePk = :pk, dueSk = :sk',
        ConditionExpression: '#status = :scheduled',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':scheduled': 'scheduled', ':pk': due.duePk, ':sk': due.dueSk },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/** Every compound in scope has been queued: the campaign is planned (once) and leaves the due index. */
export async function finishPlanning(campaignId: string, compoundsInScope: number, at: string, events: readonly BusEvent[]): Promise<boolean> {
  return updateWithEvents(
    table(),
    campaignKey(campaignId),
    {
      set: ['#status = :planned', 'compoundsInScope = :n', 'plannedAt = :at'],
      remove: ['duePk', 'dueSk'],
      condition: '#status = :scheduled',
      names: { '#status': 'status' },
      values: { ':planned': 'planned', ':scheduled': 'scheduled', ':n': compoundsInScope, ':at': at },
    },
    events,
  );
}
