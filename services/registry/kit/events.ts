import { CompoundGovernanceChanged, CompoundRegistered, RollActivated, RollChunkPublished, UnitHolderChanged } from '../../../events/catalogue';

/**
 * The registry's consumer kit: what another service needs to keep its own copy of compounds and
 * rolls. This file (the events to subscribe to) is safe for topology declarations: no AWS SDK.
 */
export const REGISTRY_EVENTS = [CompoundRegistered, CompoundGovernanceChanged, RollChunkPublished, RollActivated, UnitHolderChanged];
