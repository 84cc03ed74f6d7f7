import {
  ArrearsCleared,
  ArrearsRecorded,
  CandidateDisqualified,
  CommitteeDissolved,
  CommitteeElected,
  CommitteeMemberDisqualified,
  CommitteeTermExpiring,
  DisclosurePublished,
  ExpensePaid,
  ExpenseReviewed,
  ExpenseReviewOverdue,
  ExpenseSubmitted,
  GridRoleAssigned,
  ObjectionFiled,
  ProjectAuthorized,
  ResolutionFailed,
  ResolutionPassed,
  VoteAnnounced,
  VoteAnnulled,
  VoteClosed,
  VoteOpened,
  VoteReminderDue,
} from '../../../events/catalogue';
import { audience } from './audiences';
import { CASE_RULES } from './case-rules';
import type { Message, NoticeSpec } from './notice';
import * as say from './messages';
import { allBuildingHeads, officials, on, owners, reviewerOf, STEP_ORDER, to, TOP_TIER_ABOVE_FEN, type Rule, type RuleContext } from './rule-kit';

export { handlerAudience, responsibleAudience, TOP_TIER_ABOVE_FEN, type ExpenseFacts, type Fact, type FindingFacts, type Rule, type RuleContext, type RuleEntry, type VoteFacts } from './rule-kit';

/**
 * The rules, in one declaration: for each event, who must know, what they are told and how urgent
 * it is (the votes, the committee, the funds and the grid here; complaints and enforcement findings
 * in case-rules.ts; the shapes and helpers in rule-kit.ts). A rule names recipients (owners found
 * through the roll, building heads, officials found through the compound's location) and a message
 * in Chinese and English built from the event's figures; the consumer turns each into a broadcast
 * and the workers fan it out.
 */

// ---- the table ----------------------------------------------------------------------------------------

