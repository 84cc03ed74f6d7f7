import { CompoundGovernanceChanged } from '../../events/catalogue';
import type { DeliveredEvent } from '../../events/envelope';
import { clock } from '../../libs/clock';
import { consumeOnce } from '../../libs/consume';
import { logger } from '../../libs/logger';
import { decide, GOVERNANCE_EVENTS, governanceChanged } from './domain/governance';
import * as store from './store';

/**
 * Keeps each compound's governance from the elections service's events (domain/governance.ts says
 * which and decides). Idempotent by event id; order-tolerant: each change is placed at the instant it
 * took effect, so a late older one changes nothing. Each change is one conditional write that
 * carries CompoundGovernanceChanged when the governance changed.
 */
export const handler = async (event: DeliveredEvent) => {
  const reader = GOVERNANCE_EVENTS[event['detail-type']];
  if (!reader || reader.source !== event.source) throw new Error(`the governance consumer does not take ${event.source}/${event['detail-type']}`);
  const change = reader.read(event);
  if (!change) return; // an event of this kind that changes no governance (domain/governance.ts says which)
  await consumeOnce(store.table(), 'governance', event, async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const compound = await store.getCompound(change.compoundId, true);
      if (!compound) {
        logger('registry').warn('governance change for a compound the registry does not know', { compoundId: change.compoundId, eventId: event.detail.metadata.id });
        return;
      }
      const before = store.governanceOf(compound);
      const next = decide(before, change);
      if (!next) return;
      const changed = governanceChanged(before, next)
        ? CompoundGovernanceChanged.create(
            {
              compoundId: change.compoundId,
              governance: next.governance,
              previousGovernance: compound.governance,
              since: next.since!,
              cause: { source: event.source, detailType: event['detail-type'], eventId: event.detail.metadata.id },
            },
            {
              compoundId: change.compoundId,
              actor: event.detail.metadata.actor,
              correlationId: event.detail.metadata.correlationId,
              occurredAt: clock.nowIso(),
              id: `governance-${change.compoundId}-${event.detail.metadata.id}`,
            },
          )
        : undefined;
      if (await store.changeGovernance(compound, next, changed)) return;
      // Another change landed between the read and the write: read again and decide again.
    }
    throw new Error(`governance of ${change.compoundId} kept changing; the bus will retry`);
  });
};
