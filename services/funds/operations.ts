import { ArrearsCleared, ArrearsRecorded, DisclosurePublished, ExpensePaid, ExpenseReviewed, ExpenseReviewOverdue, ExpenseSubmitted, ProjectAuthorized } from '../../events/catalogue';
import type { BusEvent, EventContext } from '../../events/envelope';
import type { Principal } from '../../libs/auth';
import { clock } from '../../libs/clock';
import { conflict, forbidden, notFound, ruleBroken } from '../../libs/errors';
import { monthlyLevyFen, previousQuarter } from './domain/levy';
import { available, FUNDS, type Entry, type Fund } from './domain/ledger';
import { addWorkingDays, amountForTier, DEFAULT_REVIEW_RULES, nextStep, reviewRefusal, STEP_ROLE, tierFor, type Step } from './domain/review';
import * as store from './store';
import type { Expense, Project } from './store';

/** The funds service's operations, shared by its routes, consumers and schedules. */

const ctx = (compoundId: string, actor: string, id?: string, correlationId?: string): EventContext => ({ compoundId, actor, occurredAt: clock.nowIso(), id, correlationId });

/** Set aside an approved amount: appropriations (debit) against the project's reservation (credit). */
async function reserve(project: Pick<Project, 'compoundId' | 'projectId' | 'fund' | 'approvedFen' | 'basis' | 'basisRef'>, actor: string): Promise<Entry> {
  const { entry } = await store.append(project.compoundId, project.fund, {
    kind: 'reservation',
    postings: [
      { account: 'appropriations', amountFen: project.approvedFen },
      { account: `reserved:${project.projectId}`, amountFen: -project.approvedFen },
    ],
    memo: `approved for project ${project.projectId}`,
    sourceDocument: { type: project.basis === 'resolution' ? 'resolution' : 'emergency_confirmation', ref: project.basisRef },
    actor,
    clientRef: `reserve-${project.projectId}`,
    at: clock.nowIso(),
  });
  return entry;
}

/** A project approved by an owners' resolution. Safe to repeat: both steps are idempotent. */
export async function authorizeFromResolution(input: { compoundId: string; projectId: string; fund: Fund; approvedFen: number; voteId: string; title: string; correlationId?: string }) {
  const project: Project = {
    compoundId: input.compoundId,
    projectId: input.projectId,
    fund: input.fund,
    title: input.title,
    approvedFen: input.approvedFen,
    basis: 'resolution',
    basisRef: `elections/vote/${input.voteId}`,
    status: 'authorized',
    committedFen: 0,
    expenses: {},
    createdAt: clock.nowIso(),
    correlationId: input.correlationId ?? `project-${input.compoundId}-${input.projectId}`,
  };
  const entry = await reserve(project, 'resolution');
  project.reservationSeq = entry.seq;
  const event = ProjectAuthorized.create(
    { compoundId: project.compoundId, projectId: project.projectId, fund: project.fund, approvedFen: project.approvedFen, basis: 'resolution', basisRef: project.basisRef },
    ctx(project.compoundId, 'funds', `project-${project.compoundId}-${project.projectId}`, input.correlationId),
  );
  await store.createProject(project, [event]);
}

export async function confirmEmergency(compoundId: string, projectId: string, principal: Principal) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const project = await requireProject(compoundId, projectId);
    if (project.status !== 'awaiting_confirmation') throw conflict(`project ${projectId} is ${project.status}`);
    if (project.emergency?.reportedBy === principal.subject) throw forbidden('the person who reported the emergency cannot confirm it');
    const entry = await reserve(project, principal.subject);
    const next = { ...project, status: 'authorized' as const, reservationSeq: entry.seq, emergency: { ...project.emergency!, confirmedBy: principal.subject, confirmedAt: clock.nowIso() } };
    const event = ProjectAuthorized.create(
      { compoundId, projectId, fund: project.fund, approvedFen: project.approvedFen, basis: 'emergency', basisRef: project.basisRef },
      ctx(compoundId, principal.subject, `project-${compoundId}-${projectId}`, project.correlationId),
    );
    if (await store.saveProject(next, [event])) return next;
  }
  throw conflict('the project changed meanwhile; retry');
}

