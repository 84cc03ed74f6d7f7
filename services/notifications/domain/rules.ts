import {
  ArrearsCleared,
  ArrearsRecorded,
  CandidateDisqualified,
  CommitteeDissolved,
  CommitteeElected,
  CommitteeMemberDisqualified,
  CommitteeTermExpiring,
  ComplaintEscalated,
  ComplaintReceived,
  ComplaintResolved,
  ComplaintRouted,
  DisclosurePublished,
  ExpensePaid,
  ExpenseReviewed,
  ExpenseReviewOverdue,
  ExpenseSubmitted,
  GridRoleAssigned,
  MediationOpened,
  ObjectionFiled,
  ProjectAuthorized,
  ResolutionFailed,
  ResolutionPassed,
  ViolationConfirmed,
  ViolationRectified,
  VoteAnnounced,
  VoteAnnulled,
  VoteClosed,
  VoteOpened,
} from '../../../events/catalogue';
import type { EventDefinition } from '../../../events/envelope';
import type * as z from '../../../events/zod';
import { audience, officialsOf, type Audience } from './audiences';
import type { Language } from './format';
import type { Message, NoticeSpec, Recipient, Text, Topic, Urgency } from './notice';
import { VoteReminderDue } from './pending-events';
import * as say from './messages';

/**
 * The rules, in one declaration: for each event, who must know, what they are told and how urgent
 * it is. A rule names recipients (owners found through the roll, building heads, officials found
 * through the compound's location) and a message in Chinese and English built from the event's
 * figures; the consumer turns each into a broadcast and the workers fan it out.
 */

/** What the notifications service knows besides the event when it applies a rule. */
export interface RuleContext {
  /** The compound's time zone: dates in messages are local. */
  zone: string;
  compound: { compoundId: string; name: string; districtId: string; streetId: string; communityId: string };
  /** The vote as announced (VoteOpened and later events do not repeat the question or the dates). */
  vote?: VoteFacts;
  /** The expense as submitted (its tier decides whether the inspector hears of the payment). */
  expense?: ExpenseFacts;
  /** Who filed the complaint in the app (events never carry the complainant): `user:<sub>`. */
  complainant?: Audience;
}
export interface VoteFacts {
  voteId: string;
  kind: string;
  matter: string;
  question: string;
  opensAt: string;
  closesAt: string;
}
export interface ExpenseFacts {
  expenseId: string;
  projectId: string;
  payee: string;
  amountFen: number;
  tier: number;
}
export type Fact = 'vote' | 'expense' | 'complainant';

export interface RuleEntry<D> {
  key: string;
  topic: Topic;
  urgency: Urgency;
  legallyRequired?: boolean;
  /** Whether this entry applies to this event at all (default: always). */
  when?: (data: D, context: RuleContext) => boolean;
  to: (data: D, context: RuleContext) => Recipient[];
  say: (data: D, context: RuleContext, language: Language) => Text;
  refs?: (data: D) => Record<string, string | undefined>;
}

export interface Rule<D = unknown> {
  event: Pick<EventDefinition<z.ZodMiniType>, 'source' | 'detailType' | 'parse'>;
  /** Facts the consumer looks up before applying the rule. */
  needs: readonly Fact[];
  entries: readonly RuleEntry<D>[];
}

function on<S extends z.ZodMiniType>(event: EventDefinition<S>, entries: RuleEntry<z.infer<S>>[], needs: Fact[] = []): Rule<z.infer<S>> {
  const keys = entries.map((e) => e.key);
  if (new Set(keys).size !== keys.length) throw new Error(`${event.detailType}: rule entries need distinct keys`);
  return { event, needs, entries };
}

// ---- recipients ------------------------------------------------------------------------------------

