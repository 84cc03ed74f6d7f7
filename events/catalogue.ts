import * as z from './zod';
import { defineEvent } from './envelope';

/**
 * The event catalogue: every event that crosses a service boundary, defined once. Producers build
 * events with `X.create(...)`, consumers read them with `X.parse(...)`, and the CDK rules and local
 * bus match on `X.source` / `X.detailType`.
 */

const id = z.string().check(z.minLength(1), z.maxLength(64));
const isoTime = z.iso.datetime();
/** m² with two decimals, as integer hundredths: 89.50 m² is 8950. */
export const areaHundredths = z.int().check(z.positive(), z.maximum(10_000_000_00));
/** Money is integer fen (分). */
export const fen = z.int();

export const areaSource = z.enum(['register', 'survey', 'contract']);
/**
 * How a unit is held, for the SPC counting rules: `unsold` and `sold_undelivered` count with the
 * developer as one person; `owned` counts with its owner (registered or in lawful possession).
 */
export const holding = z.enum(['owned', 'unsold', 'sold_undelivered']);

export const compoundLocation = z.strictObject({
  districtId: id,
  streetId: id,
  communityId: id,
});

export const unitRecord = z.strictObject({
  unitId: id,
  buildingId: id,
  area: areaHundredths,
  areaSource,
  holding,
  /** The person the unit counts for: the owner, or the developer for unsold/undelivered units. */
  ownerId: id,
  registered: z.boolean(),
});
export type UnitRecord = z.infer<typeof unitRecord>;

// ---- registry -------------------------------------------------------------------------------
export const CompoundRegistered = defineEvent(
  'gongzhi.registry',
  'CompoundRegistered',
  1,
  z.strictObject({
    compoundId: id,
    name: z.string().check(z.minLength(1)),
    location: compoundLocation,
    governance: z.enum(['committee', 'temporary_committee', 'none']),
    developerId: id,
  }),
);

/** One slice of an activated roll (a roll of thousands of units does not fit one event). */
export const RollChunkPublished = defineEvent(
  'gongzhi.registry',
  'RollChunkPublished',
  1,
  z.strictObject({
    compoundId: id,
    rollVersion: z.int().check(z.positive()),
    chunkIndex: z.int().check(z.nonnegative()),
    chunkCount: z.int().check(z.positive()),
    units: z.array(unitRecord).check(z.maxLength(500)),
  }),
);

/** A roll became the compound's current one; consumers switch once they hold all its chunks. */
export const RollActivated = defineEvent(
  'gongzhi.registry',
  'RollActivated',
  1,
  z.strictObject({
    compoundId: id,
    rollVersion: z.int().check(z.positive()),
    chunkCount: z.int().check(z.positive()),
    unitCount: z.int().check(z.positive()),
    totalArea: z.int().check(z.positive()),
  }),
);

export const UnitHolderChanged = defineEvent(
  'gongzhi.registry',
  'UnitHolderChanged',
  1,
  z.strictObject({
    compoundId: id,
    rollVersion: z.int().check(z.positive()),
    previousOwnerId: id,
    unit: unitRecord,
  }),
);

export const gridRole = z.enum(['building_head', 'building_assistant', 'volunteer', 'linked_official', 'grid_leader']);

export const GridRoleAssigned = defineEvent(
  'gongzhi.registry',
  'GridRoleAssigned',
  1,
  z.strictObject({
    compoundId: id,
    role: gridRole,
    personId: id,
    name: z.string().check(z.minLength(1)),
    buildingId: z.optional(id),
  }),
);

// ---- elections ------------------------------------------------------------------------------
/** The nine matters of Civil Code art. 278; 6-8 need 3/4, the rest more than half. */
export const matter = z.enum([
  'rules_of_procedure',
  'management_covenant',
  'committee_election',
  'property_company',
  'maintenance_fund_use',
  'maintenance_fund_raise',
  'rebuilding',
  'common_parts_use',
  'other_major',
]);

const resolutionFigures = z.strictObject({
  totalArea: z.int().check(z.nonnegative()),
  totalHeadcount: z.int().check(z.nonnegative()),
  participatingArea: z.int().check(z.nonnegative()),
  participatingHeadcount: z.int().check(z.nonnegative()),
  forArea: z.int().check(z.nonnegative()),
  forHeadcount: z.int().check(z.nonnegative()),
});

const resolutionData = z.strictObject({
  compoundId: id,
  voteId: id,
  matter,
  question: z.string(),
  figures: resolutionFigures,
  /** What the resolution decided, e.g. a maintenance-fund project and its approved amount in fen. */
  payload: z.optional(
    z.strictObject({
      projectId: z.optional(id),
      fund: z.optional(z.enum(['maintenance', 'small_maintenance', 'public_revenue', 'neighbours'])),
      amountFen: z.optional(fen.check(z.nonnegative())),
      levyFenPerSquareMetreMonth: z.optional(fen.check(z.nonnegative())),
    }),
  ),
  decidedAt: isoTime,
});

export const ResolutionPassed = defineEvent('gongzhi.elections', 'ResolutionPassed', 1, resolutionData);
export const ResolutionFailed = defineEvent(
  'gongzhi.elections',
  'ResolutionFailed',
  1,
  z.extend(resolutionData, { reason: z.enum(['no_quorum', 'not_enough_votes']) }),
);