export async function requireProject(compoundId: string, projectId: string) {
  const project = await store.getProject(compoundId, projectId);
  if (!project) throw notFound(`project ${projectId} does not exist in compound ${compoundId}`);
  return project;
}

/** Read, change, write conditionally on the version; retry a few times when someone else wrote first. */
async function updateProject<T>(compoundId: string, projectId: string, change: (p: Project & { version: number }) => { project: Project & { version: number }; events: BusEvent[]; result: T }): Promise<T> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await requireProject(compoundId, projectId);
    const { project, events, result } = change(structuredClone(current));
    if (await store.saveProject(project, events)) return result;
    await new Promise((r) => setTimeout(r, Math.random() * 20));
  }
  throw conflict('the project is busy; retry');
}

export async function submitExpense(
  compoundId: string,
  projectId: string,
  input: { expenseId: string; payee: string; amountFen: number; purpose: string; attachments: string[] },
  principal: Principal,
) {
  // Expenses of the other projects; this project's own are read inside the versioned update.
  const others = (await store.projectsOf(compoundId)).filter((p) => p.projectId !== projectId).flatMap((p) => Object.values(p.expenses));
  const now = clock.nowIso();
  return updateProject(compoundId, projectId, (project) => {
    if (project.status !== 'authorized') throw ruleBroken(`project ${projectId} is not authorized (${project.status}): no approved resolution or confirmed emergency covers it`);
    if (project.expenses[input.expenseId]) throw conflict(`expense ${input.expenseId} already exists`);
    const remaining = project.approvedFen - project.committedFen;
    if (input.amountFen > remaining) {
      throw ruleBroken(`the expense exceeds what remains of the approval: ${remaining} fen of ${project.approvedFen}`, [{ field: 'body.amountFen', reason: `at most ${remaining}` }]);
    }
    const draft = { expenseId: input.expenseId, payee: input.payee, amountFen: input.amountFen, submittedAt: now, status: 'in_review' };
    const tierAmountFen = amountForTier(draft, [...others, ...Object.values(project.expenses)]);
    const tier = tierFor(tierAmountFen);
    const expense: Expense = {
      ...input,
      submittedBy: principal.subject,
      submittedAt: now,
      status: 'in_review',
      tier,
      tierAmountFen,
      approvals: [],
      stepDueAt: addWorkingDays(now, DEFAULT_REVIEW_RULES.workingDaysPerStep),
      escalatedSteps: [],
    };
    project.expenses[input.expenseId] = expense;
    project.committedFen += input.amountFen;
    const event = ExpenseSubmitted.create(
      { compoundId, projectId, expenseId: input.expenseId, payee: input.payee, amountFen: input.amountFen, tierAmountFen, tier, inspectorNotified: tier === 3 },
      ctx(compoundId, principal.subject, `expense-${compoundId}-${input.expenseId}-submitted`, project.correlationId),
    );
    return { project, events: [event], result: expense };
  });
}

