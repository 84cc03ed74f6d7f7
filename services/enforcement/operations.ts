import { EvidenceAttached, FindingDismissed, ReinspectionFailed } from '../../events/catalogue';
import type { BusEvent } from '../../events/envelope';
import { conflict, notFound, notReady, ruleBroken, type FieldError } from '../../libs/errors';
import type { CompoundView } from '../registry/kit/read-model';
import { CATEGORY_RULES, type EnforcementCategory, type Severity } from './domain/categories';
import { dueSteps } from './domain/escalation';
import { ladderInputOf, locationProblems, notice, responsiblePartyProblems, type Evidence, type Finding, type FindingLocation, type ResponsibleParty } from './domain/finding';
import { confirmedEvents, findingContext, rectifiedEvents, takeSteps } from './finding-events';
import * as findings from './store/findings';
import { registry } from './store/table';

export interface FindingDraft {
  findingId: string;
  category: EnforcementCategory;
  severity: Severity;
  location: FindingLocation;
  responsibleParty: ResponsibleParty;
  description: string;
  criminal: boolean;
}

export interface Actor {
  /** The token's subject. */
  subject: string;
  department: string;
}

const MAX_EVIDENCE = 20;

/**
 * The owner must be in the compound's roll, and a building or unit named must exist in it. With
 * no roll yet, an owner cannot be named (409: it will be possible once the roll arrives); other
 * parties are recorded as described.
 */
async function checkAgainstRoll(compound: CompoundView, party: ResponsibleParty, location: FindingLocation, field: string): Promise<void> {
  const needsRoll = party.kind === 'owner' || location.unitId || location.buildingId;
  if (!needsRoll) return;
  const roll = await registry.loadActiveRoll(compound);
  if (!roll) {
    if (party.kind === 'owner') throw notReady(`the roll of ${compound.compoundId} has not arrived here yet; an owner can be named once it has`);
    return;
  }
  const problems: FieldError[] = [];
  if (party.kind === 'owner' && !roll.units.some((u) => u.ownerId === party.ownerId && u.holding === 'owned')) {
    problems.push({ field: `${field}.responsibleParty.ownerId`, reason: `no owner ${party.ownerId} in the roll of ${compound.compoundId}` });
  }
  if (location.unitId && !roll.units.some((u) => u.unitId === location.unitId)) problems.push({ field: `${field}.location.unitId`, reason: `no unit ${location.unitId} in the roll` });
  if (location.buildingId && !roll.units.some((u) => u.buildingId === location.buildingId))
    problems.push({ field: `${field}.location.buildingId`, reason: `no building ${location.buildingId} in the roll` });
  if (location.unitId && location.buildingId && !roll.units.some((u) => u.unitId === location.unitId && u.buildingId === location.buildingId)) {
    problems.push({ field: `${field}.location.unitId`, reason: `unit ${location.unitId} is not in building ${location.buildingId}` });
  }
  if (problems.length) throw ruleBroken('the finding names what the roll does not hold', problems);
}

function checkDraft(draft: Pick<FindingDraft, 'responsibleParty' | 'location'>, field: string): void {
  const problems = [...responsiblePartyProblems(draft.responsibleParty, `${field}.responsibleParty`), ...locationProblems(draft.location, `${field}.location`)];
  if (problems.length) throw ruleBroken('the finding is incomplete', problems);
}

/** What makes two recordings of a finding the same request (a retry), as opposed to a second finding under one id. */
const sameRecording = (a: Finding, b: Finding) =>
  JSON.stringify([a.category, a.severity, a.location, a.responsibleParty, a.description, a.criminal, a.department, a.campaignId ?? null]) ===
  JSON.stringify([b.category, b.severity, b.location, b.responsibleParty, b.description, b.criminal, b.department, b.campaignId ?? null]);

/**
 * A department records a finding (in a sweep or on its own inspection): the notice is issued at
 * once, its deadline computed from category and severity. Idempotent by findingId: the same
 * recording again returns the first (`replayed`), a different one under the same id is a conflict.
 */
