import * as z from '../../events/zod';
import { unitWorker } from '../../libs/jobs';
import { mutate } from './cases';
import { escalate, lapse } from './domain/lifecycle';

/**
 * One complaint's due step, done idempotently: past its deadline it moves one level up; past its
 * confirmation period it closes. Both are conditional writes on the case's version, so a unit
 * delivered twice, or racing a person acting on the case, changes it once.
 */
export const handler = unitWorker('disputes', z.object({ complaintId: z.string() }), async ({ complaintId }) => {
  const after = await mutate(
    complaintId,
    'schedule:case-clock',
    () => undefined,
    (c, ctx) => (c.status === 'resolved' ? lapse(c, ctx) : escalate(c, ctx)),
  );
  return after.status;
});
