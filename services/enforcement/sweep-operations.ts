import { InspectionRecorded, SweepCompleted, SweepPlanned } from '../../events/catalogue';
import type { BusEvent } from '../../events/envelope';
import { conflict, forbidden, notFound, ruleBroken, type FieldError } from '../../libs/errors';
import type { EnforcementCategory } from './domain/categories';
import { dueReasons, plannedDate, riskScore, type RiskInputs } from './domain/risk';
import { localDate } from './domain/time';
import type { Campaign } from './store/campaigns';
import * as findings from './store/findings';
import { getRisk } from './store/risk';
import * as sweeps from './store/sweeps';
import type { ChecklistItem, Sweep } from './store/sweeps';

export interface SweepUnit {
  campaignId: string;
  compoundId: string;
  districtId: string;
  streetId: string;
  communityId: string;
  /** The compound's risk inputs as the planning page read them (in batch); read here when absent. */
  risk?: RiskInputs;
}

const sweepContext = (campaignId: string, compoundId: string, actor: string, at: string, id?: string) => ({
  compoundId,
  actor,
  occurredAt: at,
  correlationId: `sweep-${campaignId}`,
  ...(id ? { id } : {}),
});

/**
 * Plan one compound's sweep in a campaign: its risk decides whether it is due (for a `due`
 * campaign) and how early in the period it comes; the campaign's assignments say which department
 * checks what. One conditional put: a unit delivered twice plans once.
 */
export async function planSweep(campaign: Campaign, unit: SweepUnit, now: string): Promise<'planned' | 'already planned' | 'not due'> {
  const { risk: carried, ...where } = unit;
  const risk = carried ?? (await getRisk(unit.compoundId));
  const reasons = dueReasons(risk, now);
  if (campaign.selection === 'due' && reasons.length === 0) return 'not due';
  const { score } = riskScore(risk, now);
  const plannedFor = plannedDate(score, campaign, localDate(now), unit.compoundId);
  const sweep: Sweep = {
    ...where,
    plannedFor,
    riskScore: score,
    reasons,
    departments: campaign.assignments.map((a) => a.department),
    parts: Object.fromEntries(campaign.assignments.map((a) => [a.department, { categories: a.categories, status: 'pending' as const }])),
    status: 'planned',
    plannedAt: now,
    version: 1,
  };
  const event = SweepPlanned.create(
    { campaignId: unit.campaignId, compoundId: unit.compoundId, plannedFor, riskScore: score, reasons, assignments: campaign.assignments },
    sweepContext(unit.campaignId, unit.compoundId, 'schedule:sweep-planner', now, `sweep-planned-${unit.campaignId}-${unit.compoundId}`),
  );
  return (await sweeps.insertSweep(sweep, [event])) ? 'planned' : 'already planned';
}

export async function requireSweep(campaignId: string, compoundId: string): Promise<Sweep> {
  const sweep = await sweeps.getSweep(campaignId, compoundId);
  if (!sweep) throw notFound(`no sweep of ${compoundId} is planned in campaign ${campaignId}`);
  return sweep;
}

/** A department may record findings in a sweep only if it was assigned a part and has not closed it. */
export function requireOpenPart(sweep: Sweep, department: string): void {
  const part = sweep.parts[department];
  if (!part) throw forbidden(`${department} has no part in the sweep of ${sweep.compoundId}`);
  if (part.status === 'done') throw conflict(`${department} has already recorded its inspection of ${sweep.compoundId}`);
}

function checklistProblems(assigned: readonly EnforcementCategory[], checklist: readonly ChecklistItem[], failedWithoutFinding: readonly EnforcementCategory[]): FieldError[] {
  const problems: FieldError[] = [];
  const seen = new Set<EnforcementCategory>();
  checklist.forEach((item, i) => {
    if (seen.has(item.category)) problems.push({ field: `body.checklist[${i}].category`, reason: `${item.category} appears twice` });
    seen.add(item.category);
    if (!assigned.includes(item.category)) problems.push({ field: `body.checklist[${i}].category`, reason: `${item.category} is not among your assigned categories (${assigned.join(', ')})` });
    if (item.result === 'fail' && failedWithoutFinding.includes(item.category)) problems.push({ field: `body.checklist[${i}].result`, reason: `record the finding of ${item.category} first` });
  });
  for (const category of assigned) if (!seen.has(category)) problems.push({ field: 'body.checklist', reason: `${category} is missing` });
  return problems;
}

const sameChecklist = (a: readonly ChecklistItem[] = [], b: readonly ChecklistItem[]) =>
  JSON.stringify([...a].sort((x, y) => x.category.localeCompare(y.category))) === JSON.stringify([...b].sort((x, y) => x.category.localeCompare(y.category)));

/**
 * A department records its checklist: every category it was assigned, each passed, failed (with a
 * finding recorded in this sweep) or not applicable. The last department's record completes the
 * sweep in the same write. Departments recording at once are serialised by the sweep's version.
 */
export async function recordInspection(
  campaignId: string,
  compoundId: string,
  department: string,
  checklist: ChecklistItem[],
  actor: string,
  now: string,
): Promise<{ sweep: Sweep; replayed: boolean }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const sweep = await requireSweep(campaignId, compoundId);
    const part = sweep.parts[department];
    if (!part) throw forbidden(`${department} has no part in the sweep of ${compoundId}`);
    if (part.status === 'done') {
      if (sameChecklist(part.checklist, checklist)) return { sweep, replayed: true };
      throw conflict(`${department} has already recorded its inspection of ${compoundId}`, { existing: part });
    }
    const recorded = (await findings.findingsOfSweep(compoundId, campaignId)).filter((f) => f.status !== 'dismissed');
    const failedWithoutFinding = part.categories.filter((c) => !recorded.some((f) => f.category === c));
    const problems = checklistProblems(part.categories, checklist, failedWithoutFinding);
    if (problems.length) throw ruleBroken('the checklist does not match the part assigned', problems);
    const mine = recorded.filter((f) => f.department === department).map((f) => f.findingId);
    const done = { ...part, status: 'done' as const, checklist, findings: mine, recordedAt: now, recordedBy: actor };
    const completes = Object.entries(sweep.parts).every(([d, p]) => d === department || p.status === 'done');
    const events: BusEvent[] = [
      InspectionRecorded.create(
        { campaignId, compoundId, department, checklist, findings: mine },
        sweepContext(campaignId, compoundId, actor, now, `inspection-${campaignId}-${compoundId}-${department}`),
      ),
    ];
    if (completes) {
      events.push(
        SweepCompleted.create(
          { campaignId, compoundId, departments: sweep.departments, categories: Object.values(sweep.parts).flatMap((p) => p.categories) },
          sweepContext(campaignId, compoundId, actor, now, `sweep-completed-${campaignId}-${compoundId}`),
        ),
      );
    }
    if (await sweeps.recordPart(sweep, department, done, completes ? now : undefined, events)) {
      return {
        sweep: { ...sweep, parts: { ...sweep.parts, [department]: done }, status: completes ? 'completed' : sweep.status, completedAt: completes ? now : undefined, version: sweep.version + 1 },
        replayed: false,
      };
    }
  }
  throw conflict(`the sweep of ${compoundId} kept changing; try again`);
}