export async function reviewExpense(compoundId: string, projectId: string, expenseId: string, decision: 'approve' | 'reject', reason: string, principal: Principal) {
  const location = await store.registry.locateCompound(compoundId);
  // Expenses of the other projects; this project's own are read inside the versioned update.
  const others = (await store.projectsOf(compoundId)).filter((p) => p.projectId !== projectId).flatMap((p) => Object.values(p.expenses));
  const now = clock.nowIso();
  return updateProject(compoundId, projectId, (project) => {
    const expense = project.expenses[expenseId];
    if (!expense) throw notFound(`expense ${expenseId} does not exist in project ${projectId}`);
    if (expense.status !== 'in_review') throw conflict(`expense ${expenseId} is ${expense.status}`);
    // The payee's total may have grown since submission (another expense to them): the tier only rises.
    const tier = Math.max(expense.tier, tierFor(amountForTier(expense, [...others, ...Object.values(project.expenses)]))) as 1 | 2 | 3;
    expense.tier = tier;
    const step = nextStep(tier, expense.approvals)!;
    if (!location || !principal.can([STEP_ROLE[step]], location)) throw forbidden(`the ${step.replaceAll('_', ' ')} reviews this step`);
    const refusal = reviewRefusal(step, principal.subject, expense.submittedBy, expense.approvals);
    if (refusal) throw forbidden(refusal);
    let fullyApproved = false;
    if (decision === 'reject') {
      expense.status = 'rejected';
      expense.rejection = { step, by: principal.subject, at: now, reason };
      project.committedFen -= expense.amountFen;
    } else {
      expense.approvals.push({ step, by: principal.subject, at: now });
      fullyApproved = nextStep(tier, expense.approvals) === undefined;
      if (fullyApproved) expense.status = 'approved';
      else expense.stepDueAt = addWorkingDays(now, DEFAULT_REVIEW_RULES.workingDaysPerStep);
    }
    const event = ExpenseReviewed.create(
      { compoundId, projectId, expenseId, step, decision: decision === 'approve' ? 'approved' : 'rejected', reason, fullyApproved },
      ctx(compoundId, principal.subject, `expense-${compoundId}-${expenseId}-${step}`, project.correlationId),
    );
    return { project, events: [event], result: expense };
  });
}

export async function payExpense(compoundId: string, projectId: string, expenseId: string, paymentRef: string, principal: Principal) {
  const project = await requireProject(compoundId, projectId);
  const expense = project.expenses[expenseId];
  if (!expense) throw notFound(`expense ${expenseId} does not exist in project ${projectId}`);
  if (expense.status === 'paid') return expense;
  if (expense.status !== 'approved') throw conflict(`only a fully approved expense can be paid; this one is ${expense.status}`);
  const { entry } = await store.append(compoundId, project.fund, {
    kind: 'payment',
    postings: [
      { account: `spent:${projectId}`, amountFen: expense.amountFen },
      { account: 'cash', amountFen: -expense.amountFen },
      { account: `reserved:${projectId}`, amountFen: expense.amountFen },
      { account: 'appropriations', amountFen: -expense.amountFen },
    ],
    memo: `${expense.purpose} — paid to ${expense.payee}`,
    sourceDocument: { type: 'invoice', ref: paymentRef },
    actor: principal.subject,
    clientRef: `pay-${expenseId}`,
    at: clock.nowIso(),
  });
  return updateProject(compoundId, projectId, (p) => {
    const e = p.expenses[expenseId]!;
    if (e.status === 'paid') return { project: p, events: [], result: e };
    e.status = 'paid';
    e.paid = { entrySeq: entry.seq, at: clock.nowIso(), by: principal.subject, paymentRef };
    const event = ExpensePaid.create({ compoundId, projectId, expenseId, fund: p.fund, amountFen: e.amountFen, entrySeq: entry.seq }, ctx(compoundId, principal.subject, `expense-${compoundId}-${expenseId}-paid`, p.correlationId));
    return { project: p, events: [event], result: e };
  });
}

/** Daily: steps waiting longer than their working days are escalated, once per step. */
export async function escalateOverdueReviews(): Promise<number> {
  const now = clock.nowIso();
  let escalated = 0;
  for (const project of await store.allProjects()) {
    for (const expense of Object.values(project.expenses)) {
      if (expense.status !== 'in_review' || expense.stepDueAt > now) continue;
      const step = nextStep(expense.tier, expense.approvals) as Step;
      if (expense.escalatedSteps.includes(step)) continue;
      await updateProject(project.compoundId, project.projectId, (p) => {
        const e = p.expenses[expense.expenseId]!;
        if (e.escalatedSteps.includes(step)) return { project: p, events: [], result: undefined };
        e.escalatedSteps.push(step);
        escalated++;
        const event = ExpenseReviewOverdue.create({ compoundId: p.compoundId, projectId: p.projectId, expenseId: e.expenseId, step, dueAt: e.stepDueAt }, ctx(p.compoundId, 'schedule:review-escalation', `overdue-${p.compoundId}-${e.expenseId}-${step}`, p.correlationId));
        return { project: p, events: [event], result: undefined };
      });
    }
  }
  return escalated;
}

