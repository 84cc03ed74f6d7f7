import { CommitteeElected } from '../../../events/catalogue';
import type { DeliveredEvent } from '../../../events/envelope';

export type Governance = 'committee' | 'temporary_committee' | 'none';

export interface GovernanceChange {
  compoundId: string;
  governance: Governance;
  /** When it took effect (a term's start): orders changes that arrive out of order. */
  since: string;
}

/**
 * What another service's event means for a compound's governance. To follow a new event (the
 * elections service may publish TemporaryCommitteeFormed → temporary_committee, CommitteeDissolved →
 * none), add its detail-type here with how to read it: the consumer's rule is built from these keys.
 */
export const GOVERNANCE_EVENTS: Record<string, { source: string; read: (event: DeliveredEvent) => GovernanceChange }> = {
  [CommitteeElected.detailType]: {
    source: CommitteeElected.source,
    read: (event) => {
      const { data } = CommitteeElected.parse(event);
      return { compoundId: data.compoundId, governance: 'committee', since: data.termStart };
    },
  },
};

/** Whether a change applies: only one that began after the current governance (a later term wins). */
export const supersedes = (change: GovernanceChange, currentSince: string | undefined): boolean => currentSince === undefined || change.since > currentSince;
