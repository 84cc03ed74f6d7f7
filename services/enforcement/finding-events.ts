import { EnforcementEscalated, FindingConfirmed, FindingRectified, ViolationConfirmed, ViolationRectified } from '../../events/catalogue';
import type { BusEvent, EventContext } from '../../events/envelope';
import { CATEGORY_RULES } from './domain/categories';
import { caseRef, type PlannedStep } from './domain/escalation';
import { ownersViolation, pendingStep, stageOf, type Finding, type TakenStep } from './domain/finding';

/** The events of a finding share its correlation id, so the audit trail follows it from notice to the last step. */
export const findingContext = (f: Finding, actor: string, at: string, id?: string): EventContext => ({
  compoundId: f.compoundId,
  actor,
  occurredAt: at,
  correlationId: f.correlationId,
  ...(id ? { id } : {}),
});

/** The notice: FindingConfirmed, and ViolationConfirmed when an owner is responsible (elections puts them on the negative list). */
export function confirmedEvents(f: Finding, actor: string, at: string): BusEvent[] {
  const events = [
    FindingConfirmed.create(
      {
        compoundId: f.compoundId,
        findingId: f.findingId,
        campaignId: f.campaignId,
        source: f.source,
        category: f.category,
        severity: f.severity!,
        department: f.department,
        responsibleParty: f.responsibleParty!,
        location: f.location,
        deadline: f.deadline!,
        legalBasis: f.legalBasis,
        publicInterest: f.publicInterest,
        criminal: f.criminal,
      },
      findingContext(f, actor, at, `finding-confirmed-${f.compoundId}-${f.findingId}`),
    ),
  ];
  const violation = ownersViolation(f);
  if (violation) {
    events.push(
      ViolationConfirmed.create(
        {
          compoundId: f.compoundId,
          findingId: f.findingId,
          category: violation.violationClass,
          responsibleOwnerId: violation.ownerId,
          department: f.department,
          deadline: f.deadline!,
          enforcementCategory: f.category,
          severity: f.severity,
        },
        findingContext(f, actor, at, `violation-confirmed-${f.compoundId}-${f.findingId}`),
      ),
    );
  }
  return events;
}

export function rectifiedEvents(f: Finding, actor: string, at: string): BusEvent[] {
  const how = f.rectification!.how;
  const events = [
    FindingRectified.create(
      {
        compoundId: f.compoundId,
        findingId: f.findingId,
        category: f.category,
        department: f.rectification!.department,
        how,
        abatement: f.rectification!.abatement,
        stage: f.steps.length ? (stageOf(f) as TakenStep['step']) : undefined,
      },
      findingContext(f, actor, at, `finding-rectified-${f.compoundId}-${f.findingId}`),
    ),
  ];
  const violation = ownersViolation(f);
  if (violation) {
    events.push(
      ViolationRectified.create(
        { compoundId: f.compoundId, findingId: f.findingId, responsibleOwnerId: violation.ownerId, department: f.rectification!.department, how },
        findingContext(f, actor, at, `violation-rectified-${f.compoundId}-${f.findingId}`),
      ),
    );
  }
  return events;
}

/** Take the given steps (those due) on an open finding: the new state and one event per step. */
export function takeSteps(f: Finding, steps: readonly PlannedStep[], actor: string, at: string, note?: string): { next: Finding; events: BusEvent[] } {
  let next = f;
  const events: BusEvent[] = [];
  for (const planned of steps) {
    const taken: TakenStep = {
      step: planned.step,
      dueAt: planned.dueAt,
      at,
      department: planned.department,
      addressedTo: planned.addressedTo,
      legalBasis: planned.legalBasis,
      caseRef: caseRef(f, planned.step),
      ...(note ? { note } : {}),
    };
    next = { ...next, steps: [...next.steps, taken], updatedAt: at };
    const following = pendingStep(next);
    events.push(
      EnforcementEscalated.create(
        {
          compoundId: f.compoundId,
          findingId: f.findingId,
          category: f.category,
          step: taken.step,
          department: taken.department,
          addressedTo: taken.addressedTo,
          legalBasis: taken.legalBasis,
          caseRef: taken.caseRef,
          dueAt: taken.dueAt,
          nextStep: following?.step,
          nextStepDueAt: following?.dueAt,
        },
        findingContext(f, actor, at, `escalated-${f.compoundId}-${f.findingId}-${taken.step}`),
      ),
    );
  }
  return { next, events };
}

export const categoryName = (f: Pick<Finding, 'category'>) => CATEGORY_RULES[f.category].name;
