import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { db, isConditionFailed, putIfAbsent, stripKeys, type Key } from '../../../libs/db';
import { dueAt, dueItems } from '../../../libs/due';
import { decodeCursor, encodeCursor, queryPage, type Page } from '../../../libs/http/pagination';
import { updateWithEvents } from '../../../libs/outbox';
import type { Fund } from '../domain/ledger';
import { nextDue, type Approval, type Step } from '../domain/review';
import { table } from './table';

/**
 * Expenses, each its own item (COMPOUND#c / EXPENSE#p#e), changed by conditional updates on its
 * version. Where an expense stands decides its indexes, computed here from its state alone:
 *   - in review: in the queue of whoever takes the next step (gsi1 REVIEWQ#community#<community> or
 *     REVIEWQ#street#<street>), and on the due index for escalation when the step falls due;
 *   - submitting, paying, or rejected with its amount not yet released: on the due index for repair,
 *     so that a step a crash interrupted is completed by the review clock.
 */
export type ExpenseStatus = 'submitting' | 'in_review' | 'approved' | 'rejected' | 'paying' | 'paid';

export interface Expense {
  compoundId: string;
  projectId: string;
  expenseId: string;
  fund: Fund;
  payee: string;
  payeeKey: string;
  amountFen: number;
  purpose: string;
  attachments: string[];
  submittedBy: string;
  submittedAt: string;
  status: ExpenseStatus;
  tier: 1 | 2 | 3;
  tierAmountFen: number;
  /** Each step taken, with the reviewer's reason. */
  approvals: Approval[];
  rejection?: { step: Step; by: string; at: string; reason: string };
  /** When the step now waiting is overdue. */
  stepDueAt?: string;
  escalatedSteps: Step[];
  /** Set while being paid (the journal entry may or may not be written yet). */
  payment?: { paymentRef: string; by: string; startedAt: string };
  paid?: { entrySeq: number; at: string; by: string; paymentRef: string };
  /** A rejected expense's amount is given back to the project: pending until done. */
  release?: 'pending' | 'done';
  /** Where the compound is, for the reviewers' queues. */
  location: { communityId: string; streetId: string };
  timeZone: string;
  correlationId: string;
  /** Changed at each write; the repair clock looks at expenses left in a transient state. */
  updatedAt: string;
  version: number;
}

export const REVIEW_STEP_DUE = 'review-step';
export const EXPENSE_REPAIR_DUE = 'expense-repair';
/** How long an expense may sit in a transient state before the clock completes the step. */
export const REPAIR_AFTER_MS = 5 * 60_000;

const expenseKey = (compoundId: string, projectId: string, expenseId: string): Key => ({ pk: `COMPOUND#${compoundId}`, sk: `EXPENSE#${projectId}#${expenseId}` });
const expenseRef = (e: Pick<Expense, 'compoundId' | 'projectId' | 'expenseId'>) => `${e.compoundId}#${e.projectId}#${e.expenseId}`;

export const queuePk = (role: 'community' | 'street', scope: string) => `REVIEWQ#${role}#${scope}`;

/** The index attributes an expense in this state carries (undefined: none). */
export function indexesOf(e: Expense): { gsi1pk?: string; gsi1sk?: string; duePk?: string; dueSk?: string } {
  if (e.status === 'in_review') {
    const next = nextDue(e.tier, e.approvals);
    if (!next || !e.stepDueAt) return {};
    const queue = { gsi1pk: queuePk(next.role, next.role === 'community' ? e.location.communityId : e.location.streetId), gsi1sk: `${e.stepDueAt}#${expenseRef(e)}` };
    return e.escalatedSteps.includes(next.step) ? queue : { ...queue, ...dueAt(REVIEW_STEP_DUE, e.stepDueAt, expenseRef(e)) };
  }
  if (e.status === 'submitting' || e.status === 'paying' || (e.status === 'rejected' && e.release === 'pending')) {
    return dueAt(EXPENSE_REPAIR_DUE, new Date(Date.parse(e.updatedAt) + REPAIR_AFTER_MS).toISOString(), expenseRef(e));
  }
  return {};
}

const publicExpense = (item: Record<string, unknown> | undefined): Expense | undefined => stripKeys<Expense>(item);

/** A new expense (status submitting), unless its id is taken in this project. */
export async function createExpense(expense: Expense): Promise<boolean> {
  return putIfAbsent(table(), { ...expenseKey(expense.compoundId, expense.projectId, expense.expenseId), ...expense, ...indexesOf(expense) });
}

export async function getExpense(compoundId: string, projectId: string, expenseId: string): Promise<Expense | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: expenseKey(compoundId, projectId, expenseId), ConsistentRead: true }));
  return publicExpense(Item);
}