export const CommitteeElected = defineEvent(
  'gongzhi.elections',
  'CommitteeElected',
  1,
  z.strictObject({
    compoundId: id,
    electionId: id,
    members: z.array(z.strictObject({ personId: id, role: z.enum(['chair', 'vice_chair', 'member']) })).check(z.minLength(3), z.maxLength(11)),
    alternates: z.array(id),
    termStart: isoTime,
    termEnd: isoTime,
  }),
);

export const CandidateDisqualified = defineEvent(
  'gongzhi.elections',
  'CandidateDisqualified',
  1,
  z.strictObject({
    compoundId: id,
    personId: id,
    reason: z.enum(['fee_arrears', 'fund_arrears', 'unrectified_violation', 'property_company_relation', 'benefits_taken']),
    sourceRef: z.string().check(z.minLength(1)),
  }),
);

export const CommitteeTermExpiring = defineEvent(
  'gongzhi.elections',
  'CommitteeTermExpiring',
  1,
  z.strictObject({ compoundId: id, committeeId: id, termEnd: isoTime, kind: z.enum(['committee', 'temporary_committee']) }),
);

// ---- funds ------------------------------------------------------------------------------------
export const ArrearsRecorded = defineEvent(
  'gongzhi.funds',
  'ArrearsRecorded',
  1,
  z.strictObject({
    compoundId: id,
    ownerId: id,
    unitId: id,
    kind: z.enum(['property_fee', 'maintenance_fund', 'small_maintenance_levy']),
    amountFen: fen.check(z.positive()),
    arrearsId: id,
  }),
);
export const ArrearsCleared = defineEvent(
  'gongzhi.funds',
  'ArrearsCleared',
  1,
  z.strictObject({ compoundId: id, ownerId: id, unitId: id, arrearsId: id }),
);

const fund = z.enum(['maintenance', 'small_maintenance', 'public_revenue', 'neighbours']);
const reviewStep = z.enum(['community_reviewer', 'branch_and_residents_committee', 'street_office']);

export const ProjectAuthorized = defineEvent(
  'gongzhi.funds',
  'ProjectAuthorized',
  1,
  z.strictObject({
    compoundId: id,
    projectId: id,
    fund,
    approvedFen: fen.check(z.positive()),
    basis: z.enum(['resolution', 'emergency']),
    basisRef: z.string().check(z.minLength(1)),
  }),
);

export const ExpenseSubmitted = defineEvent(
  'gongzhi.funds',
  'ExpenseSubmitted',
  1,
  z.strictObject({
    compoundId: id,
    projectId: id,
    expenseId: id,
    payee: z.string().check(z.minLength(1)),
    amountFen: fen.check(z.positive()),
    /** The payee's 30-day total the tier is judged on. */
    tierAmountFen: fen.check(z.positive()),
    tier: z.int().check(z.minimum(1), z.maximum(3)),
    /** Above the top threshold the discipline inspector is told. */
    inspectorNotified: z.boolean(),
  }),
);

export const ExpenseReviewed = defineEvent(
  'gongzhi.funds',
  'ExpenseReviewed',
  1,
  z.strictObject({
    compoundId: id,
    projectId: id,
    expenseId: id,
    step: reviewStep,
    decision: z.enum(['approved', 'rejected']),
    reason: z.string(),
    fullyApproved: z.boolean(),
  }),
);

export const ExpenseReviewOverdue = defineEvent(
  'gongzhi.funds',
  'ExpenseReviewOverdue',
  1,
  z.strictObject({ compoundId: id, projectId: id, expenseId: id, step: reviewStep, dueAt: isoTime }),
);

export const ExpensePaid = defineEvent(
  'gongzhi.funds',
  'ExpensePaid',
  1,
  z.strictObject({ compoundId: id, projectId: id, expenseId: id, fund, amountFen: fen.check(z.positive()), entrySeq: z.int().check(z.positive()) }),
);

export const DisclosurePublished = defineEvent(
  'gongzhi.funds',
  'DisclosurePublished',
  1,
  z.strictObject({ compoundId: id, period: z.string().check(z.regex(/^\d{4}-Q[1-4]$/)), funds: z.array(z.strictObject({ fund, headHash: z.string().check(z.length(64)), cashFen: fen })) }),
);

// ---- enforcement ------------------------------------------------------------------------------
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
  }),
);
export const ViolationRectified = defineEvent(
  'gongzhi.enforcement',
  'ViolationRectified',
  1,
  z.strictObject({ compoundId: id, findingId: id, responsibleOwnerId: z.optional(id), department: id }),
);

export const catalogue = [
  CompoundRegistered,
  RollChunkPublished,
  RollActivated,
  UnitHolderChanged,
  GridRoleAssigned,
  ResolutionPassed,
  ResolutionFailed,
  CommitteeElected,
  CandidateDisqualified,
  CommitteeTermExpiring,
  ArrearsRecorded,
  ArrearsCleared,
  ProjectAuthorized,
  ExpenseSubmitted,
  ExpenseReviewed,
  ExpenseReviewOverdue,
  ExpensePaid,
  DisclosurePublished,
  ViolationConfirmed,
  ViolationRectified,
] as const;
