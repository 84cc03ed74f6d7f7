import { CompoundProfileUpdated } from '../../../events/catalogue';
import { clock } from '../../../libs/clock';
import { conflict, notFound } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { enqueue } from '../../../libs/queue';
import { actingDepartment } from '../acting';
import { createCampaign as create } from '../campaign-operations';
import { dueReasons, riskScore } from '../domain/risk';
import { recordFinding } from '../operations';
import * as campaigns from '../store/campaigns';
import { getRisk, setBuiltYear } from '../store/risk';
import { pageSweeps } from '../store/sweeps';
import { recordInspection as record, requireOpenPart, requireSweep } from '../sweep-operations';
import { routes } from '../topology';
import { compoundOf, present } from './present';

export const createCampaign = implement(routes.createCampaign, async ({ body, principal }) => {
  const { campaign, replayed } = await create(body, principal, clock.nowIso());
  return { status: replayed ? 200 : 201, body: campaign };
});

/** A district office sees its district's campaigns and the city's; a street office or inspector, its street's and the city's. */
export const listCampaigns = implement(routes.listCampaigns, async ({ query, principal }) => {
  const cityWide = principal.can(['bureau', 'department']);
  const district = principal.grants.find((g) => g.role === 'district')?.scope;
  const street = principal.grants.find((g) => g.role === 'street' || g.role === 'inspector')?.scope;
  const area = cityWide ? undefined : district ? { districtId: district } : { streetId: street };
  return { body: await campaigns.pageCampaigns(area, query.limit, query.cursor) };
});

async function requireCampaign(campaignId: string) {
  const campaign = await campaigns.getCampaign(campaignId);
  if (!campaign) throw notFound(`no campaign ${campaignId}`);
  return campaign;
}

export const getCampaign = implement(routes.getCampaign, async ({ params }) => ({ body: await requireCampaign(params.campaignId) }));

/** Plan now: the campaign's first page goes on the queue (what the hourly schedule does once its first day begins). */
export const planCampaign = implement(routes.planCampaign, async ({ params }) => {
  const campaign = await requireCampaign(params.campaignId);
  if (campaign.status === 'planned') throw conflict(`campaign ${params.campaignId} was planned at ${campaign.plannedAt}`);
  await enqueue('campaign-plans', [{ campaignId: campaign.campaignId }]);
  return { status: 202, body: { campaignId: campaign.campaignId, status: 'planning', detail: 'each compound in scope is planned on its own; GET …/sweeps shows them as they land' } };
});

export const listSweeps = implement(routes.listSweeps, async ({ params, query }) => {
  await requireCampaign(params.campaignId);
  return { body: await pageSweeps(params.campaignId, { department: query.department, status: query.status }, query.limit, query.cursor) };
});

export const getSweep = implement(routes.getSweep, async ({ params }) => ({ body: await requireSweep(params.campaignId, params.compoundId) }));

export const recordSweepFinding = implement(routes.recordSweepFinding, async ({ params, body, principal, location }) => {
  const department = await actingDepartment(principal, body.department, [body.category]);
  const sweep = await requireSweep(params.campaignId, params.compoundId);
  requireOpenPart(sweep, department.departmentId);
  const { finding, replayed } = await recordFinding(compoundOf(location), body, { subject: principal.subject, department: department.departmentId }, clock.nowIso(), params.campaignId);
  return { status: replayed ? 200 : 201, body: await present(finding) };
});

export const recordInspection = implement(routes.recordInspection, async ({ params, body, principal }) => {
  const department = await actingDepartment(
    principal,
    body.department,
    body.checklist.map((c) => c.category),
  );
  const { sweep, replayed } = await record(params.campaignId, params.compoundId, department.departmentId, body.checklist, principal.subject, clock.nowIso());
  return { status: replayed ? 200 : 201, body: sweep };
});

export const setProfile = implement(routes.setProfile, async ({ params, body, principal }) => {
  const now = clock.nowIso();
  await setBuiltYear(params.compoundId, body.builtYear, [
    CompoundProfileUpdated.create({ compoundId: params.compoundId, builtYear: body.builtYear }, { compoundId: params.compoundId, actor: principal.subject, occurredAt: now }),
  ]);
  return { body: await getRisk(params.compoundId) };
});

export const compoundRisk = implement(routes.getRisk, async ({ params }) => {
  const now = clock.nowIso();
  const risk = await getRisk(params.compoundId);
  const { score, components } = riskScore(risk, now);
  return { body: { ...risk, score, components, dueReasons: dueReasons(risk, now), asOf: now } };
});
