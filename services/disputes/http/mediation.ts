import type { CompoundLocation, Principal } from '../../../libs/auth';
import { forbidden, notFound } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { mutate } from '../cases';
import { isParty, mayMediate } from '../domain/access';
import type { Complaint } from '../domain/complaint';
import { recordCourtOutcome, referToCourt } from '../domain/lifecycle';
import { applyForJudicialConfirmation, confirmAgreement, decideJudicialConfirmation, draftAgreement, failMediation, openMediation, recordSession, scheduleSession } from '../domain/mediation';
import { mediationRoutes as routes } from '../routes/mediation';
import { present } from './complaints';

/** Mediation, litigation referral and judicial confirmation. */

const asMediator = (p: Principal) => (_c: Complaint, location: CompoundLocation) => {
  if (!mayMediate(p, location)) throw forbidden('mediation and court matters are recorded by the community, street office, district or bureau serving the compound');
};

const openRoute = implement(routes.openMediation, async ({ params, body, principal, location }) => ({
  status: 201,
  body: present(principal, await mutate(params.complaintId, principal.subject, asMediator(principal), (c, ctx) => openMediation(c, body, ctx)), location!),
}));

const scheduleRoute = implement(routes.scheduleSession, async ({ params, body, principal, location }) => ({
  status: 201,
  body: present(
    principal,
    await mutate(params.complaintId, principal.subject, asMediator(principal), (c, ctx) => scheduleSession(c, { scheduledAt: new Date(body.scheduledAt).toISOString(), place: body.place }, ctx)),
    location!,
  ),
}));

const recordRoute = implement(routes.recordSession, async ({ params, body, principal, location }) => ({
  body: present(principal, await mutate(params.complaintId, principal.subject, asMediator(principal), (c, ctx) => recordSession(c, params.sessionNo, body, ctx)), location!),
}));

const draftRoute = implement(routes.draftAgreement, async ({ params, body, principal, location }) => ({
  status: 201,
  body: present(principal, await mutate(params.complaintId, principal.subject, asMediator(principal), (c, ctx) => draftAgreement(c, body.terms, ctx)), location!),
}));

/** A party confirms for themselves; the mediator's office records a confirmation given in person. */
const confirmRoute = implement(routes.confirmAgreement, async ({ params, body, principal, location }) => {
  const guard = (c: Complaint, loc: CompoundLocation) => {
    const party = c.mediation?.parties.find((p) => p.partyId === body.partyId);
    if (!party) throw notFound(`no party ${body.partyId} in this mediation`);
    if (body.inPerson ? !mayMediate(principal, loc) : !isParty(principal, party, c.compoundId, c)) {
      throw forbidden(
        body.inPerson
          ? 'a confirmation in person is recorded by the mediator’s office'
          : `only party ${party.partyId} (${party.name}) confirms for themselves; the mediator records a confirmation given in person`,
      );
    }
  };
  return {
    status: 201,
    body: present(principal, await mutate(params.complaintId, principal.subject, guard, (c, ctx) => confirmAgreement(c, body.partyId, body.termsHash, body.inPerson, ctx)), location!),
  };
});

const failRoute = implement(routes.failMediation, async ({ params, body, principal, location }) => ({
  body: present(principal, await mutate(params.complaintId, principal.subject, asMediator(principal), (c, ctx) => failMediation(c, body.reason, ctx)), location!),
}));

const courtRoute = implement(routes.referToCourt, async ({ params, body, principal, location }) => ({
  body: present(principal, await mutate(params.complaintId, principal.subject, asMediator(principal), (c, ctx) => referToCourt(c, body.court, body.note, ctx)), location!),
}));

const outcomeRoute = implement(routes.recordCourtOutcome, async ({ params, body, principal, location }) => ({
  body: present(
    principal,
    await mutate(params.complaintId, principal.subject, asMediator(principal), (c, ctx) => recordCourtOutcome(c, { ...body, decidedAt: new Date(body.decidedAt).toISOString() }, ctx)),
    location!,
  ),
}));

const applyRoute = implement(routes.applyJudicialConfirmation, async ({ params, body, principal, location }) => ({
  status: 201,
  body: present(principal, await mutate(params.complaintId, principal.subject, asMediator(principal), (c, ctx) => applyForJudicialConfirmation(c, body.court, ctx)), location!),
}));

const decideRoute = implement(routes.decideJudicialConfirmation, async ({ params, body, principal, location }) => ({
  body: present(
    principal,
    await mutate(params.complaintId, principal.subject, asMediator(principal), (c, ctx) => decideJudicialConfirmation(c, { ...body, decidedAt: new Date(body.decidedAt).toISOString() }, ctx)),
    location!,
  ),
}));

export const mediationImplementations = [openRoute, scheduleRoute, recordRoute, draftRoute, confirmRoute, failRoute, courtRoute, outcomeRoute, applyRoute, decideRoute];
