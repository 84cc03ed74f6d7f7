import type * as z from '../../../events/zod';
import type { findingLocation, responsibleParty } from '../../../events/enforcement';
import { CATEGORY_RULES, type EnforcementCategory, type Severity } from './categories';
import { rectificationDeadline } from './deadlines';
import { nextStep, type LadderInput, type PlannedStep, type Step } from './escalation';
import { DEFAULT_ZONE } from './time';

export type ResponsibleParty = z.infer<typeof responsibleParty>;
export type FindingLocation = z.infer<typeof findingLocation>;
export type FindingStatus = 'to_inspect' | 'open' | 'rectified' | 'dismissed';

export interface TakenStep {
  step: Step;
  dueAt: string;
  at: string;
  department: string;
  addressedTo?: string;
  legalBasis: string;
  caseRef: string;
  /** What the person who took it by hand wrote (a police referral). */
  note?: string;
}

export interface Evidence {
  evidenceId: string;
  key: string;
  contentType: string;
  filename?: string;
  department: string;
  addedBy: string;
  addedAt: string;
}

export interface Reinspection {
  at: string;
  department: string;
  by: string;
  outcome: 'rectified' | 'not_rectified';
  note: string;
}

export interface Finding {
  compoundId: string;
  findingId: string;
  districtId: string;
  streetId: string;
  communityId: string;
  campaignId?: string;
  source: 'sweep' | 'inspection' | 'referral';
  status: FindingStatus;
  category: EnforcementCategory;
  severity?: Severity;
  department: string;
  responsibleParty?: ResponsibleParty;
  location: FindingLocation;
  description: string;
  criminal: boolean;
  criminalSince?: string;
  publicInterest: boolean;
  legalBasis: string;
  noticeIssuedAt?: string;
  deadline?: string;
  referral?: {
    complaintId: string;
    category: string;
    description: string;
    respondentOwnerId?: string;
    suggestedDepartment?: string;
    referredAt: string;
  };
  evidence: Evidence[];
  reinspections: Reinspection[];
  steps: TakenStep[];
  rectification?: { at: string; how: 'reinspection' | 'abatement'; abatement?: 'demolition' | 'removal' | 'restoration'; department: string; by: string; note: string };
  dismissal?: { at: string; department: string; by: string; reason: string };
  /** Shared by the finding's events: a referred complaint's chain, or its sweep's. */
  correlationId: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  version: number;
}

/** What a notice fixes when a finding is confirmed: the deadline from category and severity, the legal basis, the public interest. */
export function notice(category: EnforcementCategory, severity: Severity, issuedAt: string, zone = DEFAULT_ZONE) {
  const rule = CATEGORY_RULES[category];
  return { noticeIssuedAt: issuedAt, deadline: rectificationDeadline(category, severity, issuedAt, zone), legalBasis: rule.legalBasis, publicInterest: rule.publicInterest };
}

export function ladderInputOf(f: Finding): LadderInput | undefined {
  if (f.status !== 'open' || !f.severity || !f.noticeIssuedAt || !f.deadline) return undefined;
  return {
    compoundId: f.compoundId,
    findingId: f.findingId,
    category: f.category,
    severity: f.severity,
    criminal: f.criminal,
    criminalSince: f.criminalSince,
    department: f.department,
    noticeIssuedAt: f.noticeIssuedAt,
    deadline: f.deadline,
  };
}

/** The next escalation step of an open finding; none once it is closed or at the top of its ladder. */
export function pendingStep(f: Finding, zone = DEFAULT_ZONE): PlannedStep | undefined {
  const input = ladderInputOf(f);
  return input
    ? nextStep(
        input,
        f.steps.map((s) => s.step),
        zone,
      )
    : undefined;
}

/** Where the finding stands on its ladder: the last step taken, or the notice. */
export const stageOf = (f: Pick<Finding, 'steps'>): Step | 'notice' => f.steps.at(-1)?.step ?? 'notice';

/** Whether the finding is an owner's violation the negative list hears about. */
export function ownersViolation(
  f: Pick<Finding, 'category' | 'responsibleParty'>,
): { ownerId: string; violationClass: NonNullable<(typeof CATEGORY_RULES)[EnforcementCategory]['violationClass']> } | undefined {
  const cls = CATEGORY_RULES[f.category].violationClass;
  const ownerId = f.responsibleParty?.kind === 'owner' ? f.responsibleParty.ownerId : undefined;
  return cls && ownerId ? { ownerId, violationClass: cls } : undefined;
}

/** The problems with a responsible party, as field reasons (an owner needs an owner id; no one else has one). */
export function responsiblePartyProblems(party: ResponsibleParty, field: string): { field: string; reason: string }[] {
  if (party.kind === 'owner' && !party.ownerId) return [{ field: `${field}.ownerId`, reason: 'an owner is named by their owner id in the roll' }];
  if (party.kind !== 'owner' && party.ownerId) return [{ field: `${field}.ownerId`, reason: 'only an owner has an owner id' }];
  return [];
}

export function locationProblems(location: FindingLocation, field: string): { field: string; reason: string }[] {
  return location.buildingId || location.unitId || location.commonPart ? [] : [{ field, reason: 'give a building, a unit or the common part' }];
}
