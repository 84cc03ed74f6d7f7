import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { CampaignCreated, CampaignPlanned } from '../../events/catalogue';
import type { Principal } from '../../libs/auth';
import { db } from '../../libs/db';
import { conflict, forbidden, ruleBroken, type FieldError } from '../../libs/errors';
import { decodeCursor, encodeCursor } from '../../libs/http/pagination';
import { areaPrefix, COMPOUNDS_PARTITION } from '../registry/kit/keys';
import type { CompoundView } from '../registry/kit/read-model';
import type { EnforcementCategory } from './domain/categories';
import { assignCategories } from './domain/departments';
import { daysBetween, isDate, localDate, startOfDate } from './domain/time';
import * as campaigns from './store/campaigns';
import type { Campaign, CampaignScope } from './store/campaigns';
import { getDepartment } from './store/departments';
import { getRisks } from './store/risk';
import type { RiskInputs } from './domain/risk';
import { registry, table } from './store/table';
import type { SweepUnit } from './sweep-operations';

export const MAX_CAMPAIGN_DAYS = 366;
/** Compounds per planning page: one page is one unit of the campaign-plans queue. */
export const PLANNING_PAGE = 200;

export interface CampaignInput {
  campaignId: string;
  theme: string;
  categories: EnforcementCategory[];
  departments: string[];
  startsOn: string;
  endsOn: string;
  scope: CampaignScope;
  selection: 'all' | 'due';
}

const duplicates = <T>(list: readonly T[]) => list.filter((x, i) => list.indexOf(x) !== i);

/** Whether a coordinator's grants reach an area: the bureau everywhere, a district its district, a street office its street. */
function reaches(principal: Principal, area: { districtId?: string; streetId?: string }): boolean {
  if (principal.can(['bureau'])) return true;
  return principal.grants.some((g) => (g.role === 'district' && area.districtId === g.scope) || (g.role === 'street' && area.streetId === g.scope));
}

async function anyCompoundIn(area: { districtId?: string; streetId?: string }): Promise<boolean> {
  const page = await db().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': COMPOUNDS_PARTITION, ':prefix': areaPrefix(area) },
      Limit: 1,
    }),
  );
  return (page.Items ?? []).length > 0;
}

/** The area a campaign belongs to, checked against the caller's grants (403) and the compounds known here (422). */
async function areaOf(scope: CampaignScope, principal: Principal): Promise<Campaign['area']> {
  if (scope.kind === 'city') {
    if (!principal.can(['bureau'])) throw forbidden('only the bureau runs a city-wide campaign');
    return {};
  }
  if (scope.kind === 'district' || scope.kind === 'street') {
    const area = scope.kind === 'district' ? { districtId: scope.districtId } : { districtId: scope.districtId, streetId: scope.streetId };
    if (!reaches(principal, area)) throw forbidden(`your grants do not reach ${scope.kind} ${scope.kind === 'street' ? scope.streetId : scope.districtId}`);
    if (!(await anyCompoundIn(area))) throw ruleBroken(`no compound is registered in that ${scope.kind}`, [{ field: 'body.scope', reason: 'no compound known there' }]);
    return area;
  }
  const repeated = duplicates(scope.compoundIds);
  if (repeated.length) throw ruleBroken('a compound is listed twice', [{ field: 'body.scope.compoundIds', reason: `repeated: ${repeated.join(', ')}` }]);
  const views = await Promise.all(scope.compoundIds.map((c) => registry.getCompound(c)));
  const problems: FieldError[] = [];
  views.forEach((v, i) => {
    if (!v) problems.push({ field: `body.scope.compoundIds[${i}]`, reason: `compound ${scope.compoundIds[i]} is not registered` });
  });
  if (problems.length) throw ruleBroken('unknown compounds', problems);
  const known = views as CompoundView[];
  const outside = known.filter((c) => !reaches(principal, c));
  if (outside.length) throw forbidden(`your grants do not reach ${outside.map((c) => c.compoundId).join(', ')}`);
  const streets = new Set(known.map((c) => `${c.districtId}#${c.streetId}`));
  const districts = new Set(known.map((c) => c.districtId));
  if (streets.size === 1) return { districtId: known[0]!.districtId, streetId: known[0]!.streetId };
  return districts.size === 1 ? { districtId: known[0]!.districtId } : {};
}

const sameCampaign = (a: Campaign, b: Campaign) =>
  JSON.stringify([a.theme, a.categories, a.departments, a.startsOn, a.endsOn, a.scope, a.selection]) ===
  JSON.stringify([b.theme, b.categories, b.departments, b.startsOn, b.endsOn, b.scope, b.selection]);

/**
 * A campaign: dates checked (a real period, at most a year, not over), categories and departments
 * without repeats, every category covered by a listed department's remit, the scope within the
 * caller's area. Planning falls due at the start of its first day. Idempotent by campaignId.
 */
