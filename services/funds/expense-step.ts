import * as z from '../../events/zod';
import { id } from '../../libs/ids';
import { unitWorker } from '../../libs/jobs';
import { expenseStep } from './operations/expenses';

/** One expense: escalate its overdue step once, or complete what a crash interrupted. */
export const handler = unitWorker('funds', z.object({ compoundId: id, projectId: id, expenseId: id }), ({ compoundId, projectId, expenseId }) => expenseStep(compoundId, projectId, expenseId));