// ---- the levy --------------------------------------------------------------------------------------------

/** Unpaid this many whole months after the month charged, a levy becomes arrears. */
const ARREARS_AFTER_MONTHS = 2;

/** Charge every unit of every compound with a levy for `period` (YYYY-MM), once. */
export async function runLevy(period: string): Promise<{ compounds: number; charged: number; arrears: number }> {
  let charged = 0;
  let arrears = 0;
  const levies = await store.allLevies();
  for (const levy of levies) {
    if (levy.since.slice(0, 7) > period) continue;
    const compound = await store.registry.getCompound(levy.compoundId);
    const roll = compound && (await store.registry.loadActiveRoll(compound));
    if (!roll) continue;
    const charges = roll.units.map((u) => ({ unit: u, fen: monthlyLevyFen(levy.rateFenPerM2Month, u.area) })).filter((c) => c.fen > 0);
    const total = charges.reduce((s, c) => s + c.fen, 0);
    if (total === 0) continue;
    // The month's total is fixed by the roll, so the entry is the same however often this runs.
    await store.append(levy.compoundId, 'small_maintenance', {
      kind: 'levy_charge',
      postings: [
        { account: 'levy_receivable', amountFen: total },
        { account: 'income:levy', amountFen: -total },
      ],
      memo: `small maintenance levy ${period}: ${charges.length} units at ${levy.rateFenPerM2Month} fen/m²/month`,
      sourceDocument: { type: 'levy_run', ref: `${levy.resolutionRef}#${period}` },
      actor: 'schedule:levy-monthly',
      clientRef: `levy-${period}`,
      at: clock.nowIso(),
    });
    for (const c of charges) if (await store.chargeUnit(levy.compoundId, c.unit.unitId, c.unit.ownerId, period, c.fen)) charged++;

    const cutoff = shiftMonths(period, -ARREARS_AFTER_MONTHS);
    for (const account of await store.levyAccounts(levy.compoundId)) {
      if (account.owedFen <= 0 || !account.owingSince || account.owingSince > cutoff || account.arrearsOpen) continue;
      const arrearsId = `levy-${account.unitId}-${account.owingSince}`;
      const event = ArrearsRecorded.create(
        { compoundId: levy.compoundId, ownerId: account.ownerId, unitId: account.unitId, kind: 'small_maintenance_levy', amountFen: account.owedFen, arrearsId },
        ctx(levy.compoundId, 'schedule:levy-monthly', `arrears-${levy.compoundId}-${arrearsId}`),
      );
      if (await store.setArrears(levy.compoundId, account.unitId, arrearsId, event)) arrears++;
    }
  }
  return { compounds: levies.length, charged, arrears };
}

function shiftMonths(period: string, months: number): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + months, 1));
  return d.toISOString().slice(0, 7);
}

export async function payLevy(compoundId: string, unitId: string, amountFen: number, receiptRef: string, principal: Principal) {
  const outcome = await store.payUnit(compoundId, unitId, amountFen, receiptRef);
  if (outcome === 'unknown') throw notFound(`unit ${unitId} has no levy account`);
  if (outcome === 'too_much') throw ruleBroken(`the payment is more than unit ${unitId} owes`, [{ field: 'body.amountFen', reason: 'more than owed' }]);
  // 'paid' or a retry ('duplicate'): the ledger entry is idempotent by the receipt.
  const { entry } = await store.append(compoundId, 'small_maintenance', {
    kind: 'levy_payment',
    postings: [
      { account: 'cash', amountFen },
      { account: 'levy_receivable', amountFen: -amountFen },
    ],
    memo: `levy paid for unit ${unitId}`,
    sourceDocument: { type: 'receipt', ref: receiptRef },
    actor: principal.subject,
    clientRef: `levy-pay-${receiptRef}`,
    at: clock.nowIso(),
  });
  const account = (await store.getLevyAccount(compoundId, unitId))!;
  if (account.owedFen === 0 && account.arrearsOpen) {
    const event = ArrearsCleared.create({ compoundId, ownerId: account.ownerId, unitId, arrearsId: account.arrearsOpen }, ctx(compoundId, principal.subject, `arrears-cleared-${compoundId}-${account.arrearsOpen}`));
    await store.setArrears(compoundId, unitId, undefined, event);
  }
  return { entry, account: { ...account, arrearsOpen: account.owedFen === 0 ? undefined : account.arrearsOpen } };
}

