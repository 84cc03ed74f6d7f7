import type * as z from '../../../events/zod';
import type { escalationStep } from '../../../events/enforcement';
import { CATEGORY_RULES, type EnforcementCategory, type Severity } from './categories';
import { daysPeriodEnd, monthsPeriodEnd } from './deadlines';
import { COURT, POLICE, PROCURATORATE } from './departments';
import { DEFAULT_ZONE } from './time';

export type Step = z.infer<typeof escalationStep>;

/** After the reminder, days before the department files an administrative case, by severity. */
export const REMINDER_GRACE_DAYS: Record<Severity, number> = { general: 7, serious: 3, major: 1 };
/** Days the party has to comply with the administrative decision before the procuratorate steps in (public interest only). */
export const CASE_COMPLIANCE_DAYS = 30;
/**
 * A department given a procuratorate recommendation replies and acts within two months, or 15 days
 * where the harm is urgent; otherwise the procuratorate sues (Administrative Litigation Law art. 25(4);
 * SPC/SPP interpretation on procuratorial public-interest litigation art. 21).
 */
export const RECOMMENDATION_REPLY_MONTHS = 2;
export const URGENT_RECOMMENDATION_REPLY_DAYS = 15;

export const STEP_BASIS: Record<Exclude<Step, 'administrative_case' | 'reminder'>, string> = {
  police_case: 'Criminal Law art. 139 (fire-safety liability) and related; Criminal Procedure Law art. 110',
  procuratorate_recommendation: 'Administrative Litigation Law art. 25(4)',
  litigation: 'Administrative Litigation Law art. 25(4); SPC/SPP interpretation on public-interest litigation art. 21',
};

export interface LadderInput {
  compoundId: string;
  findingId: string;
  category: EnforcementCategory;
  severity: Severity;
  criminal: boolean;
  /** The finding's department: it sends reminders and files administrative cases. */
  department: string;
  noticeIssuedAt: string;
  deadline: string;
  /** When the criminal referral was made, if it was made by hand after the notice. */
  criminalSince?: string;
}

export interface PlannedStep {
  step: Step;
  dueAt: string;
  /** Who takes it. */
  department: string;
  /** Whom it is addressed to, where that is someone else than the responsible party. */
  addressedTo?: string;
  legalBasis: string;
}

/**
 * The whole ladder a finding climbs if it is never rectified, each step due at a computed time:
 * a criminal matter goes to the police at once; the deadline passing brings a reminder; the grace
 * after it, an administrative case by the department under the category's legal basis; for
 * public-interest matters, a procuratorate recommendation to that department after the compliance
 * period, and litigation when the reply period ends. A civil matter (a fee dispute) goes from the
 * reminder to the court. Times chain from the previous step's due time, not from when a run took
 * it, so a late or failed run catches up to exactly where the finding should be.
 */
export function ladder(finding: LadderInput, zone = DEFAULT_ZONE): PlannedStep[] {
  const rule = CATEGORY_RULES[finding.category];
  const steps: PlannedStep[] = [];
  if (finding.criminal) steps.push({ step: 'police_case', dueAt: finding.criminalSince ?? finding.noticeIssuedAt, department: POLICE, legalBasis: STEP_BASIS.police_case });
  const reminder: PlannedStep = { step: 'reminder', dueAt: finding.deadline, department: finding.department, legalBasis: rule.legalBasis };
  steps.push(reminder);
  const afterReminder = daysPeriodEnd(reminder.dueAt, REMINDER_GRACE_DAYS[finding.severity], zone);
  if (rule.track === 'civil') {
    steps.push({ step: 'litigation', dueAt: afterReminder, department: COURT, legalBasis: rule.legalBasis });
    return steps;
  }
  steps.push({ step: 'administrative_case', dueAt: afterReminder, department: finding.department, legalBasis: rule.legalBasis });
  if (!rule.publicInterest) return steps;
  const recommendationAt = daysPeriodEnd(afterReminder, CASE_COMPLIANCE_DAYS, zone);
  steps.push({ step: 'procuratorate_recommendation', dueAt: recommendationAt, department: PROCURATORATE, addressedTo: finding.department, legalBasis: STEP_BASIS.procuratorate_recommendation });
  const litigationAt = finding.severity === 'major' ? daysPeriodEnd(recommendationAt, URGENT_RECOMMENDATION_REPLY_DAYS, zone) : monthsPeriodEnd(recommendationAt, RECOMMENDATION_REPLY_MONTHS, zone);
  steps.push({ step: 'litigation', dueAt: litigationAt, department: PROCURATORATE, addressedTo: COURT, legalBasis: STEP_BASIS.litigation });
  return steps;
}

/** The first step not yet taken, if any. */
export function nextStep(finding: LadderInput, taken: readonly Step[], zone = DEFAULT_ZONE): PlannedStep | undefined {
  return ladder(finding, zone).find((s) => !taken.includes(s.step));
}

/** Steps due by `now` and not taken, in order. */
export function dueSteps(finding: LadderInput, taken: readonly Step[], now: string, zone = DEFAULT_ZONE): PlannedStep[] {
  return ladder(finding, zone).filter((s) => !taken.includes(s.step) && Date.parse(s.dueAt) <= Date.parse(now));
}

/** A case reference the step's documents carry: stable, so a retried step names the same case. */
export const caseRef = (finding: Pick<LadderInput, 'compoundId' | 'findingId'>, step: Step): string => `${finding.compoundId}/${finding.findingId}/${step}`;
