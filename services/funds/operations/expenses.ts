import { ExpensePaid, ExpenseReviewed, ExpenseReviewOverdue, ExpenseSubmitted, ExpenseTierRaised } from '../../../events/catalogue';
import type { CompoundLocation, Principal } from '../../../libs/auth';
import { clock } from '../../../libs/clock';
import { conflict, forbidden, notFound, RuleBroken, ruleBroken } from '../../../libs/errors';
import { logger } from '../../../libs/logger';
import { timeZoneOf } from '../domain/calendar';
import { eventId, systemRef } from '../domain/ids';
import { paymentPostings } from '../domain/postings';
import { amountForTier, nextDue, nextStep, normalizePayee, reviewRefusal, STEP_ROLE, stepDueAt, tierFor, type PayeeExpense } from '../domain/review';
import * as expenses from '../store/expenses';
import type { Expense, PayeeLine } from '../store/expenses';
import * as ledger from '../store/ledger';
import * as projects from '../store/projects';
import { eventContext } from './context';
import { requireProject } from './projects';

/**
 * An expense's life: submitted (its amount committed against the project's approval), reviewed step
 * by step (业账社审), paid by a journal entry, or rejected (its amount released). Each change is a
 * conditional write of the expense item; where a change also touches the project or the journal,
 * the expense first records what is under way (`submitting`, `paying`, a pending release) and the
 * other write is idempotent, so a retry or the review clock (the repair due index) completes it.
 */
const DAY_MS = 86_400_000;
const submitOp = (expenseId: string) => `submit:${expenseId}`;
const releaseOp = (expenseId: string) => `release:${expenseId}`;

export interface ExpenseView extends Omit<Expense, 'payeeKey' | 'location' | 'version' | 'updatedAt' | 'timeZone'> {
  /** The step now due and who takes it; absent once fully approved, rejected or paid. */
  next?: { step: string; role: 'community' | 'street'; dueAt?: string };
}

export function expenseView(e: Expense): ExpenseView {
  const { payeeKey: _k, location: _l, version: _v, updatedAt: _u, timeZone: _t, ...rest } = e;
  const due = e.status === 'in_review' ? nextDue(e.tier, e.approvals) : undefined;
  return { ...rest, ...(due ? { next: { ...due, dueAt: e.stepDueAt } } : {}) };
}

export async function requireExpense(compoundId: string, projectId: string, expenseId: string): Promise<Expense> {
  const expense = await expenses.getExpense(compoundId, projectId, expenseId);
  if (!expense) throw notFound(`expense ${expenseId} does not exist in project ${projectId}`);
  return expense;
}

const toPayeeExpense = (l: PayeeLine): PayeeExpense => ({
  projectId: l.projectId,
  expenseId: l.expenseId,
  payee: l.payee,
  amountFen: l.amountFen,
  submittedAt: l.submittedAt,
  status: l.status === 'rejected' ? 'rejected' : 'active',
});

/** The payee's expenses around an instant (a day of margin either side; the rule counts calendar days in the zone). */
async function payeeWindow(compoundId: string, payeeKey: string, at: string): Promise<PayeeExpense[]> {
  const from = new Date(Date.parse(at) - 32 * DAY_MS).toISOString();
  const to = new Date(Date.parse(at) + 32 * DAY_MS).toISOString();
  return (await expenses.payeeLines(compoundId, payeeKey, from, to)).map(toPayeeExpense);
}

const sameSubmission = (e: Expense, input: { payee: string; amountFen: number; purpose: string; attachments: string[] }, by: string) =>
  e.payee === input.payee && e.amountFen === input.amountFen && e.purpose === input.purpose && JSON.stringify(e.attachments) === JSON.stringify(input.attachments) && e.submittedBy === by;

