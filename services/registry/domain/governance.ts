import { CommitteeDissolved, CommitteeElected, TemporaryCommitteeFormed } from '../../../events/catalogue';
import type { DeliveredEvent } from '../../../events/envelope';

export type Governance = 'committee' | 'temporary_committee' | 'none';

/**
 * What an elections event means for a compound's governance: a committee's term began (elected, or a
 * temporary committee formed by the street office), or a committee's term ended.
 */
export type GovernanceChange =
  | {
      kind: 'term';
      compoundId: string;
      governance: 'committee' | 'temporary_committee';
      committeeId: string;
      /** When it took effect: the term's start. */
      since: string;
      /** When the term ends (the instant its dissolution takes effect, if it comes). */
      until: string;
    }
  | {
      kind: 'end';
      compoundId: string;
      committeeId: string;
      /**
       * When the elections service ended the term (its term watch, at or after the term's end): the
       * dissolution carries no date of its own. Used only when the registry does not know the term.
       */
      endedAt: string;
    };

/** A compound's governance as the registry keeps it. */
export interface GovernanceState {
  governance: Governance;
  /** When the current governance took effect; absent until an event set it. */
  since?: string;
  /** The committee (elected or temporary) that governs, and when its term ends; absent for none (and for a governance set before the registry kept them). */
  committeeId?: string;
  until?: string;
  /** Committees whose term is known to have ended (the last few): a start of one that arrives late does not revive it. */
  ended?: readonly string[];
}

/** How many ended committees a compound remembers: a compound sees a committee every few years. */
export const ENDED_KEPT = 20;

/**
 * What another service's event means for a compound's governance; `undefined`: nothing (the consumer
 * still takes the event). The consumer's rule is built from these keys.
 *
 * CommitteeDissolved `replaced` is not an end of governance: the committee elected in its place is,
 * and its CommitteeElected says so (ordering the two by time would let the dissolution, published
 * when the new committee was applied, overtake the new term). CommitteeTermExpiring is a reminder
 * three months before a term ends, not an end: it is not followed.
 */
export const GOVERNANCE_EVENTS: Record<string, { source: string; read: (event: DeliveredEvent) => GovernanceChange | undefined }> = {
  [CommitteeElected.detailType]: {
    source: CommitteeElected.source,
    read: (event) => {
      const { data } = CommitteeElected.parse(event);
      return { kind: 'term', compoundId: data.compoundId, governance: 'committee', committeeId: data.electionId, since: data.termStart, until: data.termEnd };
    },
  },
  [TemporaryCommitteeFormed.detailType]: {
    source: TemporaryCommitteeFormed.source,
    read: (event) => {
      const { data } = TemporaryCommitteeFormed.parse(event);
      return { kind: 'term', compoundId: data.compoundId, governance: 'temporary_committee', committeeId: data.committeeId, since: data.termStart, until: data.termEnd };
    },
  },
  [CommitteeDissolved.detailType]: {
    source: CommitteeDissolved.source,
    read: (event) => {
      const { data, metadata } = CommitteeDissolved.parse(event);
      if (data.reason !== 'term_ended') return undefined;
      return { kind: 'end', compoundId: data.compoundId, committeeId: data.committeeId, endedAt: metadata.occurredAt };
    },
  },
};

/** Whether a change that took effect at `since` is later than the current governance (a later term wins). */
export const supersedes = (change: { since: string }, currentSince: string | undefined): boolean => currentSince === undefined || change.since > currentSince;

const remember = (ended: readonly string[] | undefined, committeeId: string): string[] => [...(ended ?? []).filter((c) => c !== committeeId), committeeId].slice(-ENDED_KEPT);

/**
 * The governance after a change, or `undefined` when the change alters nothing. Order-tolerant:
 * every change is placed at the instant it took effect, so any order of arrival ends in the same
 * state.
 *   - A term's start governs if it began after the current governance took effect. A committee
 *     already known to have ended governs no more: its start, if later, means none from its end.
 *   - A term's end, for the committee that governs: none, from the term's end as that committee's
 *     start said (after the term it ends, whenever the term watch ran). For another committee (one
 *     replaced, or one whose start has not arrived yet): governance stays; the committee is
 *     remembered as ended, so its start, arriving late, means none from its end. A governance set
 *     before the registry kept committees (no committee on record) ends when the term watch ended
 *     it, if that is later than it began.
 */
export function decide(current: GovernanceState, change: GovernanceChange): GovernanceState | undefined {
  if (change.kind === 'term') {
    if (current.ended?.includes(change.committeeId)) {
      if (!supersedes({ since: change.until }, current.since)) return undefined;
      return { governance: 'none', since: change.until, ended: current.ended };
    }
    if (!supersedes(change, current.since)) return undefined;
    return { governance: change.governance, since: change.since, committeeId: change.committeeId, until: change.until, ended: current.ended };
  }
  const ended = remember(current.ended, change.committeeId);
  if (current.committeeId === change.committeeId) {
    const since = current.until && supersedes({ since: current.until }, current.since) ? current.until : change.endedAt;
    return { governance: 'none', since, ended };
  }
  // A governance set before the registry kept committees: ended if the term watch ran after it began.
  if (current.committeeId === undefined && current.governance !== 'none' && supersedes({ since: change.endedAt }, current.since)) return { governance: 'none', since: change.endedAt, ended };
  if (current.ended?.includes(change.committeeId)) return undefined;
  return { ...current, ended };
}

/** Whether the governance itself changed (what CompoundGovernanceChanged announces), not only what the registry remembers. */
export const governanceChanged = (before: GovernanceState, after: GovernanceState): boolean => before.governance !== after.governance || before.since !== after.since;
