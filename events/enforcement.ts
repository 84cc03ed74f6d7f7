import * as z from './zod';
import { defineEvent } from './envelope';
import { id, isoTime } from './common';

// Events published by the enforcement service (the 8+X alliance's sweeps, findings and escalation).

/**
 * What a department may find and enforce. Each belongs to one of the four classes of the original
 * `ViolationConfirmed` contract (or none: a property company's breach, a fee dispute for the court),
 * which elections reads for the negative list; see services/enforcement/domain/categories.ts.
 */
export const enforcementCategory = z.enum([
  'fire_lane_blocked',
  'ebike_indoor_charging',
  'fire_equipment_faulty',
  'illegal_construction_common_part',
  'unlicensed_structural_renovation',
  'group_rental',
  'water_power_cutoff',
  'property_company_violation',
  'owner_fee_dispute',
  'public_safety_hazard',
  'public_order',
]);
export type EnforcementCategory = z.infer<typeof enforcementCategory>;

/** 一般 / 较大 / 重大: how urgent the hazard is; with the category it sets the deadline. */
export const severity = z.enum(['general', 'serious', 'major']);

export const responsibleParty = z.strictObject({
  kind: z.enum(['owner', 'tenant', 'property_company', 'committee', 'developer', 'other']),
  /** The owner's id in the roll (owners only): whom the negative list names. */
  ownerId: z.optional(id),
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
});

/** Where in the compound: a building, a unit, or a common part described in words. */
export const findingLocation = z.strictObject({
  buildingId: z.optional(id),
  unitId: z.optional(id),
  commonPart: z.optional(z.string().check(z.minLength(1), z.maxLength(500))),
});

export const escalationStep = z.enum(['police_case', 'reminder', 'administrative_case', 'procuratorate_recommendation', 'litigation']);

const checklistResult = z.enum(['pass', 'fail', 'not_applicable']);

/** Original contract (elections consumes it); `enforcementCategory` and `severity` were added as optional fields. */
export const ViolationConfirmed = defineEvent(
  'gongzhi.enforcement',
  'ViolationConfirmed',
  1,
  z.strictObject({
    compoundId: id,
    findingId: id,
    category: z.enum(['fire_safety', 'illegal_construction', 'public_safety', 'water_power_supply']),
    responsibleOwnerId: z.optional(id),
    department: id,
    deadline: isoTime,
    enforcementCategory: z.optional(enforcementCategory),
    severity: z.optional(severity),
  }),
);
/** Original contract; `how` was added as an optional field. */
export const ViolationRectified = defineEvent(
  'gongzhi.enforcement',
  'ViolationRectified',
  1,
  z.strictObject({
    compoundId: id,
    findingId: id,
    responsibleOwnerId: z.optional(id),
    department: id,
    how: z.optional(z.enum(['reinspection', 'abatement'])),
  }),
);

/** The bureau added an X department (a city's own member of the alliance) with its remit. */
export const DepartmentAdded = defineEvent(
  'gongzhi.enforcement',
  'DepartmentAdded',
  1,
  z.strictObject({ departmentId: id, name: z.string().check(z.minLength(1), z.maxLength(200)), categories: z.array(enforcementCategory) }),
);

export const DepartmentRemitChanged = defineEvent(
  'gongzhi.enforcement',
  'DepartmentRemitChanged',
  1,
  z.strictObject({ departmentId: id, categories: z.array(enforcementCategory), previous: z.array(enforcementCategory) }),
);

/** Building age and other facts the registry does not keep, for sweep risk. */
export const CompoundProfileUpdated = defineEvent('gongzhi.enforcement', 'CompoundProfileUpdated', 1, z.strictObject({ compoundId: id, builtYear: z.optional(z.int()) }));

const campaignScope = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('city') }),
  z.strictObject({ kind: z.literal('district'), districtId: id }),
  z.strictObject({ kind: z.literal('street'), districtId: id, streetId: id }),
  z.strictObject({ kind: z.literal('compounds'), compoundIds: z.array(id) }),
]);

export const CampaignCreated = defineEvent(
  'gongzhi.enforcement',
  'CampaignCreated',
  1,
  z.strictObject({
    campaignId: id,
    theme: z.string().check(z.minLength(1), z.maxLength(500)),
    categories: z.array(enforcementCategory),
    departments: z.array(id),
    assignments: z.array(z.strictObject({ department: id, categories: z.array(enforcementCategory) })),
    startsOn: z.string(),
    endsOn: z.string(),
    scope: campaignScope,
    selection: z.enum(['all', 'due']),
  }),
);