export async function submitExpense(
  compoundId: string,
  projectId: string,
  input: { expenseId: string; payee: string; amountFen: number; purpose: string; attachments: string[] },
  principal: Principal,
  location: CompoundLocation & { timeZone?: string },
): Promise<ExpenseView> {
  const project = await requireProject(compoundId, projectId);
  if (project.status !== 'authorized') throw ruleBroken(`project ${projectId} is not authorized (${project.status}): no approved resolution or confirmed emergency covers it`);
  const remaining = project.approvedFen - project.committedFen;
  if (input.amountFen > remaining)
    throw ruleBroken(`the expense exceeds what remains of the approval: ${remaining} fen of ${project.approvedFen}`, [{ field: 'body.amountFen', reason: `at most ${remaining}` }]);

  const resume = async (existing: Expense) => {
    if (existing.status === 'submitting' && sameSubmission(existing, input, principal.subject)) return expenseView(await completeSubmission(existing, project));
    throw conflict(`expense ${input.expenseId} already exists in project ${projectId}`);
  };

  const now = clock.nowIso();
  const timeZone = timeZoneOf(location);
  const payeeKey = normalizePayee(input.payee);
  const draft: PayeeExpense = { projectId, expenseId: input.expenseId, payee: input.payee, amountFen: input.amountFen, submittedAt: now, status: 'active' };
  const window = await payeeWindow(compoundId, payeeKey, now);
  const tierAmountFen = amountForTier(draft, window, { stillInReview: true, timeZone });
  const expense: Expense = {
    compoundId,
    projectId,
    expenseId: input.expenseId,
    fund: project.fund,
    payee: input.payee,
    payeeKey,
    amountFen: input.amountFen,
    purpose: input.purpose,
    attachments: input.attachments,
    submittedBy: principal.subject,
    submittedAt: now,
    status: 'submitting',
    tier: tierFor(tierAmountFen),
    tierAmountFen,
    approvals: [],
    escalatedSteps: [],
    location: { communityId: location.communityId, streetId: location.streetId },
    timeZone,
    correlationId: project.correlationId,
    updatedAt: now,
    version: 0,
  };
  // The id is taken by the put itself (no read first): an existing expense is resumed or refused.
  if (!(await expenses.createExpense(expense))) return resume((await expenses.getExpense(compoundId, projectId, input.expenseId))!);
  return expenseView(await completeSubmission(expense, project, [...window, draft]));
}

/**
 * From `submitting`: index the payee, commit the amount once, put the expense in review. `project`
 * and `window` (the payee's expenses around it) save reads when the caller has them.
 */
async function completeSubmission(expense: Expense, known?: Awaited<ReturnType<typeof requireProject>>, window?: PayeeExpense[]): Promise<Expense> {
  const { compoundId, projectId, expenseId } = expense;
  await expenses.putPayeeLine(compoundId, expense.payeeKey, { projectId, expenseId, payee: expense.payee, amountFen: expense.amountFen, submittedAt: expense.submittedAt, status: 'active' });
  const project = known ?? (await requireProject(compoundId, projectId));
  const outcome = await projects.commit(compoundId, projectId, submitOp(expenseId), expense.amountFen, project.approvedFen, project.marks);
  if (outcome !== 'applied' && outcome !== 'already') {
    // Refused: the expense never existed (nothing was committed, nothing published).
    await expenses.deletePayeeLine(compoundId, expense.payeeKey, expense);
    await expenses.deleteSubmitting(expense);
    if (outcome === 'over_approval') {
      const fresh = await requireProject(compoundId, projectId);
      const remaining = fresh.approvedFen - fresh.committedFen;
      throw ruleBroken(`the expense exceeds what remains of the approval: ${remaining} fen of ${fresh.approvedFen}`, [{ field: 'body.amountFen', reason: `at most ${remaining}` }]);
    }
    throw ruleBroken(`project ${projectId} is not authorized: no approved resolution or confirmed emergency covers it`);
  }
  const now = clock.nowIso();
  const next: Expense = { ...expense, status: 'in_review', stepDueAt: stepDueAt(now, expense.timeZone), updatedAt: now };
  const event = ExpenseSubmitted.create(
    { compoundId, projectId, expenseId, payee: expense.payee, amountFen: expense.amountFen, tierAmountFen: expense.tierAmountFen, tier: expense.tier, inspectorNotified: expense.tier === 3 },
    eventContext(compoundId, expense.submittedBy, eventId('ExpenseSubmitted', compoundId, projectId, expenseId), expense.correlationId),
  );
  let result = next;
  if (!(await expenses.saveExpense(next, [event]))) result = await requireExpense(compoundId, projectId, expenseId); // completed by someone else
  await projects.markDone(compoundId, projectId, submitOp(expenseId));
  await raiseEarlierTiers(result, window).catch((error: unknown) => logger('funds').warn('raising earlier tiers failed; the review will', { error: String(error) }));
  return result;
}

/**
 * A later expense to a payee raises the tier of the payee's expenses within 30 days that are still
 * in review (the review itself recomputes the tier too, so a missed raise is caught there).
 */
