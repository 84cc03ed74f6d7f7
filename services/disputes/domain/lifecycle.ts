import {
  ComplaintAcknowledged,
  ComplaintAttachmentAdded,
  ComplaintClosed,
  ComplaintEscalated,
  ComplaintInProgress,
  ComplaintReceived,
  ComplaintReopened,
  ComplaintResolved,
  ComplaintRouted,
  CaseReferredToCourt,
  CourtOutcomeRecorded,
  ComplaintReferredForEnforcement,
} from '../../../events/disputes';
import { conflict, ruleBroken } from '../../../libs/errors';
import { minutesBetween, workingDeadline } from './calendar';
import { CATEGORY_RULES, defaultHandler, escalationTarget, handlerServes, type Category, type EnforcementCategory, type Handler } from './categories';
import type { Attachment, CaseLocation, Change, Channel, Complainant, Complaint, EventSpec, Respondent, Status, StepContext } from './complaint';

/**
 * The complaint's life as pure steps: each takes the case as read and returns the case to write and
 * the events the write carries, or throws (Conflict: the case is not in a state for it; RuleBroken:
 * a rule refuses it). Deadlines are computed here, never typed in.
 */

/** After a deadline is missed and the case moves up, the new handler gets this long before the next level. */
export const ESCALATION_WORKING_DAYS = 2;
/** How long the complainant may confirm or reopen a resolved case before it closes by itself. */
export const CONFIRMATION_WORKING_DAYS = 5;
/** After a failed mediation, the handler has at least this long to resolve or refer. */
export const AFTER_MEDIATION_WORKING_DAYS = 5;

export interface NewComplaint {
  complaintId: string;
  compoundId: string;
  category: Category;
  channel: Channel;
  description: string;
  location: CaseLocation;
  attributes: Record<string, string | string[]>;
  respondent?: Respondent;
  complainant: Complainant;
  anonymous: boolean;
  /** The complainant may ask for the description to stay out of public view; some categories always do. */
  wantsPublic: boolean;
  attachments: Attachment[];
  trackingToken: string;
}

const ref = (c: Complaint) => ({ compoundId: c.compoundId, complaintId: c.complaintId });

function requireStatus(c: Complaint, allowed: readonly Status[], doing: string): void {
  if (!allowed.includes(c.status)) throw conflict(`the complaint is ${c.status}; it cannot be ${doing} (only when ${allowed.join(' or ')})`, { status: c.status });
}

function step(c: Complaint, ctx: StepContext, changes: Partial<Complaint>, note: string | undefined, events: EventSpec[]): Change {
  const next: Complaint = { ...c, ...changes, updatedAt: ctx.now };
  if (note !== undefined) next.history = [...c.history, { at: ctx.now, status: next.status, note, by: ctx.actor }];
  return { complaint: next, events };
}

/** When the schedule should next look at an open case: its pending deadline, or (missed already) a short grace for the handler it now has. */
export function nextEscalation(c: Pick<Complaint, 'handler' | 'acknowledgedAt' | 'acknowledgeBy' | 'resolveBy'>, now: string, ctx: Pick<StepContext, 'calendar'>): string | undefined {
  if (c.handler.kind === 'district') return undefined;
  const pending = c.acknowledgedAt ? c.resolveBy : c.acknowledgeBy;
  return pending > now ? pending : workingDeadline(now, ESCALATION_WORKING_DAYS, ctx.calendar);
}