export async function recordFinding(compound: CompoundView, draft: FindingDraft, actor: Actor, now: string, campaignId?: string): Promise<{ finding: Finding; replayed: boolean }> {
  checkDraft(draft, 'body');
  await checkAgainstRoll(compound, draft.responsibleParty, draft.location, 'body');
  const finding: Finding = {
    compoundId: compound.compoundId,
    findingId: draft.findingId,
    districtId: compound.districtId,
    streetId: compound.streetId,
    communityId: compound.communityId,
    campaignId,
    source: campaignId ? 'sweep' : 'inspection',
    status: 'open',
    category: draft.category,
    severity: draft.severity,
    department: actor.department,
    responsibleParty: draft.responsibleParty,
    location: draft.location,
    description: draft.description,
    criminal: draft.criminal,
    criminalSince: draft.criminal ? now : undefined,
    ...notice(draft.category, draft.severity, now),
    evidence: [],
    reinspections: [],
    steps: [],
    correlationId: campaignId ? `sweep-${campaignId}` : `finding-${draft.findingId}`,
    createdAt: now,
    createdBy: actor.subject,
    updatedAt: now,
    version: 1,
  };
  // A criminal matter goes to the police in the same write; nothing else is due at the notice.
  const { next, events } = withStepsDueNow(finding, actor, now);
  if (await findings.insertFinding(next, [...confirmedEvents(next, actor.subject, now), ...events])) return { finding: next, replayed: false };
  const existing = await findings.getFinding(compound.compoundId, draft.findingId);
  if (existing && sameRecording(existing, next)) return { finding: existing, replayed: true };
  throw conflict(`finding ${draft.findingId} exists in ${compound.compoundId} with other content`, { existing });
}

function withStepsDueNow(f: Finding, actor: Actor, now: string): { next: Finding; events: BusEvent[] } {
  return takeSteps(
    f,
    dueSteps(
      ladderInputOf(f)!,
      f.steps.map((s) => s.step),
      now,
    ),
    actor.subject,
    now,
  );
}

export async function requireFinding(compoundId: string, findingId: string): Promise<Finding> {
  const finding = await findings.getFinding(compoundId, findingId);
  if (!finding) throw notFound(`finding ${findingId} does not exist in ${compoundId}`);
  return finding;
}

async function write(previous: Finding, next: Finding, events: BusEvent[]): Promise<Finding> {
  if (!(await findings.updateFinding(previous, next, events))) throw conflict(`finding ${previous.findingId} changed meanwhile; read it again`);
  return { ...next, version: previous.version + 1 };
}

function requireStatus(f: Finding, status: Finding['status'], doing: string): void {
  if (f.status !== status) throw conflict(`finding ${f.findingId} is ${f.status}; only a finding that is ${status} can be ${doing}`);
}

export interface Confirmation {
  category?: EnforcementCategory;
  severity: Severity;
  responsibleParty: ResponsibleParty;
  location?: FindingLocation;
  description?: string;
  criminal: boolean;
}

/** A referred complaint confirmed on inspection: notice and deadline from now, the confirming department in charge. */
export async function confirmReferral(compound: CompoundView, f: Finding, input: Confirmation, actor: Actor, now: string): Promise<Finding> {
  requireStatus(f, 'to_inspect', 'confirmed');
  const location = input.location ?? f.location;
  checkDraft({ responsibleParty: input.responsibleParty, location }, 'body');
  await checkAgainstRoll(compound, input.responsibleParty, location, 'body');
  const category = input.category ?? f.category;
  const next: Finding = {
    ...f,
    status: 'open',
    category,
    severity: input.severity,
    department: actor.department,
    responsibleParty: input.responsibleParty,
    location,
    description: input.description ?? f.description,
    criminal: input.criminal,
    criminalSince: input.criminal ? now : undefined,
    ...notice(category, input.severity, now),
    updatedAt: now,
  };
  const stepped = withStepsDueNow(next, actor, now);
  return write(f, stepped.next, [...confirmedEvents(stepped.next, actor.subject, now), ...stepped.events]);
}

export async function dismissReferral(f: Finding, reason: string, actor: Actor, now: string): Promise<Finding> {
  requireStatus(f, 'to_inspect', 'dismissed');
  const next: Finding = { ...f, status: 'dismissed', dismissal: { at: now, department: actor.department, by: actor.subject, reason }, updatedAt: now };
  return write(f, next, [FindingDismissed.create({ compoundId: f.compoundId, findingId: f.findingId, department: actor.department, reason }, findingContext(f, actor.subject, now))]);
}

