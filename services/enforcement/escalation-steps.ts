import * as z from '../../events/zod';
import { clock } from '../../libs/clock';
import { id } from '../../libs/ids';
import { unitWorker } from '../../libs/jobs';
import { escalateDue } from './operations';

/**
 * One overdue finding: every ladder step due by now, in one conditional write (a run that was late
 * catches up; a unit delivered twice finds the steps taken and does nothing).
 */
export const handler = unitWorker('enforcement', z.object({ compoundId: id, findingId: id }), async ({ compoundId, findingId }) => escalateDue(compoundId, findingId, clock.nowIso()));