export function receive(input: NewComplaint, ctx: StepContext): Change {
  const rule = CATEGORY_RULES[input.category];
  const handler = defaultHandler(input.category, ctx.location);
  const acknowledgeBy = workingDeadline(ctx.now, rule.acknowledgeDays, ctx.calendar);
  const resolveBy = workingDeadline(ctx.now, rule.resolveDays, ctx.calendar);
  const respondent = input.respondent ?? { kind: rule.respondent };
  const visibility = rule.alwaysRestricted || respondent.kind === 'owner' || !input.wantsPublic ? 'restricted' : 'public';
  for (const a of rule.attributes.filter((a) => a.required)) {
    if (input.attributes[a.code] === undefined) throw ruleBroken(`${rule.name} needs ${a.code}: ${a.description}`, [{ field: `attribute[${a.code}]`, reason: 'required for this category' }]);
  }
  const complaint: Complaint = {
    complaintId: input.complaintId,
    compoundId: input.compoundId,
    category: input.category,
    channel: input.channel,
    description: input.description,
    location: input.location,
    attributes: input.attributes,
    respondent,
    complainant: input.complainant,
    anonymous: input.anonymous,
    visibility,
    handler,
    escalationLevel: 0,
    status: 'received',
    requestedAt: ctx.now,
    updatedAt: ctx.now,
    acknowledgeBy,
    resolveBy,
    history: [{ at: ctx.now, status: 'received', note: `received; ${rule.notice}`, by: ctx.actor }],
    attachments: input.attachments,
    trackingToken: input.trackingToken,
    version: 0,
  };
  complaint.escalateAt = nextEscalation(complaint, ctx.now, ctx);
  const events: EventSpec[] = [
    {
      event: ComplaintReceived,
      data: {
        ...ref(complaint),
        category: complaint.category,
        channel: complaint.channel,
        handler,
        respondentKind: respondent.kind,
        anonymous: complaint.anonymous,
        acknowledgeBy,
        resolveBy,
        receivedAt: ctx.now,
      },
    },
    ...complaint.attachments.map((a) => ({ event: ComplaintAttachmentAdded, data: { ...ref(complaint), attachmentId: a.attachmentId, contentType: a.contentType, source: a.source } })),
  ];
  return { complaint, events };
}

/** The acknowledgement, when a step implies it (starting work, opening a mediation) and it has not happened. */
export function acknowledgement(c: Complaint, ctx: StepContext): { changes: Partial<Complaint>; events: EventSpec[] } {
  if (c.acknowledgedAt) return { changes: {}, events: [] };
  const minutes = minutesBetween(c.requestedAt, ctx.now);
  return {
    changes: { acknowledgedAt: ctx.now },
    events: [{ event: ComplaintAcknowledged, data: { ...ref(c), handler: c.handler, minutesToAcknowledge: minutes, onTime: ctx.now <= c.acknowledgeBy } }],
  };
}

export function acknowledge(c: Complaint, note: string | undefined, ctx: StepContext): Change {
  requireStatus(c, ['received'], 'acknowledged');
  const ack = acknowledgement(c, ctx);
  const acknowledged = { ...c, ...ack.changes };
  return step(c, ctx, { ...ack.changes, status: 'acknowledged', escalateAt: nextEscalation(acknowledged, ctx.now, ctx) }, note ?? 'acknowledged', ack.events);
}

export function startWork(c: Complaint, note: string, ctx: StepContext): Change {
  requireStatus(c, ['received', 'acknowledged'], 'put in progress');
  const ack = acknowledgement(c, ctx);
  const acknowledged = { ...c, ...ack.changes };
  return step(c, ctx, { ...ack.changes, status: 'in_progress', escalateAt: nextEscalation(acknowledged, ctx.now, ctx) }, note, [
    ...ack.events,
    { event: ComplaintInProgress, data: { ...ref(c), handler: c.handler } },
  ]);
}

/** The street office (or above) sends the case to another handler of the compound's chain, or to a department. */
export function route(c: Complaint, to: Handler, reason: string, ctx: StepContext): Change {
  requireStatus(c, ['received', 'acknowledged', 'in_progress'], 're-routed');
  if (to.kind === c.handler.kind && to.id === c.handler.id) throw conflict(`the complaint is already with ${to.kind} ${to.id}`);
  if (!handlerServes(to, ctx.location)) throw ruleBroken(`${to.kind} ${to.id} does not serve compound ${c.compoundId}`, [{ field: 'body.to.id', reason: 'not in this compound’s chain' }]);
  const routed = { ...c, handler: to };
  return step(c, ctx, { handler: to, escalateAt: nextEscalation(routed, ctx.now, ctx) }, `routed to ${to.kind} ${to.id}: ${reason}`, [
    { event: ComplaintRouted, data: { ...ref(c), from: c.handler, to, reason } },
  ]);
}

/**
 * The schedule found the case past its deadline: one level up, with a short grace for the new
 * handler. Undefined when nothing is due yet or the case is already at the district.
 */
