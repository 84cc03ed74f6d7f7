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
export const ArrearsCleared = defineEvent('gongzhi.funds', 'ArrearsCleared', 1, z.strictObject({ compoundId: id, ownerId: id, unitId: id, arrearsId: id }));

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

export const ExpenseReviewOverdue = defineEvent('gongzhi.funds', 'ExpenseReviewOverdue', 1, z.strictObject({ compoundId: id, projectId: id, expenseId: id, step: reviewStep, dueAt: isoTime }));

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

const period = z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/));

/** Every journal entry of every fund: income, deposits, donations, reservations, payments, levy charges and payments, reversals. */
export const LedgerEntryRecorded = defineEvent(
  'gongzhi.funds',
  'LedgerEntryRecorded',
  1,
  z.strictObject({
    compoundId: id,
    fund,
    seq: z.int().check(z.positive()),
    kind: z.enum(['income', 'donation', 'deposit', 'reservation', 'payment', 'levy_charge', 'levy_payment', 'reversal', 'opening']),
    postings: z.array(z.strictObject({ account: z.string(), amountFen: fen })).check(z.minLength(2)),
    memo: z.string(),
    sourceDocument: z.strictObject({ type: z.string(), ref: z.string() }),
    hash: z.string().check(z.length(64)),
    /** A levy month's period, or how many receipt lines a levy payment has. */
    period: z.optional(period),
    lines: z.optional(z.int().check(z.nonnegative())),
    /** The entry a reversal reverses. */
    reverses: z.optional(z.int().check(z.positive())),
  }),
);

/** The committee reported an emergency repair; it is payable once the street office confirms it (ProjectAuthorized). */
export const EmergencyReported = defineEvent(
  'gongzhi.funds',
  'EmergencyReported',
  1,
  z.strictObject({ compoundId: id, projectId: id, fund, category: z.string().check(z.minLength(1)), amountFen: fen.check(z.positive()), description: z.string() }),
);

/** A passed matter-6 resolution started the small-maintenance levy. */
export const LevyStarted = defineEvent(
  'gongzhi.funds',
  'LevyStarted',
  1,
  z.strictObject({ compoundId: id, rateFenPerM2Month: fen.check(z.positive()), firstPeriod: period, resolutionRef: z.string().check(z.minLength(1)) }),
);

/** A month's levy was charged to every unit of a compound (the developer for units not yet delivered). */
export const LevyMonthCharged = defineEvent(
  'gongzhi.funds',
  'LevyMonthCharged',
  1,
  z.strictObject({
    compoundId: id,
    period,
    units: z.int().check(z.nonnegative()),
    totalFen: fen.check(z.nonnegative()),
    developerFen: fen.check(z.nonnegative()),
    entrySeq: z.int().check(z.positive()),
  }),
);

/** A passed resolution carried money the funds service will not move, and why (its matter cannot authorise it). */
export const ResolutionNotActedOn = defineEvent(
  'gongzhi.funds',
  'ResolutionNotActedOn',
  1,
  z.strictObject({ compoundId: id, voteId: id, matter: z.string(), reason: z.string().check(z.minLength(1)) }),
);

/** A later expense to the same payee within 30 days raised the tier of an expense still in review. */
export const ExpenseTierRaised = defineEvent(
  'gongzhi.funds',
  'ExpenseTierRaised',
  1,
  z.strictObject({
    compoundId: id,
    projectId: id,
    expenseId: id,
    tier: z.int().check(z.minimum(2), z.maximum(3)),
    tierAmountFen: fen.check(z.positive()),
    inspectorNotified: z.boolean(),
  }),
);