const to = (...audiences: (Audience | undefined)[]): Recipient[] => audiences.filter((a): a is Audience => a !== undefined).map((a) => ({ kind: 'audience', audience: a }));
const owners: Recipient = { kind: 'owners' };
const allBuildingHeads: Recipient = { kind: 'building-heads', buildingIds: 'all' };
const officials = (c: RuleContext) => officialsOf({ compoundId: c.compound.compoundId, streetId: c.compound.streetId, communityId: c.compound.communityId, districtId: c.compound.districtId });

/** The reviewer whose step is due: the community for its two steps, the street office for the last. */
const reviewerOf = (step: string, c: RuleContext): Audience => (step === 'street_office' ? officials(c).street : officials(c).community);
const STEP_ORDER = ['community_reviewer', 'branch_and_residents_committee', 'street_office'];

/** Who handles a complaint, as an audience: the compound's property company or committee, a community, street, district or department. */
export function handlerAudience(handler: { kind: string; id: string }): Audience {
  switch (handler.kind) {
    case 'property':
      return audience.property(handler.id);
    case 'committee':
      return audience.committee(handler.id);
    case 'community':
      return audience.community(handler.id);
    case 'street':
      return audience.street(handler.id);
    case 'district':
      return audience.district(handler.id);
    default:
      return audience.department(handler.id);
  }
}

/** Payments above this (20,000 yuan) are the top review tier: the discipline inspector is told. */
export const TOP_TIER_ABOVE_FEN = 2_000_000;

// ---- the table ----------------------------------------------------------------------------------------