/** Every compound in scope was put on the planning queue (each becomes a sweep or is found not due). */
export const CampaignPlanned = defineEvent('gongzhi.enforcement', 'CampaignPlanned', 1, z.strictObject({ campaignId: id, compoundsInScope: z.int().check(z.nonnegative()) }));

export const SweepPlanned = defineEvent(
  'gongzhi.enforcement',
  'SweepPlanned',
  1,
  z.strictObject({
    campaignId: id,
    compoundId: id,
    plannedFor: z.string(),
    riskScore: z.int(),
    reasons: z.array(z.string()),
    assignments: z.array(z.strictObject({ department: id, categories: z.array(enforcementCategory) })),
  }),
);

/** One department's part of a sweep: its checklist, category by category. */
export const InspectionRecorded = defineEvent(
  'gongzhi.enforcement',
  'InspectionRecorded',
  1,
  z.strictObject({
    campaignId: id,
    compoundId: id,
    department: id,
    checklist: z.array(z.strictObject({ category: enforcementCategory, result: checklistResult, note: z.optional(z.string()) })),
    findings: z.array(id),
  }),
);

/** Every assigned department has recorded its part. */
export const SweepCompleted = defineEvent(
  'gongzhi.enforcement',
  'SweepCompleted',
  1,
  z.strictObject({ campaignId: id, compoundId: id, departments: z.array(id), categories: z.array(enforcementCategory) }),
);

/** A complaint referred by the disputes service, waiting for a department to inspect it. */
export const FindingReferred = defineEvent(
  'gongzhi.enforcement',
  'FindingReferred',
  1,
  z.strictObject({ compoundId: id, findingId: id, complaintId: id, category: enforcementCategory, department: id }),
);

/** A finding confirmed by a department: the rectification notice with its computed deadline. */
export const FindingConfirmed = defineEvent(
  'gongzhi.enforcement',
  'FindingConfirmed',
  1,
  z.strictObject({
    compoundId: id,
    findingId: id,
    campaignId: z.optional(id),
    source: z.enum(['sweep', 'inspection', 'referral']),
    category: enforcementCategory,
    severity,
    department: id,
    responsibleParty,
    location: findingLocation,
    deadline: isoTime,
    legalBasis: z.string(),
    publicInterest: z.boolean(),
    criminal: z.boolean(),
  }),
);

export const FindingDismissed = defineEvent('gongzhi.enforcement', 'FindingDismissed', 1, z.strictObject({ compoundId: id, findingId: id, department: id, reason: z.string() }));

export const EvidenceAttached = defineEvent('gongzhi.enforcement', 'EvidenceAttached', 1, z.strictObject({ compoundId: id, findingId: id, evidenceId: id, contentType: z.string(), department: id }));

/** A re-inspection that found the hazard still there (a rectified one publishes FindingRectified). */
export const ReinspectionFailed = defineEvent('gongzhi.enforcement', 'ReinspectionFailed', 1, z.strictObject({ compoundId: id, findingId: id, department: id, note: z.string(), deadline: isoTime }));

export const FindingRectified = defineEvent(
  'gongzhi.enforcement',
  'FindingRectified',
  1,
  z.strictObject({
    compoundId: id,
    findingId: id,
    category: enforcementCategory,
    department: id,
    how: z.enum(['reinspection', 'abatement']),
    /** Abatement by the department itself (强制拆除 and the like). */
    abatement: z.optional(z.enum(['demolition', 'removal', 'restoration'])),
    stage: z.optional(escalationStep),
  }),
);

/** One step of the ladder: a reminder, an administrative case, a procuratorate recommendation, litigation, a police case. */
export const EnforcementEscalated = defineEvent(
  'gongzhi.enforcement',
  'EnforcementEscalated',
  1,
  z.strictObject({
    compoundId: id,
    findingId: id,
    category: enforcementCategory,
    step: escalationStep,
    /** Who takes the step (the finding's department, the procuratorate, the court, the police). */
    department: id,
    /** Whom it is addressed to (a recommendation goes to the department that did not act). */
    addressedTo: z.optional(id),
    legalBasis: z.string(),
    caseRef: z.string(),
    dueAt: isoTime,
    nextStep: z.optional(escalationStep),
    nextStepDueAt: z.optional(isoTime),
  }),
);
