import type { EventContext } from '../../../events/envelope';
import { clock } from '../../../libs/clock';

/** The context of an event the funds service publishes now. */
export const eventContext = (compoundId: string, actor: string, id: string, correlationId?: string): EventContext => ({ compoundId, actor, occurredAt: clock.nowIso(), id, correlationId });