export const RULES: readonly Rule<any>[] = [
  // Votes (Civil Code art. 278; notice 15 days ahead, the result published).
  on(VoteAnnounced, [
    { key: 'owners', topic: 'votes', urgency: 'normal', legallyRequired: true, to: () => [owners], say: say.voteAnnounced, refs: (d) => ({ voteId: d.voteId }) },
    { key: 'building-heads', topic: 'grid', urgency: 'normal', to: () => [allBuildingHeads], say: say.voteAnnouncedToHeads, refs: (d) => ({ voteId: d.voteId }) },
    // The residents' committee is told of the meeting at the same time (Regulations art. 14); the street office supervises.
    {
      key: 'officials',
      topic: 'votes',
      urgency: 'normal',
      to: (_, c) => to(officials(c).committee, officials(c).community, officials(c).street),
      say: say.voteAnnounced,
      refs: (d) => ({ voteId: d.voteId }),
    },
  ]),
  on(VoteOpened, [{ key: 'owners', topic: 'votes', urgency: 'normal', to: (_, c) => [owners, ...to(officials(c).committee)], say: say.voteOpened, refs: (d) => ({ voteId: d.voteId }) }], ['vote']),
  on(VoteReminderDue, [
    {
      key: 'owners',
      topic: 'votes',
      urgency: 'normal',
      to: (d) => [{ kind: 'building-owners', buildingId: d.buildingId, ownerIds: d.ownerIds }],
      say: say.voteReminder,
      refs: (d) => ({ voteId: d.voteId, buildingId: d.buildingId }),
    },
    {
      key: 'building-head',
      topic: 'grid',
      urgency: 'normal',
      when: (d) => d.ownerIds.length > 0,
      to: (d) => [{ kind: 'building-heads', buildingIds: [d.buildingId] }],
      say: say.voteReminderToHead,
      refs: (d) => ({ voteId: d.voteId, buildingId: d.buildingId }),
    },
  ]),
  on(
    VoteClosed,
    [
      {
        key: 'owners',
        topic: 'votes',
        urgency: 'normal',
        legallyRequired: true,
        to: (_, c) => [owners, ...to(officials(c).committee, officials(c).community, officials(c).street)],
        say: say.preliminaryResult,
        refs: (d) => ({ voteId: d.voteId }),
      },
    ],
    ['vote'],
  ),
  on(ResolutionPassed, [
    {
      key: 'owners',
      topic: 'votes',
      urgency: 'normal',
      legallyRequired: true,
      to: (_, c) => [owners, ...to(officials(c).committee, officials(c).community, officials(c).street)],
      say: say.finalResult(true),
      refs: (d) => ({ voteId: d.voteId }),
    },
  ]),
  on(ResolutionFailed, [
    {
      key: 'owners',
      topic: 'votes',
      urgency: 'normal',
      legallyRequired: true,
      to: (_, c) => [owners, ...to(officials(c).committee, officials(c).community, officials(c).street)],
      say: say.finalResult(false),
      refs: (d) => ({ voteId: d.voteId }),
    },
  ]),
  on(
    VoteAnnulled,
    [
      {
        key: 'owners',
        topic: 'votes',
        urgency: 'normal',
        legallyRequired: true,
        to: (_, c) => [owners, ...to(officials(c).committee, officials(c).community)],
        say: say.voteAnnulled,
        refs: (d) => ({ voteId: d.voteId }),
      },
    ],
    ['vote'],
  ),
  // The street office decides on objections within the objection period.
  on(
    ObjectionFiled,
    [
      {
        key: 'street',
        topic: 'votes',
        urgency: 'normal',
        to: (_, c) => to(officials(c).street, officials(c).committee),
        say: say.objectionFiled,
        refs: (d) => ({ voteId: d.voteId, objectionId: d.objectionId }),
      },
    ],
    ['vote'],
  ),

  // The committee.
  on(CommitteeElected, [
    { key: 'owners', topic: 'committee', urgency: 'low', to: () => [owners], say: say.committeeElected, refs: (d) => ({ electionId: d.electionId }) },
    // Filing (备案) with the street office within 30 days of the election.
    {
      key: 'street',
      topic: 'committee',
      urgency: 'normal',
      to: (_, c) => to(officials(c).street, officials(c).community),
      say: say.committeeElectedToStreet,
      refs: (d) => ({ electionId: d.electionId }),
    },
  ]),
  on(CommitteeTermExpiring, [
    {
      key: 'street',
      topic: 'committee',
      urgency: 'normal',
      to: (_, c) => to(officials(c).street, officials(c).community, officials(c).committee),
      say: say.termExpiring,
      refs: (d) => ({ committeeId: d.committeeId }),
    },
  ]),
  on(CommitteeDissolved, [
    { key: 'street', topic: 'committee', urgency: 'normal', to: (_, c) => to(officials(c).street, officials(c).community), say: say.committeeDissolved, refs: (d) => ({ committeeId: d.committeeId }) },
    { key: 'owners', topic: 'committee', urgency: 'low', when: (d) => d.reason === 'term_ended', to: () => [owners], say: say.committeeDissolved, refs: (d) => ({ committeeId: d.committeeId }) },
  ]),
  on(CandidateDisqualified, [
    {
      key: 'officials',
      topic: 'committee',
      urgency: 'normal',
      to: (_, c) => to(officials(c).street, officials(c).community, officials(c).committee),
      say: say.candidateDisqualified,
      refs: (d) => ({ personId: d.personId }),
    },
  ]),
  // A sitting member on the negative list: the city must act (removal is the owners' matter 3).
  on(CommitteeMemberDisqualified, [
    {
      key: 'officials',
      topic: 'committee',
      urgency: 'urgent',
      to: (_, c) => to(officials(c).street, officials(c).community, officials(c).committee),
      say: say.memberDisqualified,
      refs: (d) => ({ personId: d.personId, committeeId: d.committeeId }),
    },
  ]),

  // Funds (业账社审: community, branch and residents' committee, street office; the inspector above 20,000 yuan).
  on(ProjectAuthorized, [
    { key: 'officials', topic: 'funds', urgency: 'normal', to: (_, c) => to(officials(c).committee, officials(c).community), say: say.projectAuthorized, refs: (d) => ({ projectId: d.projectId }) },
    { key: 'owners', topic: 'funds', urgency: 'low', to: () => [owners], say: say.projectAuthorized, refs: (d) => ({ projectId: d.projectId }) },
  ]),
  on(ExpenseSubmitted, [
    {
      key: 'reviewer',
      topic: 'funds',
      urgency: 'normal',
      to: (_, c) => to(reviewerOf('community_reviewer', c)),
      say: say.reviewDue('community_reviewer'),
      refs: (d) => ({ projectId: d.projectId, expenseId: d.expenseId }),
    },
    {
      key: 'inspector',
      topic: 'funds',
      urgency: 'normal',
      when: (d) => d.inspectorNotified,
      to: (_, c) => to(officials(c).inspector),
      say: say.largeExpense,
      refs: (d) => ({ projectId: d.projectId, expenseId: d.expenseId }),
    },
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
    {
      key: 'committee',
      topic: 'funds',
      urgency: 'normal',
      when: (d) => d.decision === 'rejected' || d.fullyApproved,
      to: (_, c) => to(officials(c).committee),
      say: say.reviewDecided,
      refs: (d) => ({ projectId: d.projectId, expenseId: d.expenseId }),
    },
  ]),
  on(ExpenseReviewOverdue, [
    { key: 'reviewer', topic: 'funds', urgency: 'urgent', to: (d, c) => to(reviewerOf(d.step, c)), say: say.reviewOverdue, refs: (d) => ({ projectId: d.projectId, expenseId: d.expenseId }) },
    // A community step that is late goes up to the street office, which supervises it.
    {
      key: 'supervisor',
      topic: 'funds',
      urgency: 'normal',
      when: (d) => d.step !== 'street_office',
      to: (_, c) => to(officials(c).street),
      say: say.reviewOverdue,
      refs: (d) => ({ projectId: d.projectId, expenseId: d.expenseId }),
    },
  ]),
  on(
    ExpensePaid,
    [
      { key: 'committee', topic: 'funds', urgency: 'low', to: (_, c) => to(officials(c).committee), say: say.expensePaid, refs: (d) => ({ projectId: d.projectId, expenseId: d.expenseId }) },
      // Over the top tier: by the tier it was reviewed in (the payee's 30-day total), else by its own amount.
      {
        key: 'inspector',
        topic: 'funds',
        urgency: 'normal',
        when: (d, c) => (c.expense ? c.expense.tier >= 3 : d.amountFen > TOP_TIER_ABOVE_FEN),
        to: (_, c) => to(officials(c).inspector),
        say: say.largePayment,
        refs: (d) => ({ projectId: d.projectId, expenseId: d.expenseId }),
      },
    ],
    ['expense'],
  ),
  on(DisclosurePublished, [{ key: 'owners', topic: 'funds', urgency: 'low', to: (_, c) => [owners, ...to(officials(c).committee)], say: say.disclosure, refs: (d) => ({ period: d.period }) }]),
  on(ArrearsRecorded, [
    { key: 'owner', topic: 'funds', urgency: 'normal', to: (d) => to(audience.owner(d.compoundId, d.ownerId)), say: say.arrearsRecorded, refs: (d) => ({ arrearsId: d.arrearsId, unitId: d.unitId }) },
  ]),
  on(ArrearsCleared, [
    { key: 'owner', topic: 'funds', urgency: 'low', to: (d) => to(audience.owner(d.compoundId, d.ownerId)), say: say.arrearsCleared, refs: (d) => ({ arrearsId: d.arrearsId, unitId: d.unitId }) },
  ]),

  ...CASE_RULES,

  // The grid: a building head named is told what the role brings.
  on(GridRoleAssigned, [
    {
      key: 'building-head',
      topic: 'grid',
      urgency: 'low',
      when: (d) => d.role === 'building_head' && d.buildingId !== undefined,
      to: (d) => to(audience.buildingHead(d.compoundId, d.buildingId!)),
      say: say.buildingHeadNamed,
      refs: (d) => ({ buildingId: d.buildingId }),
    },
  ]),
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
