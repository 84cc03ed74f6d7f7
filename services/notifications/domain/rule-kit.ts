import type { EventDefinition } from '../../../events/envelope';
import type * as z from '../../../events/zod';
import { audience, officialsOf, type Audience } from './audiences';
import type { Language } from './format';
import type { Recipient, Text, Topic, Urgency } from './notice';

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
  /** The finding as confirmed (ReinspectionFailed, FindingRectified and EnforcementEscalated do not name the responsible party). */
  finding?: FindingFacts;
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
/** A finding as confirmed: later enforcement events do not say who answers for it. */
export interface FindingFacts {
  findingId: string;
  responsible: { kind: string; ownerId?: string };
  buildingId?: string;
  deadline: string;
}
export type Fact = 'vote' | 'expense' | 'complainant' | 'finding';

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

export function on<S extends z.ZodMiniType>(event: EventDefinition<S>, entries: RuleEntry<z.infer<S>>[], needs: Fact[] = []): Rule<z.infer<S>> {
  const keys = entries.map((e) => e.key);
  if (new Set(keys).size !== keys.length) throw new Error(`${event.detailType}: rule entries need distinct keys`);
  return { event, needs, entries };
}

// ---- recipients ------------------------------------------------------------------------------------

export const to = (...audiences: (Audience | undefined)[]): Recipient[] => audiences.filter((a): a is Audience => a !== undefined).map((a) => ({ kind: 'audience', audience: a }));
export const owners: Recipient = { kind: 'owners' };
export const allBuildingHeads: Recipient = { kind: 'building-heads', buildingIds: 'all' };
export const officials = (c: RuleContext) => officialsOf({ compoundId: c.compound.compoundId, streetId: c.compound.streetId, communityId: c.compound.communityId, districtId: c.compound.districtId });

/** The reviewer whose step is due: the community for its two steps, the street office for the last. */
export const reviewerOf = (step: string, c: RuleContext): Audience => (step === 'street_office' ? officials(c).street : officials(c).community);
export const STEP_ORDER = ['community_reviewer', 'branch_and_residents_committee', 'street_office'];

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

/**
 * Who answers for a finding, as an audience: an owner on the roll, the property company or the
 * committee. A tenant, the developer or someone named only in words has no account here: the
 * department serves them on paper (the rule tells the building head of the building instead).
 */
export function responsibleAudience(compoundId: string, party: { kind: string; ownerId?: string }): Audience | undefined {
  if (party.kind === 'owner' && party.ownerId) return audience.owner(compoundId, party.ownerId);
  if (party.kind === 'property_company') return audience.property(compoundId);
  if (party.kind === 'committee') return audience.committee(compoundId);
  return undefined;
}
