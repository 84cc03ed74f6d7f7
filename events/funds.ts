import * as z from './zod';
import { defineEvent } from './envelope';
import { id, isoTime, fen } from './common';

/** Events published by the funds service. */
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

