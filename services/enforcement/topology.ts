import * as z from '../../events/zod';
import { described } from '../../events/zod';
import {
  CampaignCreated,
  CampaignPlanned,
  ComplaintReferredForEnforcement,
  CompoundProfileUpdated,
  DepartmentAdded,
  DepartmentRemitChanged,
  EnforcementEscalated,
  enforcementCategory,
  EvidenceAttached,
  FindingConfirmed,
  FindingDismissed,
  findingLocation,
  FindingRectified,
  FindingReferred,
  InspectionRecorded,
  ReinspectionFailed,
  responsibleParty,
  severity,
  SweepCompleted,
  SweepPlanned,
  ViolationConfirmed,
  ViolationRectified,
} from '../../events/catalogue';
import type { Role } from '../../libs/auth';
import { pageQuery } from '../../libs/http/page-query';
import { id } from '../../libs/ids';
import type { RouteDecl, ServiceTopology } from '../../libs/topology';
import { REGISTRY_EVENTS } from '../registry/kit/events';

const date = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'a date, YYYY-MM-DD'));
const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const categories = z.array(enforcementCategory).check(z.minLength(1), z.maxLength(enforcementCategory.options.length));
/** Which of the caller's department grants acts (needed only when the caller holds several). */
const actingDepartment = described(z.optional(id), 'which of your departments acts; needed only if you hold several department grants');
const format = z._default(z.enum(['json', 'csv']), 'json');

/** Everyone with a role in the compound, and the departments (owners see only their own findings). */
const inCompound: Role[] = ['owner', 'committee', 'property', 'community', 'street', 'district', 'inspector', 'department', 'bureau'];
/** Those who run campaigns: the street office, the district, the bureau. */
const coordinators: Role[] = ['street', 'district', 'bureau'];
const officialsAndDepartments: Role[] = ['community', 'street', 'district', 'inspector', 'department', 'bureau'];

const compoundParams = z.strictObject({ compoundId: id });
const findingParams = z.strictObject({ compoundId: id, findingId: id });
const campaignParams = z.strictObject({ campaignId: id });
const sweepParams = z.strictObject({ campaignId: id, compoundId: id });
const departmentParams = z.strictObject({ departmentId: id });

export const FINDING_STATUSES = ['to_inspect', 'open', 'rectified', 'dismissed'] as const;
export const EVIDENCE_TYPES = ['image/jpeg', 'image/png', 'image/heic', 'application/pdf', 'video/mp4'] as const;

const findingInput = z.strictObject({
  findingId: described(id, 'your reference for the finding, unique in the compound: a retry with the same body returns the first'),
  department: actingDepartment,
  category: enforcementCategory,
  severity,
  location: findingLocation,
  responsibleParty,
  description: text(5, 4000),
  criminal: z._default(z.boolean(), false),
});