export const RULES: readonly Rule<any>[] = [
  // Votes (Civil Code art. 278; notice 15 days ahead, the result published).
  on(VoteAnnounced, [
    { key: 'owners', topic: 'votes', urgency: 'normal', legallyRequired: true, to: () => [owners], say: say.voteAnnounced, refs: (d) => ({ voteId: d.voteId }) },
    { key: 'building-heads', topic: 'grid', urgency: 'normal', to: () => [allBuildingHeads], say: say.voteAnnouncedToHeads, refs: (d) => ({ voteId: d.voteId }) },
    // The residents' committee is told of the meeting at the same time (Regulations art. 14); the street office supervises.
    { key: 'officials', topic: 'votes', urgency: 'normal', to: (_, c) => to(officials(c).committee, officials(c).community, officials(c).street), say: say.voteAnnounced, refs: (d) => ({ voteId: d.voteId }) },
  ]),
  on(VoteOpened, [{ key: 'owners', topic: 'votes', urgency: 'normal', to: (_, c) => [owners, ...to(officials(c).committee)], say: say.voteOpened, refs: (d) => ({ voteId: d.voteId }) }], ['vote']),
  on(VoteReminderDue, [
    { key: 'owners', topic: 'votes', urgency: 'normal', to: (d) => [{ kind: 'building-owners', buildingId: d.buildingId, ownerIds: d.ownerIds }], say: say.voteReminder, refs: (d) => ({ voteId: d.voteId, buildingId: d.buildingId }) },
    { key: 'building-head', topic: 'grid', urgency: 'normal', when: (d) => d.ownerIds.length > 0, to: (d) => [{ kind: 'building-heads', buildingIds: [d.buildingId] }], say: say.voteReminderToHead, refs: (d) => ({ voteId: d.voteId, buildingId: d.buildingId }) },
  ]),
  on(VoteClosed, [{ key: 'owners', topic: 'votes', urgency: 'normal', legallyRequired: true, to: (_, c) => [owners, ...to(officials(c).committee, officials(c).community, officials(c).street)], say: say.preliminaryResult, refs: (d) => ({ voteId: d.voteId }) }], ['vote']),
  on(ResolutionPassed, [{ key: 'owners', topic: 'votes', urgency: 'normal', legallyRequired: true, to: (_, c) => [owners, ...to(officials(c).committee, officials(c).community, officials(c).street)], say: say.finalResult(true), refs: (d) => ({ voteId: d.voteId }) }]),
  on(ResolutionFailed, [{ key: 'owners', topic: 'votes', urgency: 'normal', legallyRequired: true, to: (_, c) => [owners, ...to(officials(c).committee, officials(c).community, officials(c).street)], say: say.finalResult(false), refs: (d) => ({ voteId: d.voteId }) }]),
  on(VoteAnnulled, [{ key: 'owners', topic: 'votes', urgency: 'normal', legallyRequired: true, to: (_, c) => [owners, ...to(officials(c).committee, officials(c).community)], say: say.voteAnnulled, refs: (d) => ({ voteId: d.voteId }) }], ['vote']),
  // The street office decides on objections within the objection period.
  on(ObjectionFiled, [{ key: 'street', topic: 'votes', urgency: 'normal', to: (_, c) => to(officials(c).street, officials(c).committee), say: say.objectionFiled, refs: (d) => ({ voteId: d.voteId, objectionId: d.objectionId }) }], ['vote']),

  // The committee.
  on(CommitteeElected, [
    { key: 'owners', topic: 'committee', urgency: 'low', to: () => [owners], say: say.committeeElected, refs: (d) => ({ electionId: d.electionId }) },
    // Filing (备案) with the street office within 30 days of the election.
    { key: 'street', topic: 'committee', urgency: 'normal', to: (_, c) => to(officials(c).street, officials(c).community), say: say.committeeElectedToStreet, refs: (d) => ({ electionId: d.electionId }) },
  ]),
  on(CommitteeTermExpiring, [{ key: 'street', topic: 'committee', urgency: 'normal', to: (_, c) => to(officials(c).street, officials(c).community, officials(c).committee), say: say.termExpiring, refs: (d) => ({ committeeId: d.committeeId }) }]),
  on(CommitteeDissolved, [
    { key: 'street', topic: 'committee', urgency: 'normal', to: (_, c) => to(officials(c).street, officials(c).community), say: say.committeeDissolved, refs: (d) => ({ committeeId: d.committeeId }) },
    { key: 'owners', topic: 'committee', urgency: 'low', when: (d) => d.reason === 'term_ended', to: () => [owners], say: say.committeeDissolved, refs: (d) => ({ committeeId: d.committeeId }) },
  ]),
  on(CandidateDisqualified, [{ key: 'officials', topic: 'committee', urgency: 'normal', to: (_, c) => to(officials(c).street, officials(c).community, officials(c).committee), say: say.candidateDisqualified, refs: (d) => ({ personId: d.personId }) }]),
  // A sitting member on the negative list: the city must act (removal is the owners' matter 3).
  on(CommitteeMemberDisqualified, [{ key: 'officials', topic: 'committee', urgency: 'urgent', to: (_, c) => to(officials(c).street, officials(c).community, officials(c).committee), say: say.memberDisqualified, refs: (d) => ({ personId: d.personId, committeeId: d.committeeId }) }]),

  // Funds (业账社审: community, branch and residents' committee, street office; the inspector above 20,000 yuan).
  on(ProjectAuthorized, [
    { key: 'officials', topic: 'funds', urgency: 'normal', to: (_, c) => to(officials(c).committee, officials(c).community), say: say.projectAuthorized, refs: (d) => ({ projectId: d.projectId }) },
    { key: 'owners', topic: 'funds', urgency: 'low', to: () => [owners], say: say.projectAuthorized, refs: (d) => ({ projectId: d.projectId }) },
  ]),
  on(ExpenseSubmitted, [
    { key: 'reviewer', topic: 'funds', urgency: 'normal', to: (_, c) => to(reviewerOf('community_reviewer', c)), say: say.reviewDue('community_reviewer'), refs: (d) => ({ projectId: d.projectId, expenseId: d.expenseId }) },
    { key: 'inspector', topic: 'funds', urgency: 'normal', when: (d) => d.inspectorNotified, to: (_, c) => to(officials(c).inspector), say: say.largeExpense, refs: (d) => ({ projectId: d.projectId, expenseId: d.expenseId }) },
  ]),
  on(ExpenseReviewed, [
    {
      key: 'next-reviewer',
      topic: 'funds',
      urgency: 'normal',
      when: (d) => d.decision === 'approved' && !d.fullyApproved && STEP_ORDER.indexOf(d.step) < STEP_ORDER.length - 1,
      to: (d, c) => to(reviewerOf(STEP_ORDER[STEP_ORDER.indexOf(d.step) + 1]!, c)),
      say: (d, c, l) => say.reviewDue(STEP_ORDER[STEP_ORDER.indexOf(d.step) + 1]!)(d, c, l),
      refs: (d) => ({ projectId: d.projectId, expenseId: d.expenseId }),
    },
    { key: 'committee', topic: 'funds', urgency: 'normal', when: (d) => d.decision === 'rejected' || d.fullyApproved, to: (_, c) => to(officials(c).committee), say: say.reviewDecided, refs: (d) => ({ projectId: d.projectId, expenseId: d.expenseId }) },
  ]),
  on(ExpenseReviewOverdue, [
    { key: 'reviewer', topic: 'funds', urgency: 'urgent', to: (d, c) => to(reviewerOf(d.step, c)), say: say.reviewOverdue, refs: (d) => ({ projectId: d.projectId, expenseId: d.expenseId }) },
    // A community step that is late goes up to the street office, which supervises it.
    { key: 'supervisor', topic: 'funds', urgency: 'normal', when: (d) => d.step !== 'street_office', to: (_, c) => to(officials(c).street), say: say.reviewOverdue, refs: (d) => ({ projectId: d.projectId, expenseId: d.expenseId }) },
  ]),
  on(
    ExpensePaid,
    [
      { key: 'committee', topic: 'funds', urgency: 'low', to: (_, c) => to(officials(c).committee), say: say.expensePaid, refs: (d) => ({ projectId: d.projectId, expenseId: d.expenseId }) },
      // Over the top tier: by the tier it was reviewed in (the payee's 30-day total), else by its own amount.
      { key: 'inspector', topic: 'funds', urgency: 'normal', when: (d, c) => (c.expense ? c.expense.tier >= 3 : d.amountFen > TOP_TIER_ABOVE_FEN), to: (_, c) => to(officials(c).inspector), say: say.largePayment, refs: (d) => ({ projectId: d.projectId, expenseId: d.expenseId }) },
    ],
    ['expense'],
  ),
  on(DisclosurePublished, [{ key: 'owners', topic: 'funds', urgency: 'low', to: (_, c) => [owners, ...to(officials(c).committee)], say: say.disclosure, refs: (d) => ({ period: d.period }) }]),
  on(ArrearsRecorded, [{ key: 'owner', topic: 'funds', urgency: 'normal', to: (d) => to(audience.owner(d.compoundId, d.ownerId)), say: say.arrearsRecorded, refs: (d) => ({ arrearsId: d.arrearsId, unitId: d.unitId }) }]),
  on(ArrearsCleared, [{ key: 'owner', topic: 'funds', urgency: 'low', to: (d) => to(audience.owner(d.compoundId, d.ownerId)), say: say.arrearsCleared, refs: (d) => ({ arrearsId: d.arrearsId, unitId: d.unitId }) }]),

  // Complaints: to whoever handles the case now; to the complainant when it is received and resolved.
  on(
    ComplaintReceived,
    [
      { key: 'handler', topic: 'complaints', urgency: 'normal', to: (d) => to(handlerAudience(d.handler)), say: say.complaintToHandler('received'), refs: (d) => ({ complaintId: d.complaintId }) },
      { key: 'complainant', topic: 'complaints', urgency: 'low', when: (_, c) => c.complainant !== undefined, to: (_, c) => to(c.complainant), say: say.complaintAcknowledged, refs: (d) => ({ complaintId: d.complaintId }) },
    ],
    ['complainant'],
  ),
  on(ComplaintRouted, [{ key: 'handler', topic: 'complaints', urgency: 'normal', to: (d) => to(handlerAudience(d.to)), say: say.complaintToHandler('routed'), refs: (d) => ({ complaintId: d.complaintId }) }]),
  on(ComplaintEscalated, [{ key: 'handler', topic: 'complaints', urgency: 'urgent', to: (d) => to(handlerAudience(d.to)), say: say.complaintToHandler('escalated'), refs: (d) => ({ complaintId: d.complaintId }) }]),
  on(ComplaintResolved, [{ key: 'complainant', topic: 'complaints', urgency: 'normal', when: (_, c) => c.complainant !== undefined, to: (_, c) => to(c.complainant), say: say.complaintResolved, refs: (d) => ({ complaintId: d.complaintId }) }], ['complainant']),
  on(MediationOpened, [{ key: 'complainant', topic: 'complaints', urgency: 'normal', when: (_, c) => c.complainant !== undefined, to: (_, c) => to(c.complainant), say: say.mediationOpened, refs: (d) => ({ complaintId: d.complaintId }) }], ['complainant']),

  // Enforcement: the responsible party and the department; the committee of the compound.
  on(ViolationConfirmed, [
    { key: 'responsible', topic: 'enforcement', urgency: 'urgent', when: (d) => d.responsibleOwnerId !== undefined, to: (d) => to(audience.owner(d.compoundId, d.responsibleOwnerId!)), say: say.violationToResponsible, refs: (d) => ({ findingId: d.findingId }) },
    { key: 'department', topic: 'enforcement', urgency: 'normal', to: (d, c) => to(audience.department(d.department), officials(c).committee), say: say.violationToDepartment, refs: (d) => ({ findingId: d.findingId }) },
  ]),
  on(ViolationRectified, [
    { key: 'responsible', topic: 'enforcement', urgency: 'low', when: (d) => d.responsibleOwnerId !== undefined, to: (d) => to(audience.owner(d.compoundId, d.responsibleOwnerId!)), say: say.violationRectified, refs: (d) => ({ findingId: d.findingId }) },
    { key: 'department', topic: 'enforcement', urgency: 'low', to: (d) => to(audience.department(d.department)), say: say.violationRectified, refs: (d) => ({ findingId: d.findingId }) },
  ]),

  // The grid: a building head named is told what the role brings.
  on(GridRoleAssigned, [{ key: 'building-head', topic: 'grid', urgency: 'low', when: (d) => d.role === 'building_head' && d.buildingId !== undefined, to: (d) => to(audience.buildingHead(d.compoundId, d.buildingId!)), say: say.buildingHeadNamed, refs: (d) => ({ buildingId: d.buildingId }) }]),
];

