/**
 * 业账社审: every owners'-committee expense is reviewed before it is paid, tier by tier. docs/domain.md
 * defaults (per-city configuration): below 2,000 yuan one community reviewer; 2,000 to 20,000 yuan
 * adds the community party branch and residents' committee; above 20,000 yuan adds the street office
 * and the discipline inspector is notified. Payments to one payee within 30 days are reviewed as one
 * amount, so an expense cannot be split under a tier.
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
  expenseId: string;
  payee: string;
  amountFen: number;
  submittedAt: string;
  status: string;
}

/** The amount a tier is judged on: this expense plus the payee's others within the window before it (rejected ones excluded). */
export function amountForTier(expense: PayeeExpense, others: readonly PayeeExpense[], rules: ReviewRules = DEFAULT_REVIEW_RULES): number {
  const from = Date.parse(expense.submittedAt) - rules.payeeWindowDays * 86_400_000;
  const payee = normalizePayee(expense.payee);
  return others
    .filter((o) => o.expenseId !== expense.expenseId && o.status !== 'rejected' && normalizePayee(o.payee) === payee)
    .filter((o) => Date.parse(o.submittedAt) >= from && Date.parse(o.submittedAt) <= Date.parse(expense.submittedAt))
    .reduce((sum, o) => sum + o.amountFen, expense.amountFen);
}

/** "Acme Repairs Ltd." and "acme  repairs ltd" are one payee. */
export const normalizePayee = (payee: string): string => payee.toLowerCase().replace(/[\s.,，。·()（）-]+/g, '');

export interface Approval {
  step: Step;
  by: string;
  at: string;
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

/** Add working days (Monday to Friday, UTC); public holidays are a per-city list not modelled yet. */
export function addWorkingDays(iso: string, days: number): string {
  const d = new Date(iso);
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const weekday = d.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return d.toISOString();
}