async function raiseEarlierTiers(later: Expense, known?: PayeeExpense[]): Promise<void> {
  const window = known ?? (await payeeWindow(later.compoundId, later.payeeKey, later.submittedAt));
  for (const line of window) {
    if ((line.projectId === later.projectId && line.expenseId === later.expenseId) || line.status === 'rejected') continue;
    for (let attempt = 0; attempt < 3; attempt++) {
      const other = await expenses.getExpense(later.compoundId, line.projectId, line.expenseId);
      if (!other || other.status !== 'in_review') break;
      const amount = amountForTier({ ...line, payee: other.payee }, await payeeWindow(other.compoundId, other.payeeKey, other.submittedAt), { stillInReview: true, timeZone: other.timeZone });
      const tier = tierFor(amount);
      if (tier <= other.tier) break;
      const raised: Expense = { ...other, tier, tierAmountFen: amount, updatedAt: clock.nowIso() };
      const event = ExpenseTierRaised.create(
        { compoundId: other.compoundId, projectId: other.projectId, expenseId: other.expenseId, tier: tier as 2 | 3, tierAmountFen: amount, inspectorNotified: tier === 3 },
        eventContext(other.compoundId, 'funds', eventId('ExpenseTierRaised', other.compoundId, other.projectId, other.expenseId, tier), other.correlationId),
      );
      if (await expenses.saveExpense(raised, [event])) break;
    }
  }
}

export async function reviewExpense(
  compoundId: string,
  projectId: string,
  expenseId: string,
  decision: 'approve' | 'reject',
  reason: string,
  principal: Principal,
  location: CompoundLocation,
): Promise<ExpenseView> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const expense = await requireExpense(compoundId, projectId, expenseId);
    if (expense.status !== 'in_review') throw conflict(`expense ${expenseId} is ${expense.status}`);
    // The payee's total may have grown since submission (another expense to them): the tier only rises.
    const amount = amountForTier(toPayeeExpense({ ...expense, status: 'active' }), await payeeWindow(compoundId, expense.payeeKey, expense.submittedAt), {
      stillInReview: true,
      timeZone: expense.timeZone,
    });
    const tier = Math.max(expense.tier, tierFor(amount)) as 1 | 2 | 3;
    const step = nextStep(tier, expense.approvals)!;
    if (!principal.can([STEP_ROLE[step]], location)) throw forbidden(`the ${step.replaceAll('_', ' ')} reviews this step`);
    const refusal = reviewRefusal(step, principal.subject, expense.submittedBy, expense.approvals);
    if (refusal) throw forbidden(refusal);
    const now = clock.nowIso();
    const next: Expense = { ...expense, tier, tierAmountFen: Math.max(amount, expense.tierAmountFen), updatedAt: now };
    let fullyApproved = false;
    if (decision === 'reject') {
      next.status = 'rejected';
      next.rejection = { step, by: principal.subject, at: now, reason };
      next.release = 'pending';
      next.stepDueAt = undefined;
    } else {
      next.approvals = [...expense.approvals, { step, by: principal.subject, at: now, reason }];
      fullyApproved = nextStep(tier, next.approvals) === undefined;
      next.status = fullyApproved ? 'approved' : 'in_review';
      next.stepDueAt = fullyApproved ? undefined : stepDueAt(now, expense.timeZone);
    }
    const event = ExpenseReviewed.create(
      { compoundId, projectId, expenseId, step, decision: decision === 'approve' ? 'approved' : 'rejected', reason, fullyApproved },
      eventContext(compoundId, principal.subject, eventId('ExpenseReviewed', compoundId, projectId, expenseId, step), expense.correlationId),
    );
    if (!(await expenses.saveExpense(next, [event]))) continue; // someone else wrote first: read again
    const saved = { ...next, version: next.version + 1 };
    return expenseView(decision === 'reject' ? await releaseAmount(saved) : saved);
  }
  throw conflict(`expense ${expenseId} is being changed by others; retry`);
}

/** A rejected expense gives its amount back to the project, once. */
async function releaseAmount(expense: Expense): Promise<Expense> {
  const { compoundId, projectId, expenseId } = expense;
  await expenses.rejectPayeeLine(compoundId, expense.payeeKey, expense);
  const project = await requireProject(compoundId, projectId);
  await projects.commit(compoundId, projectId, releaseOp(expenseId), -expense.amountFen, project.approvedFen, project.marks);
  let result: Expense = { ...expense, release: 'done', updatedAt: clock.nowIso() };
  if (!(await expenses.saveExpense(result))) result = await requireExpense(compoundId, projectId, expenseId);
  await projects.markDone(compoundId, projectId, releaseOp(expenseId));
  return result;
}

/**
 * Pay a fully approved expense, once: a retry under the same payment reference gets the payment
 * (`replayed` when it had been completed before), another reference is refused (409).
 */
