import { EmergencyReported, ProjectAuthorized, ResolutionNotActedOn } from '../../../events/catalogue';
import type { Principal } from '../../../libs/auth';
import { publish } from '../../../libs/bus';
import { clock } from '../../../libs/clock';
import { conflict, forbidden, notFound } from '../../../libs/errors';
import { logger } from '../../../libs/logger';
import { eventId, systemRef } from '../domain/ids';
import type { Entry, Fund } from '../domain/ledger';
import { reservationPostings } from '../domain/postings';
import * as ledger from '../store/ledger';
import * as projects from '../store/projects';
import type { Project } from '../store/projects';
import { eventContext } from './context';

/** Set aside an approved amount: appropriations (debit) against the project's reservation (credit). Idempotent per project. */
async function reserve(project: Pick<Project, 'compoundId' | 'projectId' | 'fund' | 'approvedFen' | 'basis' | 'basisRef'>, actor: string): Promise<Entry> {
  const { entry } = await ledger.append(project.compoundId, project.fund, {
    kind: 'reservation',
    postings: reservationPostings(project.projectId, project.approvedFen),
    memo: `approved for project ${project.projectId}`,
    sourceDocument: { type: project.basis === 'resolution' ? 'resolution' : 'emergency_confirmation', ref: project.basisRef },
    actor,
    clientRef: systemRef('reserve', project.projectId),
    at: clock.nowIso(),
  });
  return entry;
}

export async function requireProject(compoundId: string, projectId: string) {
  const project = await projects.getProject(compoundId, projectId);
  if (!project) throw notFound(`project ${projectId} does not exist in compound ${compoundId}`);
  return project;
}

/** A project approved by an owners' resolution. Safe to repeat: each step is idempotent. */
export async function authorizeFromResolution(input: { compoundId: string; projectId: string; fund: Fund; approvedFen: number; voteId: string; title: string; correlationId?: string }): Promise<void> {
  const basisRef = `elections/vote/${input.voteId}`;
  const existing = await projects.getProject(input.compoundId, input.projectId);
  if (existing && existing.basisRef !== basisRef) {
    await refuseResolution(input.compoundId, input.voteId, 'project', `project ${input.projectId} already exists (from ${existing.basisRef}); a new project needs a new id`, input.correlationId);
    return;
  }
  const project: Project = {
    compoundId: input.compoundId,
    projectId: input.projectId,
    fund: input.fund,
    title: input.title,
    approvedFen: input.approvedFen,
    basis: 'resolution',
    basisRef,
    status: 'authorized',
    committedFen: 0,
    createdAt: clock.nowIso(),
    correlationId: input.correlationId ?? `project-${input.compoundId}-${input.projectId}`,
  };
  project.reservationSeq = (await reserve(project, 'resolution')).seq;
  const event = ProjectAuthorized.create(
    { compoundId: project.compoundId, projectId: project.projectId, fund: project.fund, approvedFen: project.approvedFen, basis: 'resolution', basisRef },
    eventContext(project.compoundId, 'funds', eventId('ProjectAuthorized', project.compoundId, project.projectId), input.correlationId),
  );
  await projects.createProject(project, [event]);
}

/** A resolution whose money the funds service will not move: logged, and published for the audit trail. */
export async function refuseResolution(compoundId: string, voteId: string, matter: string, reason: string, correlationId?: string): Promise<void> {
  logger('funds').warn('resolution not acted on', { compoundId, voteId, matter, reason });
  const event = ResolutionNotActedOn.create({ compoundId, voteId, matter, reason }, eventContext(compoundId, 'funds', eventId('ResolutionNotActedOn', compoundId, voteId), correlationId));
  // Nothing changed to carry it in an outbox: published directly (a failure fails the consumer, and the bus retries).
  await publish([event]);
}

export async function reportEmergency(
  compoundId: string,
  input: { projectId: string; fund: 'maintenance' | 'small_maintenance'; category: string; amountFen: number; description: string },
  principal: Principal,
): Promise<{ projectId: string; status: 'awaiting_confirmation' }> {
  const correlationId = `emergency-${compoundId}-${input.projectId}`;
  const project: Project = {
    compoundId,
    projectId: input.projectId,
    fund: input.fund,
    title: `emergency: ${input.category.replaceAll('_', ' ')}`,
    approvedFen: input.amountFen,
    basis: 'emergency',
    basisRef: `emergency/${compoundId}/${input.projectId}`,
    status: 'awaiting_confirmation',
    emergency: { category: input.category, description: input.description, reportedBy: principal.subject },
    committedFen: 0,
    createdAt: clock.nowIso(),
    correlationId,
  };
  const event = EmergencyReported.create(
    { compoundId, projectId: input.projectId, fund: input.fund, category: input.category, amountFen: input.amountFen, description: input.description },
    eventContext(compoundId, principal.subject, eventId('EmergencyReported', compoundId, input.projectId), correlationId),
  );
  if (!(await projects.createProject(project, [event]))) throw conflict(`project ${input.projectId} already exists`);
  return { projectId: input.projectId, status: 'awaiting_confirmation' };
}

/** The street office confirms an emergency: the amount is set aside and the project becomes payable. */
export async function confirmEmergency(compoundId: string, projectId: string, principal: Principal): Promise<Project> {
  const project = await requireProject(compoundId, projectId);
  if (project.basis !== 'emergency') throw conflict(`project ${projectId} was approved by a resolution; there is nothing to confirm`);
  if (project.status !== 'awaiting_confirmation') throw conflict(`project ${projectId} is ${project.status}`);
  if (project.emergency?.reportedBy === principal.subject) throw forbidden('the person who reported the emergency cannot confirm it');
  const entry = await reserve(project, principal.subject);
  const confirmedAt = clock.nowIso();
  const event = ProjectAuthorized.create(
    { compoundId, projectId, fund: project.fund, approvedFen: project.approvedFen, basis: 'emergency', basisRef: project.basisRef },
    eventContext(compoundId, principal.subject, eventId('ProjectAuthorized', compoundId, projectId), project.correlationId),
  );
  if (!(await projects.confirmEmergency(compoundId, projectId, { confirmedBy: principal.subject, confirmedAt, reservationSeq: entry.seq }, [event]))) {
    throw conflict(`project ${projectId} was confirmed meanwhile`);
  }
  const { marks: _m, ...rest } = project;
  return { ...rest, status: 'authorized', reservationSeq: entry.seq, emergency: { ...project.emergency!, confirmedBy: principal.subject, confirmedAt } };
}
