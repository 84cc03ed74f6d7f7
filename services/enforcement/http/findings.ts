import { clock } from '../../../libs/clock';
import { notFound } from '../../../libs/errors';
import { uploadUrl } from '../../../libs/files';
import { implement } from '../../../libs/http/api';
import type { Principal } from '../../../libs/auth';
import { actingDepartment } from '../acting';
import type { Finding } from '../domain/finding';
import * as operations from '../operations';
import { pageFindings } from '../store/findings';
import { routes } from '../topology';
import { compoundOf, present } from './present';

/** Owners see the findings that name them, and nothing of their neighbours'; everyone else with a role in the compound sees all. */
function ownerFilter(principal: Principal, compoundId: string): string | undefined {
  const others = principal.grants.some((g) => g.role !== 'owner');
  return others ? undefined : (principal.ownerIdIn(compoundId) ?? '-');
}

async function visibleFinding(principal: Principal, compoundId: string, findingId: string): Promise<Finding> {
  const finding = await operations.requireFinding(compoundId, findingId);
  const owner = ownerFilter(principal, compoundId);
  if (owner && finding.responsibleParty?.ownerId !== owner) throw notFound(`finding ${findingId} does not exist in ${compoundId}`);
  return finding;
}

export const recordFinding = implement(routes.recordFinding, async ({ body, principal, location }) => {
  const department = await actingDepartment(principal, body.department, [body.category]);
  const { finding, replayed } = await operations.recordFinding(compoundOf(location), body, { subject: principal.subject, department: department.departmentId }, clock.nowIso());
  return { status: replayed ? 200 : 201, body: await present(finding) };
});

export const listFindings = implement(routes.listFindings, async ({ params, query, principal }) => ({
  body: await pageFindings(params.compoundId, { status: query.status, ownerId: ownerFilter(principal, params.compoundId) }, query.limit, query.cursor),
}));

export const getFinding = implement(routes.getFinding, async ({ params, principal }) => ({ body: await present(await visibleFinding(principal, params.compoundId, params.findingId)) }));

export const confirmFinding = implement(routes.confirmFinding, async ({ params, body, principal, location }) => {
  const finding = await operations.requireFinding(params.compoundId, params.findingId);
  const department = await actingDepartment(principal, body.department, [body.category ?? finding.category]);
  return { body: await present(await operations.confirmReferral(compoundOf(location), finding, body, { subject: principal.subject, department: department.departmentId }, clock.nowIso())) };
});

export const dismissFinding = implement(routes.dismissFinding, async ({ params, body, principal }) => {
  const finding = await operations.requireFinding(params.compoundId, params.findingId);
  const department = await actingDepartment(principal, body.department, [finding.category]);
  return { body: await present(await operations.dismissReferral(finding, body.reason, { subject: principal.subject, department: department.departmentId }, clock.nowIso())) };
});

export const reinspect = implement(routes.reinspect, async ({ params, body, principal }) => {
  const finding = await operations.requireFinding(params.compoundId, params.findingId);
  const department = await actingDepartment(principal, body.department, [finding.category]);
  return { status: 201, body: await present(await operations.reinspect(finding, body.outcome, body.note, { subject: principal.subject, department: department.departmentId }, clock.nowIso())) };
});

export const abate = implement(routes.abate, async ({ params, body, principal }) => {
  const finding = await operations.requireFinding(params.compoundId, params.findingId);
  const department = await actingDepartment(principal, body.department, [finding.category]);
  return { status: 201, body: await present(await operations.abate(finding, body.method, body.note, { subject: principal.subject, department: department.departmentId }, clock.nowIso())) };
});

export const referToPolice = implement(routes.referToPolice, async ({ params, body, principal }) => {
  const finding = await operations.requireFinding(params.compoundId, params.findingId);
  const department = await actingDepartment(principal, body.department, [finding.category]);
  return { status: 201, body: await present(await operations.referToPolice(finding, body.note, { subject: principal.subject, department: department.departmentId }, clock.nowIso())) };
});

export const attachEvidence = implement(routes.attachEvidence, async ({ params, body, principal }) => {
  const finding = await operations.requireFinding(params.compoundId, params.findingId);
  const department = await actingDepartment(principal, body.department, [finding.category]);
  const { item, replayed } = await operations.addEvidence(
    finding,
    { evidenceId: body.evidenceId, contentType: body.contentType, filename: body.filename },
    { subject: principal.subject, department: department.departmentId },
    clock.nowIso(),
  );
  return { status: replayed ? 200 : 201, body: { evidence: item, upload: await uploadUrl(item.key, item.contentType) } };
});
