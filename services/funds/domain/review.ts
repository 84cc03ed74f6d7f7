import { addWorkingDays as addZonedWorkingDays, daysBetween, DEFAULT_TIME_ZONE } from './calendar';

/**
 * 业账社审: every owners'-committee expense is reviewed before it is paid, tier by tier. docs/domain.md
 * defaults (per-city configuration): below 2,000 yuan one community reviewer; 2,000 to 20,000 yuan
 * adds the community party branch and residents' committee; above 20,000 yuan adds the street office
 * and the discipline inspector is notified.
 *
 * No splitting under a tier: an expense is judged on the sum of the payee's expenses within 30 days
 * of it (calendar days in the compound's zone), rejected ones excluded. The window looks back from
 * the expense; while the expense is still in review it also looks forward, so a later expense to the
 * same payee within 30 days raises the tier of an earlier one not yet fully approved. Once approved,
 * an expense's tier is final (the later one is still judged on the sum).
 */
export interface ReviewRules {
  /** From this amount (inclusive) the second step is needed: 2,000 yuan. */
  tier2FromFen: number;
  /** Above this amount (exclusive) the street office reviews too: 20,000 yuan. */
  tier3AboveFen: number;
  payeeWindowDays: number;
  workingDaysPerStep: number;
}

export const DEFAULT_REVIEW_RULES: ReviewRules = { tier2FromFen: 200_000, tier3AboveFen: 2_000_000, payeeWindowDays: 30, workingDaysPerStep: 5 };

export const STEPS = ['community_reviewer', 'branch_and_residents_committee', 'street_office'] as const;
export type Step = (typeof STEPS)[number];

/** Which grant role may take each step. */
export const STEP_ROLE: Record<Step, 'community' | 'street'> = {
  community_reviewer: 'community',
  branch_and_residents_committee: 'community',
  street_office: 'street',
};

export function tierFor(amountFen: number, rules: ReviewRules = DEFAULT_REVIEW_RULES): 1 | 2 | 3 {
  if (amountFen > rules.tier3AboveFen) return 3;
  if (amountFen >= rules.tier2FromFen) return 2;
  return 1;
}

export const stepsFor = (tier: 1 | 2 | 3): Step[] => STEPS.slice(0, tier);

export interface PayeeExpense {
  /** Unique within the compound: an expense id is unique only within its project. */
  projectId: string;
  expenseId: string;
  payee: string;
  amountFen: number;
  submittedAt: string;
  status: string;
}

/**
 * The amount a tier is judged on: this expense plus the payee's other expenses (rejected ones
 * excluded) submitted within the window before it and, while it is in review (`stillInReview`),
 * within the window after it.
 */
export function amountForTier(
  expense: PayeeExpense,
  others: readonly PayeeExpense[],
  options: { stillInReview: boolean; timeZone?: string } = { stillInReview: false },
  rules: ReviewRules = DEFAULT_REVIEW_RULES,
): number {
  const zone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const payee = normalizePayee(expense.payee);
  const at = Date.parse(expense.submittedAt);
  return others
    .filter((o) => !(o.expenseId === expense.expenseId && o.projectId === expense.projectId) && o.status !== 'rejected' && normalizePayee(o.payee) === payee)
    .filter((o) => {
      const when = Date.parse(o.submittedAt);
      if (when <= at) return daysBetween(o.submittedAt, expense.submittedAt, zone) <= rules.payeeWindowDays;
      return options.stillInReview && daysBetween(expense.submittedAt, o.submittedAt, zone) <= rules.payeeWindowDays;
    })
    .reduce((sum, o) => sum + o.amountFen, expense.amountFen);
}

/** "Acme Repairs Ltd." and "acme  repairs ltd" are one payee. */
export const normalizePayee = (payee: string): string => payee.toLowerCase().replace(/[\s.,，。·()（）-]+/g, '');

export interface Approval {
  step: Step;
  by: string;
  at: string;
  /** The reviewer's reason, published with the expense and in the disclosure. */
  reason?: string;
}

/** Why this person may not take this step now, or undefined if they may. */
export function reviewRefusal(step: Step, reviewer: string, submitter: string, approvals: readonly Approval[]): string | undefined {
  if (reviewer === submitter) return 'the submitter cannot review their own expense';
  if (approvals.some((a) => a.by === reviewer)) return 'each step needs a different reviewer';
  if (approvals.some((a) => a.step === step)) return `${step} has already approved`;
  return undefined;
}

/** The next step still missing, given the tier now. */
export function nextStep(tier: 1 | 2 | 3, approvals: readonly Approval[]): Step | undefined {
  return stepsFor(tier).find((s) => !approvals.some((a) => a.step === s));
}

/** What an expense waits for: the step and who takes it; undefined once fully approved. */
export function nextDue(tier: 1 | 2 | 3, approvals: readonly Approval[]): { step: Step; role: 'community' | 'street' } | undefined {
  const step = nextStep(tier, approvals);
  return step ? { step, role: STEP_ROLE[step] } : undefined;
}

/** When the step now waiting is overdue: working days on the compound's calendar (public holidays are a per-city list not modelled yet). */
export const stepDueAt = (from: string, timeZone: string = DEFAULT_TIME_ZONE, rules: ReviewRules = DEFAULT_REVIEW_RULES): string => addZonedWorkingDays(from, rules.workingDaysPerStep, timeZone);
