import type { Audience } from './audiences';
import type { Language } from './format';

/** What the notices are about: people unsubscribe by topic (except from legally required notices). */
export const TOPICS = ['votes', 'committee', 'funds', 'complaints', 'enforcement', 'grid'] as const;
export type Topic = (typeof TOPICS)[number];

/**
 * How soon it must reach someone: `urgent` goes out at once, even in quiet hours; `normal` waits for
 * the end of quiet hours; `low` goes in the daily digest of those who asked for one.
 */
export const URGENCIES = ['urgent', 'normal', 'low'] as const;
export type Urgency = (typeof URGENCIES)[number];

export interface Text {
  title: string;
  body: string;
}

/** Every notice is written in Chinese, with an English text for those who prefer it. */
export type Message = Record<Language, Text>;

/**
 * Who must know, as the rule says it. Owners are found through the roll, building by building (a
 * vote announcement in a 20,000-unit compound is 200 units of work, never one); building heads and
 * officials are single audiences.
 */
export type Recipient =
  | { kind: 'audience'; audience: Audience }
  /** Every owner of the compound on the current roll. */
  | { kind: 'owners' }
  /** Named owners of one building (e.g. those who have not voted), with its building head told separately. */
  | { kind: 'building-owners'; buildingId: string; ownerIds: readonly string[] }
  /** The building heads of these buildings, or of every building of the compound. */
  | { kind: 'building-heads'; buildingIds: readonly string[] | 'all' };

/** One notice a rule issues for an event: the same message to every recipient it names. */
export interface NoticeSpec {
  /** The rule's entry (`owners`, `reviewer`): with the event id, it names the broadcast. */
  key: string;
  topic: Topic;
  urgency: Urgency;
  /** Notices the law requires owners to get (the vote's announcement and its result): nobody unsubscribes from them. */
  legallyRequired: boolean;
  to: readonly Recipient[];
  message: Message;
  /** Ids a client links to (voteId, projectId, expenseId, complaintId, findingId, buildingId). */
  refs: Record<string, string>;
}
