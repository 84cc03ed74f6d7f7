import type { CompoundLocation, Principal, Role } from '../../../libs/auth';
import type { Complaint } from './complaint';
import type { Handler } from './categories';
import type { Party } from './mediation';

/**
 * Who may do what with a case, beyond the roles a route allows. Officials supervise the compounds of
 * their area (community, street, district, the bureau city-wide); the handler acts on the case; the
 * complainant confirms, reopens or withdraws; the compound's committee and property company follow
 * their compound's cases; an owner sees only their own.
 */
const OFFICIALS: Role[] = ['community', 'street', 'district', 'bureau'];

const holds = (p: Principal, h: Handler): boolean => p.grants.some((g) => g.role === h.kind && g.scope === h.id);

/** The current handler, or an official above it in the compound's chain. */
export function handlesCase(p: Principal, c: Pick<Complaint, 'handler'>, location: CompoundLocation): boolean {
  if (holds(p, c.handler)) return true;
  const supervisors: Role[] = c.handler.kind === 'property' || c.handler.kind === 'committee' ? OFFICIALS : c.handler.kind === 'community' ? ['street', 'district', 'bureau'] : ['district', 'bureau'];
  return p.can(supervisors, location);
}

export function isComplainant(p: Principal, c: Pick<Complaint, 'complainant'>): boolean {
  return c.complainant.subject !== undefined && p.subject === c.complainant.subject;
}

export function mayRead(p: Principal, c: Pick<Complaint, 'handler' | 'complainant' | 'compoundId'>, location: CompoundLocation): boolean {
  return isComplainant(p, c) || handlesCase(p, c, location) || p.can([...OFFICIALS, 'inspector', 'committee', 'property'], location);
}

/** Officials who route, mediate and record court matters: those of the compound's area. */
export const mayMediate = (p: Principal, location: CompoundLocation): boolean => p.can(OFFICIALS, location);

/** Re-routing is the street office's (or above). */
export const mayRoute = (p: Principal, location: CompoundLocation): boolean => p.can(['street', 'district', 'bureau'], location);

/**
 * The complainant's identity is for those handling the case: the complainant, the officials of the
 * area, the mediator's office, and the handler unless the handler is the very party complained about
 * (a complaint about the property company does not tell the property company who complained).
 * Nobody sees the identity of an anonymous complainant.
 */
export function seesIdentity(p: Principal, c: Pick<Complaint, 'anonymous' | 'handler' | 'respondent' | 'complainant'>, location: CompoundLocation): boolean {
  if (isComplainant(p, c)) return true;
  if (c.anonymous) return false;
  if (p.can(OFFICIALS, location)) return true;
  const handlerIsRespondent = (c.handler.kind === 'property' && c.respondent.kind === 'property_company') || (c.handler.kind === 'committee' && c.respondent.kind === 'committee');
  return holds(p, c.handler) && !handlerIsRespondent;
}

/** Whether the caller is this mediation party and may confirm the agreement for themselves. */
export function isParty(p: Principal, party: Party, compoundId: string, c: Pick<Complaint, 'complainant'>): boolean {
  if (party.role === 'complainant') return isComplainant(p, c) || (party.ownerId !== undefined && p.ownerIdIn(compoundId) === party.ownerId);
  switch (party.kind) {
    case 'owner':
      return party.ownerId !== undefined && p.ownerIdIn(compoundId) === party.ownerId;
    case 'property_company':
      return p.grants.some((g) => g.role === 'property' && g.scope === compoundId);
    case 'committee':
      return p.grants.some((g) => g.role === 'committee' && g.scope === compoundId);
    default:
      return false;
  }
}

/** The case as this caller may see it: without the complainant's identity unless they may see it. */
export type ComplaintView = Omit<Complaint, 'trackingToken'>;

export function viewFor(p: Principal, c: Complaint, location: CompoundLocation): ComplaintView {
  const { trackingToken: _t, ...withToken } = c;
  // Object keys of the bucket are the service's business; readers ask for a download URL by attachment id.
  const rest = { ...withToken, attachments: c.attachments.map(({ key: _k, ...a }) => a) };
  if (seesIdentity(p, c, location)) return rest;
  return {
    ...rest,
    complainant: {},
    mediation: c.mediation && {
      ...c.mediation,
      parties: c.mediation.parties.map(({ subject: _s, ...party }) => (party.role === 'complainant' ? { ...party, name: 'the complainant', ownerId: undefined } : party)),
    },
  };
}
