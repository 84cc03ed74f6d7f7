import { createHash } from 'node:crypto';
import {
  JudicialConfirmationApplied,
  JudicialConfirmationDecided,
  MediationAgreementConfirmed,
  MediationAgreementDrafted,
  MediationAgreementSigned,
  MediationFailed,
  MediationOpened,
  MediationSessionRecorded,
} from '../../../events/disputes';
import { DEFAULT_ZONE, daysPeriodEnd, isPast, type WorkingCalendar } from '../../../libs/calendar';
import { conflict, notFound, ruleBroken } from '../../../libs/errors';
import { workingDeadline } from './calendar';
import type { Change, Complaint, EventSpec, StepContext } from './complaint';
import { acknowledgement, AFTER_MEDIATION_WORKING_DAYS, nextEscalation, resolve } from './lifecycle';

/**
 * People's mediation of a case (人民调解): a mediator of the community or of the housing-sector
 * dispute-resolution centre, the parties, sessions, and a written agreement (调解协议) that binds
 * once every party has confirmed it. An agreement may then be given judicial confirmation
 * (司法确认), which makes it enforceable: the parties apply jointly to the court within 30 days of
 * the agreement taking effect (Civil Procedure Law (2023) art. 205; People's Mediation Law arts. 29,
 * 33). The agreement, drafted by the mediator, takes effect when the last party signs it (`signedAt`,
 * the last confirmation). The 30 days are counted as the law counts periods (Civil Procedure Law
 * art. 85, Civil Code arts. 201-203): the day of signature does not count, the period ends at 24:00
 * Beijing time of its last day, and a last day that is a rest day (a weekend, or a holiday in the
 * bureau's working calendar) moves to the next working day. An extension for good cause (Civil
 * Procedure Law art. 86) is the court's to grant and is not modelled.
 */
export const JUDICIAL_CONFIRMATION_DAYS = 30;

/** The instant the parties' time to apply for judicial confirmation runs out. */
export const judicialConfirmationDeadline = (signedAt: string, calendar: WorkingCalendar): string => daysPeriodEnd(signedAt, JUDICIAL_CONFIRMATION_DAYS, DEFAULT_ZONE, { restDays: calendar });

export type PartyKind = 'owner' | 'property_company' | 'committee' | 'developer' | 'department' | 'other';

export interface Party {
  partyId: string;
  role: 'complainant' | 'respondent' | 'third_party';
  kind: PartyKind;
  name: string;
  /** For an owner party: their owner id in the compound (so they can confirm the agreement themselves). */
  ownerId?: string;
  /** For the complainant party: the subject who filed. */
  subject?: string;
}

export interface Session {
  sessionNo: number;
  scheduledAt: string;
  place: string;
  status: 'scheduled' | 'held' | 'cancelled';
  recordedAt?: string;
  outcome?: string;
}

export interface Mediation {
  mediator: { kind: 'community' | 'centre'; name: string; personId?: string };
  parties: Party[];
  status: 'open' | 'agreed' | 'failed';
  openedAt: string;
  openedBy: string;
  sessions: Session[];
  agreement?: {
    terms: string;
    termsHash: string;
    draftedAt: string;
    draftedBy: string;
    confirmations: Record<string, { at: string; by: string; inPerson: boolean }>;
    signedAt?: string;
  };
  failure?: { reason: string; at: string; by: string };
}

const ref = (c: Complaint) => ({ compoundId: c.compoundId, complaintId: c.complaintId });

function requireOpenMediation(c: Complaint): Mediation {
  if (!c.mediation) throw notFound('this complaint has no mediation');
  if (c.status !== 'in_mediation' || c.mediation.status !== 'open') throw conflict(`the mediation is ${c.mediation.status}`);
  return c.mediation;
}

const withMediation = (c: Complaint, mediation: Mediation, ctx: StepContext, note: string | undefined, events: EventSpec[], extra: Partial<Complaint> = {}): Change => ({
  complaint: { ...c, ...extra, mediation, updatedAt: ctx.now, history: note === undefined ? c.history : [...c.history, { at: ctx.now, status: extra.status ?? c.status, note, by: ctx.actor }] },
  events,
});