export function escalate(c: Complaint, ctx: StepContext): Change | undefined {
  if (!['received', 'acknowledged', 'in_progress'].includes(c.status) || !c.escalateAt || c.escalateAt > ctx.now) return undefined;
  const to = escalationTarget(c.handler, ctx.location);
  if (!to) return { complaint: { ...c, escalateAt: undefined }, events: [] };
  const missed = c.acknowledgedAt ? 'resolve' : 'acknowledge';
  const level = c.escalationLevel + 1;
  const escalated = { ...c, handler: to };
  return step(
    c,
    ctx,
    { handler: to, escalationLevel: level, escalateAt: nextEscalation(escalated, ctx.now, ctx) },
    `not ${missed === 'resolve' ? 'resolved' : 'acknowledged'} in time; escalated to ${to.kind} ${to.id}`,
    [{ event: ComplaintEscalated, data: { ...ref(c), from: c.handler, to, missed, dueAt: c.escalateAt, level } }],
  );
}

export function resolve(c: Complaint, input: { kind: 'handled' | 'settled_on_site' | 'mediated'; note: string; courtVisitId?: string }, ctx: StepContext): Change {
  requireStatus(c, input.kind === 'mediated' ? ['in_mediation'] : ['received', 'acknowledged', 'in_progress'], 'resolved');
  const ack = acknowledgement(c, ctx);
  const confirmBy = workingDeadline(ctx.now, CONFIRMATION_WORKING_DAYS, ctx.calendar);
  return step(
    c,
    ctx,
    {
      ...ack.changes,
      status: 'resolved',
      resolvedAt: ctx.now,
      confirmBy,
      escalateAt: undefined,
      resolution: { kind: input.kind, note: input.note, by: ctx.actor, at: ctx.now, courtVisitId: input.courtVisitId },
    },
    input.note,
    [
      ...ack.events,
      {
        event: ComplaintResolved,
        data: { ...ref(c), category: c.category, resolution: input.kind, minutesToResolve: minutesBetween(c.requestedAt, ctx.now), onTime: ctx.now <= c.resolveBy, confirmBy },
      },
    ],
  );
}

/** The complainant accepts the resolution (with a satisfaction rating): closed. */
export function confirm(c: Complaint, rating: { score: number; comment?: string }, ctx: StepContext): Change {
  requireStatus(c, ['resolved'], 'confirmed');
  return step(c, ctx, { status: 'closed', closedAt: ctx.now, confirmBy: undefined, rating, closure: { reason: 'confirmed', by: ctx.actor, at: ctx.now } }, 'the complainant confirmed the resolution', [
    { event: ComplaintClosed, data: { ...ref(c), reason: 'confirmed', rating: rating.score } },
  ]);
}

/** The complainant says it is not resolved, within the confirmation period: back in progress with a new resolution deadline. */
export function reopen(c: Complaint, reason: string, ctx: StepContext): Change {
  requireStatus(c, ['resolved'], 'reopened');
  if (!c.confirmBy || ctx.now > c.confirmBy) throw ruleBroken(`the confirmation period ended at ${c.confirmBy}; file a new complaint`);
  const resolveBy = workingDeadline(ctx.now, CATEGORY_RULES[c.category].resolveDays, ctx.calendar);
  const reopened = { ...c, resolveBy };
  return step(
    c,
    ctx,
    { status: 'in_progress', resolveBy, confirmBy: undefined, resolvedAt: undefined, resolution: undefined, escalateAt: nextEscalation(reopened, ctx.now, ctx) },
    `reopened by the complainant: ${reason}`,
    [{ event: ComplaintReopened, data: { ...ref(c), resolveBy } }],
  );
}

/** Nobody confirmed or reopened within the period: the case closes by itself. */
export function lapse(c: Complaint, ctx: StepContext): Change | undefined {
  if (c.status !== 'resolved' || !c.confirmBy || c.confirmBy > ctx.now) return undefined;
  return step(c, ctx, { status: 'closed', closedAt: ctx.now, confirmBy: undefined, closure: { reason: 'confirmation_lapsed', by: ctx.actor, at: ctx.now } }, 'closed: the confirmation period passed', [
    { event: ComplaintClosed, data: { ...ref(c), reason: 'confirmation_lapsed' } },
  ]);
}

/** Withdrawn by the complainant, or closed by the handler as a duplicate or not a matter for the window. */
export function close(c: Complaint, reason: 'withdrawn' | 'duplicate' | 'not_a_matter', note: string, ctx: StepContext): Change {
  requireStatus(c, ['received', 'acknowledged', 'in_progress'], 'closed');
  return step(c, ctx, { status: 'closed', closedAt: ctx.now, escalateAt: undefined, closure: { reason, note, by: ctx.actor, at: ctx.now } }, `closed (${reason.replaceAll('_', ' ')}): ${note}`, [
    { event: ComplaintClosed, data: { ...ref(c), reason } },
  ]);
}

