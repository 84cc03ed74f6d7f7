import {
  ComplaintAcknowledged,
  ComplaintClosed,
  ComplaintEscalated,
  ComplaintReceived,
  ComplaintReopened,
  ComplaintResolved,
  ComplaintRouted,
  EnforcementEscalated,
  FindingConfirmed,
  FindingRectified,
  FindingReferred,
  MediationOpened,
  ReinspectionFailed,
} from '../../../events/catalogue';
import { audience } from './audiences';
import * as say from './case-messages';
import { handlerAudience, officials, on, responsibleAudience, to, type Rule, type RuleContext } from './rule-kit';

/**
 * The rules for cases. Complaints (disputes): the handler of the moment, and the complainant who
 * filed in the app at every step they wait for (registered, routed, acknowledged, escalated,
 * resolved, reopened, mediation, closed); an escalation also tells the handler that missed the deadline. Findings
 * (enforcement): the responsible party with the deadline, the department, the committee; a failed
 * re-inspection, the rectification and every escalation step likewise, and each escalation to the
 * street office, which supervises the alliance in its streets.
 *
 * Enforcement publishes FindingConfirmed for every finding and, for an owner's, also the older
 * ViolationConfirmed (for the negative list): notices follow FindingConfirmed only, so nobody hears twice.
 */
const complaint = (d: { complaintId: string }) => ({ complaintId: d.complaintId });
const finding = (d: { findingId: string }) => ({ findingId: d.findingId });
const hasComplainant = (_: unknown, c: RuleContext) => c.complainant !== undefined;
const complainant = (_: unknown, c: RuleContext) => to(c.complainant);
/** A complainant who confirmed the resolution or withdrew the complaint closed it themselves: nothing to tell them. */
const closedByOthers = (d: { reason: string }, c: RuleContext) => hasComplainant(d, c) && d.reason !== 'confirmed' && d.reason !== 'withdrawn';

/** The responsible party as confirmed; a party without an account is reached through the head of its building. */
function responsibleOf(compoundId: string, party: { kind: string; ownerId?: string } | undefined, buildingId: string | undefined) {
  if (!party) return [];
  const direct = responsibleAudience(compoundId, party);
  if (direct) return to(direct);
  return buildingId ? to(audience.buildingHead(compoundId, buildingId)) : [];
}
const remembered = (d: { compoundId: string }, c: RuleContext) => responsibleOf(d.compoundId, c.finding?.responsible, c.finding?.buildingId);