/** Re-inspection: rectified closes the finding (and lifts the owner's disqualification); not rectified is recorded, the ladder goes on. */
export async function reinspect(f: Finding, outcome: 'rectified' | 'not_rectified', note: string, actor: Actor, now: string): Promise<Finding> {
  requireStatus(f, 'open', 're-inspected');
  const reinspections = [...f.reinspections, { at: now, department: actor.department, by: actor.subject, outcome, note }];
  if (outcome === 'not_rectified') {
    const next: Finding = { ...f, reinspections, updatedAt: now };
    return write(f, next, [
      ReinspectionFailed.create({ compoundId: f.compoundId, findingId: f.findingId, department: actor.department, note, deadline: f.deadline! }, findingContext(f, actor.subject, now)),
    ]);
  }
  const next: Finding = { ...f, status: 'rectified', reinspections, rectification: { at: now, how: 'reinspection', department: actor.department, by: actor.subject, note }, updatedAt: now };
  return write(f, next, rectifiedEvents(next, actor.subject, now));
}

/** The department abates the violation itself (an illegal structure demolished, a blocked lane cleared): the finding closes. */
export async function abate(f: Finding, method: 'demolition' | 'removal' | 'restoration', note: string, actor: Actor, now: string): Promise<Finding> {
  requireStatus(f, 'open', 'abated');
  if (method === 'demolition' && CATEGORY_RULES[f.category].violationClass !== 'illegal_construction') {
    throw ruleBroken('only illegal construction is demolished', [{ field: 'body.method', reason: `${f.category} is not construction` }]);
  }
  const next: Finding = { ...f, status: 'rectified', rectification: { at: now, how: 'abatement', abatement: method, department: actor.department, by: actor.subject, note }, updatedAt: now };
  return write(f, next, rectifiedEvents(next, actor.subject, now));
}

/** A department refers an open finding to the police: it becomes criminal, and the police step is taken in the same write. */
export async function referToPolice(f: Finding, note: string, actor: Actor, now: string): Promise<Finding> {
  requireStatus(f, 'open', 'referred to the police');
  if (f.criminal) throw conflict(`finding ${f.findingId} is already with the police`);
  const criminal: Finding = { ...f, criminal: true, criminalSince: now, updatedAt: now };
  const police = dueSteps(
    ladderInputOf(criminal)!,
    criminal.steps.map((s) => s.step),
    now,
  ).filter((s) => s.step === 'police_case');
  const { next, events } = takeSteps(criminal, police, actor.subject, now, note);
  return write(f, next, events);
}

/** Evidence is announced here and uploaded by the client to the returned URL; idempotent by evidenceId. */
export async function addEvidence(
  f: Finding,
  evidence: Omit<Evidence, 'key' | 'addedAt' | 'addedBy' | 'department'>,
  actor: Actor,
  now: string,
): Promise<{ finding: Finding; item: Evidence; replayed: boolean }> {
  if (f.status === 'dismissed') throw conflict(`finding ${f.findingId} was dismissed`);
  const existing = f.evidence.find((e) => e.evidenceId === evidence.evidenceId);
  if (existing) {
    if (existing.contentType !== evidence.contentType || existing.filename !== evidence.filename) throw conflict(`evidence ${evidence.evidenceId} exists with another type or name`);
    return { finding: f, item: existing, replayed: true };
  }
  if (f.evidence.length >= MAX_EVIDENCE) throw ruleBroken(`a finding holds at most ${MAX_EVIDENCE} pieces of evidence`);
  const item: Evidence = { ...evidence, key: `evidence/${f.compoundId}/${f.findingId}/${evidence.evidenceId}`, department: actor.department, addedBy: actor.subject, addedAt: now };
  const next: Finding = { ...f, evidence: [...f.evidence, item], updatedAt: now };
  const written = await write(f, next, [
    EvidenceAttached.create(
      { compoundId: f.compoundId, findingId: f.findingId, evidenceId: item.evidenceId, contentType: item.contentType, department: actor.department },
      findingContext(f, actor.subject, now),
    ),
  ]);
  return { finding: written, item, replayed: false };
}

/**
 * The schedule's part: take every step of the finding's ladder that is due by `now`, in one
 * conditional write. A closed finding, or one with nothing due, is left alone; a finding changed
 * meanwhile is read again.
 */
export async function escalateDue(compoundId: string, findingId: string, now: string): Promise<'escalated' | 'nothing due' | 'closed'> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const f = await findings.getFinding(compoundId, findingId);
    const input = f && ladderInputOf(f);
    if (!f || !input) return 'closed';
    const due = dueSteps(
      input,
      f.steps.map((s) => s.step),
      now,
    );
    if (due.length === 0) return 'nothing due';
    const { next, events } = takeSteps(f, due, 'schedule:escalation-clock', now);
    if (await findings.updateFinding(f, next, events)) return 'escalated';
  }
  throw conflict(`finding ${findingId} kept changing; it stays due for the next run`);
}