/** Write `next` over the expense read at `next.version`, with its events; false if it changed meanwhile. */
export async function saveExpense(next: Expense, events: BusEvent[] = []): Promise<boolean> {
  const { version, ...fields } = next;
  const indexes = indexesOf(next);
  const set: string[] = [];
  const remove: string[] = [];
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = { ':version': version, ':next': version + 1 };
  const all: Record<string, unknown> = { ...fields, gsi1pk: indexes.gsi1pk, gsi1sk: indexes.gsi1sk, duePk: indexes.duePk, dueSk: indexes.dueSk };
  Object.entries(all).forEach(([name, value], i) => {
    names[`#f${i}`] = name;
    if (value === undefined) remove.push(`#f${i}`);
    else {
      values[`:f${i}`] = value;
      set.push(`#f${i} = :f${i}`);
    }
  });
  return updateWithEvents(table(), expenseKey(next.compoundId, next.projectId, next.expenseId), { set: [...set, '#version = :next'], remove, condition: '#version = :version', names, values }, events);
}

/** An expense whose submission was refused (over the approval): it never existed. */
export async function deleteSubmitting(e: Expense): Promise<void> {
  try {
    await db().send(
      new DeleteCommand({
        TableName: table(),
        Key: expenseKey(e.compoundId, e.projectId, e.expenseId),
        ConditionExpression: '#status = :submitting',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':submitting': 'submitting' },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/** A page of the compound's expenses (of one project, of one status), in project and id order. */
export async function pageExpenses(compoundId: string, filter: { projectId?: string; status?: ExpenseStatus }, limit: number, cursor?: string): Promise<Page<Expense>> {
  const prefix = filter.projectId ? `EXPENSE#${filter.projectId}#` : 'EXPENSE#';
  // A filtered query may return short pages; follow on until the page is full or the data ends.
  const items: Expense[] = [];
  let startKey = decodeCursor(cursor);
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `COMPOUND#${compoundId}`, ':prefix': prefix, ...(filter.status ? { ':status': filter.status } : {}) },
        ...(filter.status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } } : {}),
        Limit: limit - items.length,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []).map((i) => publicExpense(i)!));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < limit);
  return { items, nextCursor: encodeCursor(startKey) };
}

/** A reviewer's queue: expenses whose next step is theirs, oldest due first. */
export function reviewQueue(role: 'community' | 'street', scope: string, limit: number, cursor?: string): Promise<Page<Expense>> {
  return queryPage(
    { TableName: table(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': queuePk(role, scope) } },
    limit,
    cursor,
    (i) => publicExpense(i)!,
  );
}

/** Expenses whose step is overdue or whose transient state needs completing, by now. */
export async function dueExpenses(now: string): Promise<{ compoundId: string; projectId: string; expenseId: string }[]> {
  const items = [
    ...(await dueItems<Record<string, string>>(table(), REVIEW_STEP_DUE, now, ['compoundId', 'projectId', 'expenseId'])),
    ...(await dueItems<Record<string, string>>(table(), EXPENSE_REPAIR_DUE, now, ['compoundId', 'projectId', 'expenseId'])),
  ];
  return items.map((i) => ({ compoundId: i.compoundId!, projectId: i.projectId!, expenseId: i.expenseId! }));
}

// ---- the payee index: what the 30-day tier window sums ----------------------------------------------

export interface PayeeLine {
  projectId: string;
  expenseId: string;
  payee: string;
  amountFen: number;
  submittedAt: string;
  status: 'active' | 'rejected';
}

const payeePk = (compoundId: string, payeeKey: string) => `PAYEE#${compoundId}#${payeeKey}`;
const payeeSk = (submittedAt: string, projectId: string, expenseId: string) => `${submittedAt}#${projectId}#${expenseId}`;

export async function putPayeeLine(compoundId: string, payeeKey: string, line: PayeeLine): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { pk: payeePk(compoundId, payeeKey), sk: payeeSk(line.submittedAt, line.projectId, line.expenseId), ...line } }));
}

export async function rejectPayeeLine(compoundId: string, payeeKey: string, line: Pick<PayeeLine, 'submittedAt' | 'projectId' | 'expenseId'>): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: table(),
      Key: { pk: payeePk(compoundId, payeeKey), sk: payeeSk(line.submittedAt, line.projectId, line.expenseId) },
      UpdateExpression: 'SET #status = :rejected',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':rejected': 'rejected' },
    }),
  );
}

export async function deletePayeeLine(compoundId: string, payeeKey: string, line: Pick<PayeeLine, 'submittedAt' | 'projectId' | 'expenseId'>): Promise<void> {
  await db().send(new DeleteCommand({ TableName: table(), Key: { pk: payeePk(compoundId, payeeKey), sk: payeeSk(line.submittedAt, line.projectId, line.expenseId) } }));
}

/** The payee's expenses submitted between two instants. */
export async function payeeLines(compoundId: string, payeeKey: string, from: string, to: string): Promise<PayeeLine[]> {
  const out: PayeeLine[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': payeePk(compoundId, payeeKey), ':from': from, ':to': `${to}#~` },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    out.push(...(page.Items ?? []).map((i) => stripKeys<PayeeLine>(i)!));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return out;
}