export function openMediation(c: Complaint, input: { mediator: Mediation['mediator']; parties: Omit<Party, 'partyId' | 'role'>[]; complainantName?: string }, ctx: StepContext): Change {
  if (!['received', 'acknowledged', 'in_progress'].includes(c.status)) throw conflict(`the complaint is ${c.status}; a mediation opens only while it is being handled`);
  if (c.mediation) throw conflict(`this complaint already had a mediation (${c.mediation.status}); refer it or resolve it`);
  if (c.anonymous) throw ruleBroken('an anonymous complaint cannot be mediated: mediation needs the complainant as a party');
  const complainant: Party = {
    partyId: 'P1',
    role: 'complainant',
    kind: c.complainant.ownerId ? 'owner' : 'other',
    name: input.complainantName ?? c.complainant.name ?? 'the complainant',
    ownerId: c.complainant.ownerId,
    subject: c.complainant.subject,
  };
  const parties: Party[] = [complainant, ...input.parties.map((p, i) => ({ ...p, partyId: `P${i + 2}`, role: 'respondent' as const }))];
  const mediation: Mediation = { mediator: input.mediator, parties, status: 'open', openedAt: ctx.now, openedBy: ctx.actor, sessions: [] };
  const ack = acknowledgement(c, ctx);
  return withMediation(
    c,
    mediation,
    ctx,
    `mediation opened with ${input.mediator.name} (${input.mediator.kind})`,
    [...ack.events, { event: MediationOpened, data: { ...ref(c), mediatorKind: input.mediator.kind, parties: parties.length } }],
    { ...ack.changes, status: 'in_mediation', escalateAt: undefined },
  );
}

export function scheduleSession(c: Complaint, input: { scheduledAt: string; place: string }, ctx: StepContext): Change {
  const m = requireOpenMediation(c);
  if (m.agreement) throw conflict('the agreement is drafted; no more sessions');
  const session: Session = { sessionNo: m.sessions.length + 1, scheduledAt: input.scheduledAt, place: input.place, status: 'scheduled' };
  return withMediation(c, { ...m, sessions: [...m.sessions, session] }, ctx, undefined, [
    { event: MediationSessionRecorded, data: { ...ref(c), sessionNo: session.sessionNo, status: 'scheduled', at: input.scheduledAt } },
  ]);
}

export function recordSession(c: Complaint, sessionNo: number, input: { status: 'held' | 'cancelled'; outcome: string }, ctx: StepContext): Change {
  const m = requireOpenMediation(c);
  const session = m.sessions.find((s) => s.sessionNo === sessionNo);
  if (!session) throw notFound(`no session ${sessionNo}`);
  if (session.status !== 'scheduled') throw conflict(`session ${sessionNo} is already ${session.status}`);
  if (input.status === 'held' && session.scheduledAt > ctx.now) throw ruleBroken(`session ${sessionNo} is scheduled for ${session.scheduledAt}; it cannot have been held yet`);
  const sessions = m.sessions.map((s) => (s.sessionNo === sessionNo ? { ...s, status: input.status, recordedAt: ctx.now, outcome: input.outcome } : s));
  return withMediation(c, { ...m, sessions }, ctx, undefined, [{ event: MediationSessionRecorded, data: { ...ref(c), sessionNo, status: input.status, at: ctx.now } }]);
}

export const termsHash = (terms: string): string => createHash('sha256').update(terms, 'utf8').digest('hex');

/** The mediator writes down what the parties agreed, after at least one session was held; any earlier draft and its confirmations are replaced. */
export function draftAgreement(c: Complaint, terms: string, ctx: StepContext): Change {
  const m = requireOpenMediation(c);
  if (!m.sessions.some((s) => s.status === 'held')) throw ruleBroken('an agreement follows at least one session that was held');
  const hash = termsHash(terms);
  return withMediation(c, { ...m, agreement: { terms, termsHash: hash, draftedAt: ctx.now, draftedBy: ctx.actor, confirmations: {} } }, ctx, 'mediation agreement drafted', [
    { event: MediationAgreementDrafted, data: { ...ref(c), termsHash: hash } },
  ]);
}

/**
 * One party confirms the agreement (themselves, or in person before the mediator). The last
 * confirmation signs it: the mediation is agreed and the case resolved as mediated, in the same write.
 * `expectedHash` guards against confirming terms that changed since the party read them.
 */