// ---- disclosure ----------------------------------------------------------------------------------------

export interface FundDisclosure {
  fund: Fund;
  incomeBySource: Record<string, number>;
  costsByKind: Record<string, number>;
  payments: { projectId: string; expenseId: string; payee: string; amountFen: number; purpose: string; approvals: { step: string; by: string; at: string }[]; paidAt: string; entrySeq: number }[];
  balances: Record<string, number>;
  cashFen: number;
  surplusFen: number;
  headHash: string;
  entries: number;
}

export async function discloseFund(compoundId: string, fund: Fund, from: string, to: string, projects: readonly Project[]): Promise<FundDisclosure> {
  const entries = (await store.allEntries(compoundId, fund)).filter((e) => e.at < to);
  const inPeriod = entries.filter((e) => e.at >= from);
  const incomeBySource: Record<string, number> = {};
  const costsByKind: Record<string, number> = {};
  for (const e of inPeriod) {
    for (const p of e.postings) {
      if (p.account.startsWith('income:')) incomeBySource[p.account.slice(7)] = (incomeBySource[p.account.slice(7)] ?? 0) - p.amountFen;
      if (p.account.startsWith('costs:')) costsByKind[p.account.slice(6)] = (costsByKind[p.account.slice(6)] ?? 0) + p.amountFen;
    }
  }
  const payments = projects
    .filter((p) => p.fund === fund)
    .flatMap((p) => Object.values(p.expenses).map((e) => ({ p, e })))
    .filter(({ e }) => e.paid && e.paid.at >= from && e.paid.at < to)
    .map(({ p, e }) => ({ projectId: p.projectId, expenseId: e.expenseId, payee: e.payee, amountFen: e.amountFen, purpose: e.purpose, approvals: e.approvals, paidAt: e.paid!.at, entrySeq: e.paid!.entrySeq }));
  const last = entries.at(-1);
  const balances = last?.balances ?? {};
  return { fund, incomeBySource, costsByKind, payments, balances, cashFen: balances.cash ?? 0, surplusFen: available(balances), headHash: last?.hash ?? '0'.repeat(64), entries: entries.length };
}

/** Quarterly: publish each compound's disclosure for the quarter just ended, once. */
export async function publishDisclosures(): Promise<number> {
  const quarter = previousQuarter(clock.nowIso());
  let published = 0;
  for (const compound of await store.registry.compoundsIn({})) {
    const projects = await store.projectsOf(compound.compoundId);
    const funds: FundDisclosure[] = [];
    for (const fund of FUNDS) {
      const d = await discloseFund(compound.compoundId, fund, quarter.from, quarter.to, projects);
      if (d.entries > 0) funds.push(d);
    }
    if (funds.length === 0) continue;
    const event = DisclosurePublished.create(
      { compoundId: compound.compoundId, period: quarter.label, funds: funds.map((f) => ({ fund: f.fund, headHash: f.headHash, cashFen: f.cashFen })) },
      ctx(compound.compoundId, 'schedule:disclosure-quarterly', `disclosure-${compound.compoundId}-${quarter.label}`),
    );
    const disclosure = { compoundId: compound.compoundId, period: quarter.label, from: quarter.from, to: quarter.to, funds, publishedAt: clock.nowIso() };
    if (await store.putDisclosure(compound.compoundId, quarter.label, disclosure, event)) published++;
  }
  return published;
}