export async function payExpense(compoundId: string, projectId: string, expenseId: string, paymentRef: string, principal: Principal): Promise<{ expense: ExpenseView; replayed: boolean }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const expense = await requireExpense(compoundId, projectId, expenseId);
    if (expense.status === 'paid') {
      if (expense.paid!.paymentRef !== paymentRef) throw conflict(`expense ${expenseId} was paid under reference ${expense.paid!.paymentRef}`);
      return { expense: expenseView(expense), replayed: true };
    }
    if (expense.status === 'paying') {
      if (expense.payment!.paymentRef !== paymentRef) throw conflict(`expense ${expenseId} is being paid under reference ${expense.payment!.paymentRef}`);
      return { expense: expenseView(await finishPayment(expense)), replayed: false };
    }
    if (expense.status !== 'approved') throw conflict(`only a fully approved expense can be paid; this one is ${expense.status}`);
    const now = clock.nowIso();
    const paying: Expense = { ...expense, status: 'paying', payment: { paymentRef, by: principal.subject, startedAt: now }, updatedAt: now };
    if (await expenses.saveExpense(paying)) return { expense: expenseView(await finishPayment({ ...paying, version: paying.version + 1 })), replayed: false };
  }
  throw conflict(`expense ${expenseId} is being changed by others; retry`);
}

/** From `paying`: the journal entry (once: its reference is the expense's own), then `paid`. */
async function finishPayment(expense: Expense): Promise<Expense> {
  const { compoundId, projectId, expenseId } = expense;
  const payment = expense.payment!;
  let entrySeq: number;
  try {
    const { entry } = await ledger.append(compoundId, expense.fund, {
      kind: 'payment',
      postings: paymentPostings(projectId, expense.amountFen),
      memo: `${expense.purpose} — paid to ${expense.payee}`,
      sourceDocument: { type: 'invoice', ref: payment.paymentRef },
      actor: payment.by,
      clientRef: systemRef('pay', projectId, expenseId),
      at: clock.nowIso(),
      detail: { projectId, expenseId },
    });
    entrySeq = entry.seq;
  } catch (error) {
    if (error instanceof RuleBroken) {
      // The fund cannot pay it (not enough cash): nothing was written; the expense stays approved.
      await expenses.saveExpense({ ...expense, status: 'approved', payment: undefined, updatedAt: clock.nowIso() });
    }
    throw error;
  }
  const now = clock.nowIso();
  const paid: Expense = { ...expense, status: 'paid', payment: undefined, paid: { entrySeq, at: now, by: payment.by, paymentRef: payment.paymentRef }, updatedAt: now };
  const event = ExpensePaid.create(
    { compoundId, projectId, expenseId, fund: expense.fund, amountFen: expense.amountFen, entrySeq },
    eventContext(compoundId, payment.by, eventId('ExpensePaid', compoundId, projectId, expenseId), expense.correlationId),
  );
  if (await expenses.saveExpense(paid, [event])) return paid;
  return requireExpense(compoundId, projectId, expenseId);
}

/**
 * The review clock's unit of work for one expense: escalate a step overdue (once per step), or
 * complete what a crash left half-done (a submission, a payment, a release).
 */
export async function expenseStep(compoundId: string, projectId: string, expenseId: string): Promise<string> {
  const expense = await expenses.getExpense(compoundId, projectId, expenseId);
  if (!expense) return 'gone';
  const now = clock.nowIso();
  const stale = Date.parse(expense.updatedAt) + expenses.REPAIR_AFTER_MS <= Date.parse(now);
  try {
    if (expense.status === 'submitting' && stale) return (await completeSubmission(expense), 'submission completed');
    if (expense.status === 'paying' && stale) return (await finishPayment(expense), 'payment completed');
    if (expense.status === 'rejected' && expense.release === 'pending' && stale) return (await releaseAmount(expense), 'amount released');
  } catch (error) {
    if (error instanceof RuleBroken) return `refused: ${error.message}`;
    throw error;
  }
  if (expense.status === 'in_review' && expense.stepDueAt && expense.stepDueAt <= now) {
    const step = nextStep(expense.tier, expense.approvals)!;
    if (expense.escalatedSteps.includes(step)) return 'already escalated';
    const event = ExpenseReviewOverdue.create(
      { compoundId, projectId, expenseId, step, dueAt: expense.stepDueAt },
      eventContext(compoundId, 'schedule:review-clock', eventId('ExpenseReviewOverdue', compoundId, projectId, expenseId, step), expense.correlationId),
    );
    return (await expenses.saveExpense({ ...expense, escalatedSteps: [...expense.escalatedSteps, step], updatedAt: now }, [event])) ? 'escalated' : 'changed meanwhile';
  }
  return 'nothing due';
}