export const routes = {
  listDepartments: {
    operationId: 'listDepartments',
    method: 'GET',
    path: '/enforcement/departments',
    summary: 'The alliance’s departments (the 8 built in, then the X the city added) and each one’s remit',
    allow: officialsAndDepartments,
    query: pageQuery,
  },
  addDepartment: {
    operationId: 'addDepartment',
    method: 'POST',
    path: '/enforcement/departments',
    summary: 'Add an X department with its remit (bureau)',
    allow: ['bureau'],
    body: z.strictObject({ departmentId: id, name: text(2, 200), categories }),
    successStatus: 201,
  },
  getDepartment: {
    operationId: 'getDepartment',
    method: 'GET',
    path: '/enforcement/departments/{departmentId}',
    summary: 'A department and its remit',
    allow: officialsAndDepartments,
    params: departmentParams,
  },
  setRemit: {
    operationId: 'setRemit',
    method: 'PUT',
    path: '/enforcement/departments/{departmentId}/remit',
    summary: 'Set the categories a department may find and enforce (bureau); every later action is checked against it',
    allow: ['bureau'],
    params: departmentParams,
    body: z.strictObject({ categories: z.array(enforcementCategory).check(z.maxLength(enforcementCategory.options.length)) }),
  },
  departmentFindings: {
    operationId: 'departmentFindings',
    method: 'GET',
    path: '/enforcement/departments/{departmentId}/findings',
    summary: 'A department’s findings by status (its work list: referrals to inspect, open findings to re-inspect)',
    allow: ['department', 'bureau'],
    params: departmentParams,
    query: z.extend(pageQuery, { status: z._default(z.enum(FINDING_STATUSES), 'open') }),
  },
  setProfile: {
    operationId: 'setProfile',
    method: 'PUT',
    path: '/enforcement/compounds/{compoundId}/profile',
    summary: 'Record what the registry does not know and sweep risk needs: the year the compound was built',
    allow: coordinators,
    params: compoundParams,
    body: z.strictObject({ builtYear: z.int().check(z.minimum(1900), z.maximum(2100)) }),
  },
  getRisk: {
    operationId: 'getRisk',
    method: 'GET',
    path: '/enforcement/compounds/{compoundId}/risk',
    summary: 'A compound’s sweep risk: its inputs, score and whether (and why) it is due',
    allow: officialsAndDepartments,
    params: compoundParams,
  },
  createCampaign: {
    operationId: 'createCampaign',
    method: 'POST',
    path: '/enforcement/campaigns',
    summary: 'Create a campaign (theme, categories, departments, period, compounds in scope); its sweeps are planned when it starts',
    allow: coordinators,
    body: z.strictObject({
      campaignId: id,
      theme: text(3, 500),
      categories,
      departments: described(z.array(id).check(z.minLength(1), z.maxLength(20)), 'the lead first: each category goes to the first department whose remit covers it'),
      startsOn: date,
      endsOn: date,
      scope: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('city') }),
        z.strictObject({ kind: z.literal('district'), districtId: id }),
        z.strictObject({ kind: z.literal('street'), districtId: id, streetId: id }),
        z.strictObject({ kind: z.literal('compounds'), compoundIds: z.array(id).check(z.minLength(1), z.maxLength(200)) }),
      ]),
      selection: described(z._default(z.enum(['all', 'due']), 'all'), '`due`: only compounds due by risk (never swept, open hazards, referred complaints, interval elapsed)'),
    }),
    successStatus: 201,
  },
  listCampaigns: {
    operationId: 'listCampaigns',
    method: 'GET',
    path: '/enforcement/campaigns',
    summary: 'Campaigns by start date (a district or street office sees its own area’s and the city’s)',
    allow: ['street', 'district', 'inspector', 'department', 'bureau'],
    query: pageQuery,
  },
  getCampaign: {
    operationId: 'getCampaign',
    method: 'GET',
    path: '/enforcement/campaigns/{campaignId}',
    summary: 'A campaign, its assignments and planning status',
    allow: ['street', 'district', 'inspector', 'department', 'bureau'],
    scope: 'resource',
    params: campaignParams,
  },
  planCampaign: {
    operationId: 'planCampaign',
    method: 'POST',
    path: '/enforcement/campaigns/{campaignId}/plan',
    summary: 'Plan the campaign’s sweeps now rather than at its start (the schedule does it otherwise); fanned out per compound',
    allow: coordinators,
    scope: 'resource',
    params: campaignParams,
    successStatus: 202,
  },
  listSweeps: {
    operationId: 'listSweeps',
    method: 'GET',
    path: '/enforcement/campaigns/{campaignId}/sweeps',
    summary: 'A campaign’s planned sweeps, optionally those of one department or status',
    allow: ['street', 'district', 'inspector', 'department', 'bureau'],
    scope: 'resource',
    params: campaignParams,
    query: z.extend(pageQuery, { department: z.optional(id), status: z.optional(z.enum(['planned', 'completed'])) }),
  },
  getSweep: {
    operationId: 'getSweep',
    method: 'GET',
    path: '/enforcement/campaigns/{campaignId}/sweeps/{compoundId}',
    summary: 'A compound’s sweep in a campaign: planned day, departments and their checklists',
    allow: inCompound,
    params: sweepParams,
  },
  recordSweepFinding: {
    operationId: 'recordSweepFinding',
    method: 'POST',
    path: '/enforcement/campaigns/{campaignId}/sweeps/{compoundId}/findings',
    summary: 'Record a finding during a sweep (a department, within its remit): the notice and its deadline follow from category and severity',
    allow: ['department'],
    params: sweepParams,
    body: findingInput,
    successStatus: 201,
  },
  recordInspection: {
    operationId: 'recordInspection',
    method: 'POST',
    path: '/enforcement/campaigns/{campaignId}/sweeps/{compoundId}/inspections',
    summary: 'Record a department’s checklist for its categories in the sweep (a failed item needs a finding)',
    allow: ['department'],
    params: sweepParams,
    body: z.strictObject({
      department: actingDepartment,
      checklist: z
        .array(z.strictObject({ category: enforcementCategory, result: z.enum(['pass', 'fail', 'not_applicable']), note: z.optional(text(1, 1000)) }))
        .check(z.minLength(1), z.maxLength(enforcementCategory.options.length)),
    }),
    successStatus: 201,
  },
  recordFinding: {
    operationId: 'recordFinding',
    method: 'POST',
    path: '/enforcement/compounds/{compoundId}/findings',
    summary: 'Record a finding outside a campaign (a department’s own inspection, within its remit)',
    allow: ['department'],
    params: compoundParams,
    body: findingInput,
    successStatus: 201,
  },
  listFindings: {
    operationId: 'listFindings',
    method: 'GET',
    path: '/enforcement/compounds/{compoundId}/findings',
    summary: 'A compound’s findings (an owner sees those naming them)',
    allow: inCompound,
    params: compoundParams,
    query: z.extend(pageQuery, { status: z.optional(z.enum(FINDING_STATUSES)) }),
  },
  getFinding: {
    operationId: 'getFinding',
    method: 'GET',
    path: '/enforcement/compounds/{compoundId}/findings/{findingId}',
    summary: 'A finding: notice, deadline, evidence (with download links), re-inspections and each escalation step',
    allow: inCompound,
    params: findingParams,
  },
  confirmFinding: {
    operationId: 'confirmFinding',
    method: 'POST',
    path: '/enforcement/compounds/{compoundId}/findings/{findingId}/confirm',
    summary: 'Confirm a referred complaint on inspection: it becomes a finding with a notice and deadline',
    allow: ['department'],
    params: findingParams,
    body: z.strictObject({
      department: actingDepartment,
      category: z.optional(enforcementCategory),
      severity,
      responsibleParty,
      location: z.optional(findingLocation),
      description: z.optional(text(5, 4000)),
      criminal: z._default(z.boolean(), false),
    }),
  },
  dismissFinding: {
    operationId: 'dismissFinding',
    method: 'POST',
    path: '/enforcement/compounds/{compoundId}/findings/{findingId}/dismiss',
    summary: 'Dismiss a referred complaint that inspection did not confirm, with the reason',
    allow: ['department'],
    params: findingParams,
    body: z.strictObject({ department: actingDepartment, reason: text(5, 1000) }),
  },
  reinspect: {
    operationId: 'reinspect',
    method: 'POST',
    path: '/enforcement/compounds/{compoundId}/findings/{findingId}/reinspections',
    summary: 'Re-inspect an open finding: rectified (closes it) or not',
    allow: ['department'],
    params: findingParams,
    body: z.strictObject({ department: actingDepartment, outcome: z.enum(['rectified', 'not_rectified']), note: text(3, 2000) }),
    successStatus: 201,
  },
  abate: {
    operationId: 'abate',
    method: 'POST',
    path: '/enforcement/compounds/{compoundId}/findings/{findingId}/abatement',
    summary: 'Record abatement by the department itself (demolition of an illegal structure and the like); closes the finding',
    allow: ['department'],
    params: findingParams,
    body: z.strictObject({ department: actingDepartment, method: z.enum(['demolition', 'removal', 'restoration']), note: text(3, 2000) }),
    successStatus: 201,
  },
  referToPolice: {
    operationId: 'referToPolice',
    method: 'POST',
    path: '/enforcement/compounds/{compoundId}/findings/{findingId}/police-referral',
    summary: 'Refer an open finding to the police as a criminal matter (the ladder takes the step at once)',
    allow: ['department'],
    params: findingParams,
    body: z.strictObject({ department: actingDepartment, note: text(5, 2000) }),
    successStatus: 201,
  },
  attachEvidence: {
    operationId: 'attachEvidence',
    method: 'POST',
    path: '/enforcement/compounds/{compoundId}/findings/{findingId}/evidence',
    summary: 'Attach evidence: returns a presigned URL to PUT the file to (idempotent by evidenceId)',
    allow: ['department'],
    params: findingParams,
    body: z.strictObject({
      department: actingDepartment,
      evidenceId: id,
      contentType: z.enum(EVIDENCE_TYPES),
      filename: z.optional(z.string().check(z.regex(/^[\w .()-]{1,120}$/, 'letters, digits, spaces and ._()-'))),
    }),
    successStatus: 201,
  },
  statistics: {
    operationId: 'enforcementStatistics',
    method: 'GET',
    path: '/enforcement/statistics',
    summary:
      'Compounds swept, hazards found and rectified by category, cases, recommendations, demolitions, police cases — per compound, street, district or city, for a month, quarter or year (JSON or CSV)',
    allow: ['street', 'district', 'inspector', 'department', 'bureau'],
    query: z.strictObject({
      level: z._default(z.enum(['compound', 'street', 'district', 'city']), 'city'),
      districtId: z.optional(id),
      streetId: z.optional(id),
      compoundId: z.optional(id),
      period: described(z.optional(z.string().check(z.maxLength(7))), '`2026`, `2026-Q2` or `2026-05` (default: this year)'),
      format,
    }),
  },
} as const satisfies Record<string, RouteDecl>;