/** Litigation referral (诉调对接): mediation is not wanted or failed; the court takes the case. */
export function referToCourt(c: Complaint, court: string, note: string, ctx: StepContext): Change {
  requireStatus(c, ['acknowledged', 'in_progress'], 'referred to a court');
  return step(c, ctx, { status: 'referred', escalateAt: undefined, referral: { kind: 'court', court, at: ctx.now, by: ctx.actor } }, `referred to ${court}: ${note}`, [
    { event: CaseReferredToCourt, data: { ...ref(c), court, afterMediation: c.mediation?.status === 'failed' } },
  ]);
}

export function recordCourtOutcome(c: Complaint, input: { outcome: 'judgment' | 'court_mediation' | 'withdrawn' | 'dismissed'; caseNumber: string; decidedAt: string }, ctx: StepContext): Change {
  if (c.status !== 'referred' || c.referral?.kind !== 'court') throw conflict('only a case referred to a court has a court outcome');
  if (c.referral.outcome) throw conflict(`the court’s outcome is already recorded (${c.referral.outcome.caseNumber})`);
  if (input.decidedAt < c.referral.at || input.decidedAt > ctx.now) throw ruleBroken('the decision date lies between the referral and now', [{ field: 'body.decidedAt', reason: 'out of range' }]);
  return step(
    c,
    ctx,
    { status: 'closed', closedAt: ctx.now, referral: { ...c.referral, outcome: input }, closure: { reason: 'court_decided', by: ctx.actor, at: ctx.now } },
    `court outcome: ${input.outcome.replaceAll('_', ' ')} (${input.caseNumber})`,
    [
      { event: CourtOutcomeRecorded, data: { ...ref(c), ...input } },
      { event: ComplaintClosed, data: { ...ref(c), reason: 'court_decided' } },
    ],
  );
}

/**
 * A confirmed complaint about illegal construction, a fire hazard, a utility cut off (…) becomes a
 * finding for the 8+X departments. Only categories they take can go, and only once someone has
 * looked at the case (acknowledged).
 */
export function referForEnforcement(
  c: Complaint,
  input: { category?: EnforcementCategory; suggestedDepartment?: string; locationNote?: string; respondentOwnerId?: string },
  ctx: StepContext,
): Change {
  requireStatus(c, ['acknowledged', 'in_progress'], 'referred for enforcement');
  const rule = CATEGORY_RULES[c.category];
  if (!rule.enforcement) throw ruleBroken(`${rule.name} is not a matter for the 8+X departments: resolve it, mediate it or refer it to a court`);
  const category = input.category ?? rule.enforcement;
  const suggestedDepartment = input.suggestedDepartment ?? rule.suggestedDepartment;
  const location = { buildingId: c.location.buildingId, unitId: c.location.unitId ?? c.respondent.unitId, description: input.locationNote ?? c.location.address };
  return step(
    c,
    ctx,
    { status: 'referred', escalateAt: undefined, referral: { kind: 'enforcement', at: ctx.now, by: ctx.actor, enforcementCategory: category, suggestedDepartment } },
    `referred to the 8+X departments (${category.replaceAll('_', ' ')})`,
    [
      {
        event: ComplaintReferredForEnforcement,
        data: {
          ...ref(c),
          category,
          location: Object.fromEntries(Object.entries(location).filter(([, v]) => v !== undefined)),
          description: c.description,
          respondentOwnerId: input.respondentOwnerId,
          suggestedDepartment,
          referredAt: ctx.now,
        },
      },
    ],
  );
}

export const MAX_ATTACHMENTS = 10;

export function addAttachment(c: Complaint, attachment: Attachment, ctx: StepContext): Change {
  if (c.status === 'closed') throw conflict('the complaint is closed');
  if (c.attachments.length >= MAX_ATTACHMENTS) throw ruleBroken(`a complaint has at most ${MAX_ATTACHMENTS} attachments`);
  return step(c, ctx, { attachments: [...c.attachments, attachment] }, undefined, [
    { event: ComplaintAttachmentAdded, data: { ...ref(c), attachmentId: attachment.attachmentId, contentType: attachment.contentType, source: attachment.source } },
  ]);
}