export function confirmAgreement(c: Complaint, partyId: string, expectedHash: string, inPerson: boolean, ctx: StepContext): Change {
  const m = requireOpenMediation(c);
  if (!m.agreement) throw conflict('no agreement has been drafted yet');
  if (m.agreement.termsHash !== expectedHash) throw conflict('the agreement changed since it was read; read it again', { termsHash: m.agreement.termsHash });
  if (!m.parties.some((p) => p.partyId === partyId)) throw notFound(`no party ${partyId}`);
  if (m.agreement.confirmations[partyId]) throw conflict(`party ${partyId} already confirmed`);
  const confirmations = { ...m.agreement.confirmations, [partyId]: { at: ctx.now, by: ctx.actor, inPerson } };
  const remaining = m.parties.filter((p) => !confirmations[p.partyId]).length;
  const confirmed: EventSpec = { event: MediationAgreementConfirmed, data: { ...ref(c), partyId, inPerson, remaining } };
  if (remaining > 0) {
    return withMediation(c, { ...m, agreement: { ...m.agreement, confirmations } }, ctx, undefined, [confirmed]);
  }
  const agreed: Mediation = { ...m, status: 'agreed', agreement: { ...m.agreement, confirmations, signedAt: ctx.now } };
  const resolved = resolve({ ...c, mediation: agreed }, { kind: 'mediated', note: 'mediated: every party confirmed the agreement' }, ctx);
  return {
    complaint: resolved.complaint,
    events: [confirmed, { event: MediationAgreementSigned, data: { ...ref(c), mediatorKind: m.mediator.kind, termsHash: m.agreement.termsHash, signedAt: ctx.now } }, ...resolved.events],
  };
}

/** No agreement: back to the handler, with time to resolve it another way or refer it to a court. */
export function failMediation(c: Complaint, reason: string, ctx: StepContext): Change {
  const m = requireOpenMediation(c);
  const resolveBy = [c.resolveBy, workingDeadline(ctx.now, AFTER_MEDIATION_WORKING_DAYS, ctx.calendar)].sort().at(-1)!;
  const back = { ...c, resolveBy };
  return withMediation(
    c,
    { ...m, status: 'failed', failure: { reason, at: ctx.now, by: ctx.actor } },
    ctx,
    `mediation failed: ${reason}`,
    [{ event: MediationFailed, data: { ...ref(c), mediatorKind: m.mediator.kind, reason } }],
    { status: 'in_progress', resolveBy, escalateAt: nextEscalation(back, ctx.now, ctx) },
  );
}

/** The parties applied for judicial confirmation of their agreement: within 30 days of its signature (judicialConfirmationDeadline). */
export function applyForJudicialConfirmation(c: Complaint, court: string, ctx: StepContext): Change {
  const signedAt = c.mediation?.agreement?.signedAt;
  if (c.mediation?.status !== 'agreed' || !signedAt) throw conflict('only a signed mediation agreement can be confirmed by a court');
  if (c.judicialConfirmation) throw conflict(`judicial confirmation was already applied for (${c.judicialConfirmation.court})`);
  const deadline = judicialConfirmationDeadline(signedAt, ctx.calendar);
  if (isPast(deadline, ctx.now)) throw ruleBroken(`judicial confirmation must be applied for within ${JUDICIAL_CONFIRMATION_DAYS} days of the agreement (by ${deadline})`);
  return {
    complaint: {
      ...c,
      judicialConfirmation: { court, appliedAt: ctx.now, appliedBy: ctx.actor },
      updatedAt: ctx.now,
      history: [...c.history, { at: ctx.now, status: c.status, note: `judicial confirmation applied for at ${court}`, by: ctx.actor }],
    },
    events: [{ event: JudicialConfirmationApplied, data: { ...ref(c), court, appliedAt: ctx.now } }],
  };
}

export function decideJudicialConfirmation(c: Complaint, input: { decision: 'confirmed' | 'rejected'; rulingRef: string; decidedAt: string }, ctx: StepContext): Change {
  const jc = c.judicialConfirmation;
  if (!jc) throw conflict('no judicial confirmation was applied for');
  if (jc.decision) throw conflict(`the court already decided (${jc.decision}, ${jc.rulingRef})`);
  if (input.decidedAt < jc.appliedAt || input.decidedAt > ctx.now) throw ruleBroken('the decision date lies between the application and now', [{ field: 'body.decidedAt', reason: 'out of range' }]);
  return {
    complaint: {
      ...c,
      judicialConfirmation: { ...jc, ...input },
      updatedAt: ctx.now,
      history: [...c.history, { at: ctx.now, status: c.status, note: `judicial confirmation ${input.decision} (${input.rulingRef})`, by: ctx.actor }],
    },
    events: [{ event: JudicialConfirmationDecided, data: { ...ref(c), ...input } }],
  };
}