export const topology: ServiceTopology = {
  name: 'enforcement',
  source: 'gongzhi.enforcement',
  ownsTable: true,
  files: true,
  api: { entry: 'services/enforcement/api.ts', routes: Object.values(routes), sendsTo: ['campaign-plans'], table: { level: 'read-write', indexes: ['gsi1'] } },
  consumers: [
    {
      name: 'registry-read-model',
      entry: 'services/enforcement/consume-registry.ts',
      table: { level: 'read-write', indexes: ['gsi1'] },
      description: 'Keeps the compounds (location, roll) for sweeps, findings and their scopes',
      pattern: { source: ['gongzhi.registry'], 'detail-type': REGISTRY_EVENTS.map((e) => e.detailType) },
    },
    {
      name: 'referrals',
      entry: 'services/enforcement/consume-referrals.ts',
      table: { level: 'read-write', indexes: ['gsi1'] },
      description: 'Makes each complaint the disputes service refers a finding for a department to inspect',
      pattern: { source: [ComplaintReferredForEnforcement.source], 'detail-type': [ComplaintReferredForEnforcement.detailType] },
    },
    {
      name: 'statistics',
      entry: 'services/enforcement/consume-statistics.ts',
      table: { level: 'read-write', indexes: ['gsi1'] },
      description: 'Keeps the counters per compound and month rolled up by street, district and city, and each compound’s sweep risk',
      pattern: {
        source: ['gongzhi.enforcement'],
        'detail-type': [InspectionRecorded, SweepCompleted, FindingReferred, FindingConfirmed, FindingDismissed, FindingRectified, EnforcementEscalated].map((e) => e.detailType),
      },
    },
  ],
  schedules: [
    {
      name: 'sweep-planner',
      entry: 'services/enforcement/sweep-planner.ts',
      table: { level: 'read-write', indexes: ['due', 'gsi1'] },
      description: 'Finds campaigns whose planning is due and queues each (its compounds are then queued one by one)',
      expression: 'rate(1 hour)',
      sendsTo: ['campaign-plans'],
    },
    {
      name: 'escalation-clock',
      entry: 'services/enforcement/escalation-clock.ts',
      table: { level: 'read-write', indexes: ['due', 'gsi1'] },
      description: 'Finds findings whose next escalation step is due and queues each',
      expression: 'cron(30 0 * * ? *)',
      sendsTo: ['escalations'],
    },
  ],
  queues: [
    {
      name: 'campaign-plans',
      entry: 'services/enforcement/campaign-pages.ts',
      table: { level: 'read-write', indexes: ['gsi1'] },
      description: 'Takes one page of a campaign’s compounds and queues a sweep plan for each; queues the next page',
      batchSize: 1,
      maxConcurrency: 2,
      sendsTo: ['sweep-plans', 'campaign-plans'],
    },
    {
      name: 'sweep-plans',
      entry: 'services/enforcement/sweep-plan.ts',
      table: { level: 'read-write', indexes: ['gsi1'] },
      description: 'Plans one compound’s sweep in a campaign: risk, the day, the departments (idempotent)',
      batchSize: 10,
      maxConcurrency: 8,
    },
    {
      name: 'escalations',
      entry: 'services/enforcement/escalation-steps.ts',
      table: { level: 'read-write', indexes: ['gsi1'] },
      description: 'Takes one overdue finding’s due escalation steps (reminder, case, recommendation, litigation, police)',
      batchSize: 10,
      maxConcurrency: 5,
    },
  ],
  publishes: [
    ViolationConfirmed,
    ViolationRectified,
    DepartmentAdded,
    DepartmentRemitChanged,
    CompoundProfileUpdated,
    CampaignCreated,
    CampaignPlanned,
    SweepPlanned,
    InspectionRecorded,
    SweepCompleted,
    FindingReferred,
    FindingConfirmed,
    FindingDismissed,
    EvidenceAttached,
    ReinspectionFailed,
    FindingRectified,
    EnforcementEscalated,
  ].map((e) => e.detailType),
};