export const CASE_RULES: readonly Rule<any>[] = [
  on(
    ComplaintReceived,
    [
      { key: 'handler', topic: 'complaints', urgency: 'normal', to: (d) => to(handlerAudience(d.handler)), say: say.complaintToHandler('received'), refs: complaint },
      { key: 'complainant', topic: 'complaints', urgency: 'low', when: hasComplainant, to: complainant, say: say.complaintRegistered, refs: complaint },
    ],
    ['complainant'],
  ),
  on(
    ComplaintRouted,
    [
      { key: 'handler', topic: 'complaints', urgency: 'normal', to: (d) => to(handlerAudience(d.to)), say: say.complaintToHandler('routed'), refs: complaint },
      { key: 'complainant', topic: 'complaints', urgency: 'low', when: hasComplainant, to: complainant, say: say.complaintRoutedToComplainant, refs: complaint },
    ],
    ['complainant'],
  ),
  on(ComplaintAcknowledged, [{ key: 'complainant', topic: 'complaints', urgency: 'low', when: hasComplainant, to: complainant, say: say.complaintAcknowledged, refs: complaint }], ['complainant']),
  on(
    ComplaintEscalated,
    [
      { key: 'handler', topic: 'complaints', urgency: 'urgent', to: (d) => to(handlerAudience(d.to)), say: say.complaintToHandler('escalated'), refs: complaint },
      { key: 'previous-handler', topic: 'complaints', urgency: 'normal', to: (d) => to(handlerAudience(d.from)), say: say.complaintTakenUp, refs: complaint },
      { key: 'complainant', topic: 'complaints', urgency: 'normal', when: hasComplainant, to: complainant, say: say.complaintEscalatedToComplainant, refs: complaint },
    ],
    ['complainant'],
  ),
  on(ComplaintResolved, [{ key: 'complainant', topic: 'complaints', urgency: 'normal', when: hasComplainant, to: complainant, say: say.complaintResolved, refs: complaint }], ['complainant']),
  on(ComplaintReopened, [{ key: 'complainant', topic: 'complaints', urgency: 'normal', when: hasComplainant, to: complainant, say: say.complaintReopened, refs: complaint }], ['complainant']),
  on(ComplaintClosed, [{ key: 'complainant', topic: 'complaints', urgency: 'low', when: closedByOthers, to: complainant, say: say.complaintClosed, refs: complaint }], ['complainant']),
  on(MediationOpened, [{ key: 'complainant', topic: 'complaints', urgency: 'normal', when: hasComplainant, to: complainant, say: say.mediationOpened, refs: complaint }], ['complainant']),

  on(FindingReferred, [
    {
      key: 'department',
      topic: 'enforcement',
      urgency: 'normal',
      to: (d) => to(audience.department(d.department)),
      say: say.findingReferred,
      refs: (d) => ({ findingId: d.findingId, complaintId: d.complaintId }),
    },
  ]),
  on(FindingConfirmed, [
    // A major hazard reaches its party at once, even in quiet hours; the others when quiet hours end.
    {
      key: 'responsible',
      topic: 'enforcement',
      urgency: 'urgent',
      when: (d) => d.severity !== 'general',
      to: (d) => responsibleOf(d.compoundId, d.responsibleParty, d.location.buildingId),
      say: say.findingToResponsible,
      refs: finding,
    },
    {
      key: 'responsible-general',
      topic: 'enforcement',
      urgency: 'normal',
      when: (d) => d.severity === 'general',
      to: (d) => responsibleOf(d.compoundId, d.responsibleParty, d.location.buildingId),
      say: say.findingToResponsible,
      refs: finding,
    },
    { key: 'department', topic: 'enforcement', urgency: 'normal', to: (d) => to(audience.department(d.department)), say: say.findingToDepartment, refs: finding },
    // The committee hears of hazards in the compound, unless it is the party (then it has the notice itself).
    {
      key: 'committee',
      topic: 'enforcement',
      urgency: 'low',
      when: (d) => d.responsibleParty.kind !== 'committee',
      to: (_, c) => to(officials(c).committee),
      say: say.findingToCommittee,
      refs: finding,
    },
  ]),
  on(
    ReinspectionFailed,
    [
      { key: 'responsible', topic: 'enforcement', urgency: 'urgent', to: remembered, say: say.reinspectionFailed, refs: finding },
      { key: 'department', topic: 'enforcement', urgency: 'normal', to: (d) => to(audience.department(d.department)), say: say.reinspectionFailed, refs: finding },
    ],
    ['finding'],
  ),
  on(
    FindingRectified,
    [
      { key: 'responsible', topic: 'enforcement', urgency: 'low', to: remembered, say: say.findingRectified, refs: finding },
      { key: 'officials', topic: 'enforcement', urgency: 'low', to: (d, c) => to(audience.department(d.department), officials(c).committee), say: say.findingRectified, refs: finding },
    ],
    ['finding'],
  ),
  on(
    EnforcementEscalated,
    [
      // The street office supervises the alliance in its streets: every step reaches it at once.
      { key: 'street', topic: 'enforcement', urgency: 'urgent', to: (_, c) => to(officials(c).street), say: say.enforcementEscalated, refs: finding },
      {
        key: 'departments',
        topic: 'enforcement',
        urgency: 'normal',
        to: (d) => to(audience.department(d.department), d.addressedTo === undefined ? undefined : audience.department(d.addressedTo)),
        say: say.enforcementEscalated,
        refs: finding,
      },
      { key: 'responsible', topic: 'enforcement', urgency: 'urgent', to: remembered, say: say.enforcementEscalated, refs: finding },
    ],
    ['finding'],
  ),
];