const byType = new Map(RULES.map((r) => [r.event.detailType, r]));
if (byType.size !== RULES.length) throw new Error('one rule per event type');

/** The detail-types the notifications consumer subscribes to. */
export const NOTIFIED_EVENTS: readonly { source: string; detailType: string }[] = RULES.map((r) => ({ source: r.event.source, detailType: r.event.detailType }));

export const ruleFor = (detailType: string): Rule | undefined => byType.get(detailType);

/** The notices a rule issues for one event's data: pure, so every rule is tested without AWS. */
export function noticesFor(rule: Rule, data: unknown, context: RuleContext): NoticeSpec[] {
  const out: NoticeSpec[] = [];
  for (const entry of rule.entries) {
    if (entry.when && !entry.when(data, context)) continue;
    const recipients = entry.to(data, context);
    if (recipients.length === 0) continue;
    const message: Message = { zh: entry.say(data, context, 'zh'), en: entry.say(data, context, 'en') };
    const refs = Object.fromEntries(Object.entries(entry.refs?.(data) ?? {}).filter((kv): kv is [string, string] => kv[1] !== undefined));
    out.push({ key: entry.key, topic: entry.topic, urgency: entry.urgency, legallyRequired: entry.legallyRequired ?? false, to: recipients, message, refs });
  }
  return out;
}