export async function createCampaign(input: CampaignInput, principal: Principal, now: string): Promise<{ campaign: Campaign; replayed: boolean }> {
  const problems: FieldError[] = [];
  if (!isDate(input.startsOn)) problems.push({ field: 'body.startsOn', reason: 'not a calendar date' });
  if (!isDate(input.endsOn)) problems.push({ field: 'body.endsOn', reason: 'not a calendar date' });
  if (!problems.length) {
    const span = daysBetween(input.startsOn, input.endsOn);
    if (span < 0) problems.push({ field: 'body.endsOn', reason: 'before startsOn' });
    else if (span + 1 > MAX_CAMPAIGN_DAYS) problems.push({ field: 'body.endsOn', reason: `a campaign lasts at most ${MAX_CAMPAIGN_DAYS} days` });
    if (input.endsOn < localDate(now)) problems.push({ field: 'body.endsOn', reason: 'the period is already over' });
  }
  for (const c of duplicates(input.categories)) problems.push({ field: 'body.categories', reason: `${c} appears twice` });
  for (const d of duplicates(input.departments)) problems.push({ field: 'body.departments', reason: `${d} appears twice` });
  const departments = await Promise.all(input.departments.map(getDepartment));
  departments.forEach((d, i) => {
    if (!d) problems.push({ field: `body.departments[${i}]`, reason: `${input.departments[i]} is not a department of the alliance` });
  });
  if (problems.length) throw ruleBroken('the campaign cannot be run as given', problems);
  const { assignments, uncovered } = assignCategories(
    input.categories,
    departments.map((d) => d!),
  );
  if (uncovered.length)
    throw ruleBroken(
      'no listed department may enforce some categories',
      uncovered.map((c) => ({ field: 'body.categories', reason: `${c} is in no listed department’s remit` })),
    );
  const area = await areaOf(input.scope, principal);
  const campaign: Campaign = { ...input, assignments, area, status: 'scheduled', planAt: startOfDate(input.startsOn), createdAt: now, createdBy: principal.subject };
  const event = CampaignCreated.create(
    {
      campaignId: input.campaignId,
      theme: input.theme,
      categories: input.categories,
      departments: input.departments,
      assignments,
      startsOn: input.startsOn,
      endsOn: input.endsOn,
      scope: input.scope,
      selection: input.selection,
    },
    { compoundId: null, actor: principal.subject, occurredAt: now, correlationId: `campaign-${input.campaignId}` },
  );
  if (await campaigns.createCampaign(campaign, [event])) return { campaign, replayed: false };
  const existing = await campaigns.getCampaign(input.campaignId);
  if (existing && sameCampaign(existing, campaign)) return { campaign: existing, replayed: true };
  throw conflict(`campaign ${input.campaignId} exists with other content`, { existing });
}

export interface PlanningUnit {
  campaignId: string;
  cursor?: string;
  queued?: number;
}

/**
 * One page of a campaign's compounds: the sweep units to queue, and the next page's unit (or,
 * on the last page, the count of all queued). Compounds come from the registry read model by the
 * area's key prefix, or from the campaign's own list.
 */
export async function planningPage(campaign: Campaign, unit: PlanningUnit): Promise<{ units: SweepUnit[]; next?: PlanningUnit; total?: number }> {
  const page = await compoundsPage(campaign, unit);
  const risks = await getRisks(page.units.map((u) => u.compoundId));
  return { ...page, units: page.units.map((u) => ({ ...u, risk: inputsOf(risks.get(u.compoundId)!) })) };
}

const inputsOf = ({ openHazards, previousFindings, openReferrals, builtYear, lastSweptAt }: RiskInputs): RiskInputs => ({ openHazards, previousFindings, openReferrals, builtYear, lastSweptAt });

async function compoundsPage(campaign: Campaign, unit: PlanningUnit): Promise<{ units: SweepUnit[]; next?: PlanningUnit; total?: number }> {
  const queued = unit.queued ?? 0;
  const toUnit = (c: CompoundView): SweepUnit => ({ campaignId: campaign.campaignId, compoundId: c.compoundId, districtId: c.districtId, streetId: c.streetId, communityId: c.communityId });
  if (campaign.scope.kind === 'compounds') {
    const start = Number(unit.cursor ?? 0);
    const ids = campaign.scope.compoundIds.slice(start, start + PLANNING_PAGE);
    const units = (await Promise.all(ids.map((c) => registry.getCompound(c)))).filter((c): c is CompoundView => c !== undefined).map(toUnit);
    const end = start + ids.length;
    return end < campaign.scope.compoundIds.length ? { units, next: { campaignId: campaign.campaignId, cursor: String(end), queued: queued + units.length } } : { units, total: queued + units.length };
  }
  const area =
    campaign.scope.kind === 'city' ? {} : campaign.scope.kind === 'district' ? { districtId: campaign.scope.districtId } : { districtId: campaign.scope.districtId, streetId: campaign.scope.streetId };
  const prefix = areaPrefix(area);
  const page = await db().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: prefix ? 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)' : 'gsi1pk = :pk',
      ExpressionAttributeValues: prefix ? { ':pk': COMPOUNDS_PARTITION, ':prefix': prefix } : { ':pk': COMPOUNDS_PARTITION },
      Limit: PLANNING_PAGE,
      ExclusiveStartKey: decodeCursor(unit.cursor),
    }),
  );
  const units = (page.Items ?? []).map((i) => toUnit(i as unknown as CompoundView));
  const cursor = encodeCursor(page.LastEvaluatedKey);
  return cursor ? { units, next: { campaignId: campaign.campaignId, cursor, queued: queued + units.length } } : { units, total: queued + units.length };
}

export async function finishPlanning(campaign: Campaign, total: number, now: string): Promise<boolean> {
  return campaigns.finishPlanning(campaign.campaignId, total, now, [
    CampaignPlanned.create(
      { campaignId: campaign.campaignId, compoundsInScope: total },
      { compoundId: null, actor: 'schedule:sweep-planner', occurredAt: now, correlationId: `campaign-${campaign.campaignId}`, id: `campaign-planned-${campaign.campaignId}` },
    ),
  ]);
}
