import { clock } from '../../libs/clock';
import { enqueue } from '../../libs/queue';
import * as expenses from './store/expenses';

/** Every few minutes: expenses with an overdue review step or an interrupted step, one unit each. */
export const handler = async () => {
  const due = await expenses.dueExpenses(clock.nowIso());
  await enqueue('expense-steps', due);
  return { enqueued: due.length };
};
