import { officialScope } from '../../libs/auth';
import { clock } from '../../libs/clock';
import { httpApi, implement } from '../../libs/http/api';
import { conflict, forbidden, notFound, ruleBroken } from '../../libs/errors';
import { toCsv, yuan } from '../../libs/csv';
import { available, FUNDS, reversalOf, verifyLedger, type Fund } from './domain/ledger';
import { confirmEmergency, payExpense, payLevy, requireProject, reviewExpense, submitExpense, type FundDisclosure } from './operations';
import * as store from './store';
import { INCOME_SOURCES, routes } from './topology';


async function fundSummary(compoundId: string, fund: Fund) {
  const head = await store.headEntry(compoundId, fund);
  const balances = head?.balances ?? {};
  return { fund, entries: head?.seq ?? 0, headHash: head?.hash, balances, cashFen: balances.cash ?? 0, availableFen: available(balances) };
}

const fundsSummary = implement(routes.fundsSummary, async ({ params }) => ({
  body: { compoundId: params.compoundId, funds: await Promise.all(FUNDS.map((f) => fundSummary(params.compoundId, f))), asOf: clock.nowIso() },
}));

const listEntries = implement(routes.listEntries, async ({ params, query }) => ({
  body: await store.pageEntries(params.compoundId, params.fund, query.limit, query.cursor),
}));

const exportLedger = implement(routes.exportLedger, async ({ params }) => ({
  body: { compoundId: params.compoundId, fund: params.fund, exportedAt: clock.nowIso(), entries: await store.allEntries(params.compoundId, params.fund) },
}));

const verifyLedgerRoute = implement(routes.verifyLedger, async ({ params }) => ({
  body: verifyLedger(await store.allEntries(params.compoundId, params.fund)),
}));

const recordIncome = implement(routes.recordIncome, async ({ params, body, principal }) => {
  if (!INCOME_SOURCES[params.fund].includes(body.source)) {
    throw ruleBroken(`${params.fund} takes income from ${INCOME_SOURCES[params.fund].join(', ')}`, [{ field: 'body.source', reason: 'not a source of this fund' }]);
  }
  if (body.costsFen >= body.grossFen) throw ruleBroken('costs must be less than the gross income', [{ field: 'body.costsFen', reason: 'not less than grossFen' }]);
  if (body.costsFen > 0 && !body.costKind) throw ruleBroken('say what the costs were', [{ field: 'body.costKind', reason: 'required with costs' }]);
  const postings = [
    { account: 'cash', amountFen: body.grossFen - body.costsFen },
    ...(body.costsFen > 0 ? [{ account: `costs:${body.costKind}`, amountFen: body.costsFen }] : []),
    { account: `income:${body.source}`, amountFen: -body.grossFen },
  ];
  const { entry, replayed } = await store.append(params.compoundId, params.fund, {
    kind: params.fund === 'neighbours' ? 'donation' : params.fund === 'maintenance' ? 'deposit' : 'income',
    postings,
    memo: body.memo,
    sourceDocument: body.sourceDocument,
    actor: principal.subject,
    clientRef: body.clientRef,
    at: clock.nowIso(),
  });
  return { status: replayed ? 200 : 201, body: entry };
});

const reverseEntry = implement(routes.reverseEntry, async ({ params, body, principal }) => {
  const target = await store.getEntry(params.compoundId, params.fund, body.seq);
  if (!target) throw notFound(`entry ${body.seq} does not exist`);
  if (target.kind === 'reversal') throw ruleBroken('a reversal is not reversed; record the correct entry instead');
  if (target.kind === 'payment' || target.kind === 'reservation') throw ruleBroken('payments and reservations follow the review process and are not reversed here');
  const { entry, replayed } = await store.append(params.compoundId, params.fund, reversalOf(target, principal.subject, body.reason, body.clientRef, clock.nowIso()));
  return { status: replayed ? 200 : 201, body: entry };
});

const listProjects = implement(routes.listProjects, async ({ params, query }) => ({ body: await store.pageProjects(params.compoundId, query.limit, query.cursor) }));

const getProject = implement(routes.getProject, async ({ params }) => {
  const { version: _v, ...project } = await requireProject(params.compoundId, params.projectId);
  return { body: { ...project, remainingFen: project.approvedFen - project.committedFen } };
});

const reportEmergency = implement(routes.reportEmergency, async ({ params, body, principal }) => {
  const now = clock.nowIso();
  const created = await store.createProject(
    {
      compoundId: params.compoundId,
      projectId: body.projectId,
      fund: body.fund,
      title: `emergency: ${body.category.replaceAll('_', ' ')}`,
      approvedFen: body.amountFen,
      basis: 'emergency',
      basisRef: `emergency/${params.compoundId}/${body.projectId}`,
      status: 'awaiting_confirmation',
      emergency: { category: body.category, description: body.description, reportedBy: principal.subject },
      committedFen: 0,
      expenses: {},
      createdAt: now,
      correlationId: `emergency-${params.compoundId}-${body.projectId}`,
    },
    [],
  );
  if (!created) throw conflict(`project ${body.projectId} already exists`);
  return { status: 201, body: { projectId: body.projectId, status: 'awaiting_confirmation' } };
});

const confirmEmergencyRoute = implement(routes.confirmEmergency, async ({ params, principal }) => {
  const { version: _v, ...project } = await confirmEmergency(params.compoundId, params.projectId, principal);
  return { body: project };
});

const submitExpenseRoute = implement(routes.submitExpense, async ({ params, body, principal }) => ({
  status: 201,
  body: await submitExpense(params.compoundId, params.projectId, body, principal),
}));

const reviewExpenseRoute = implement(routes.reviewExpense, async ({ params, body, principal }) => ({
  status: 201,
  body: await reviewExpense(params.compoundId, params.projectId, params.expenseId, body.decision, body.reason, principal),
}));

const payExpenseRoute = implement(routes.payExpense, async ({ params, body, principal }) => ({
  body: await payExpense(params.compoundId, params.projectId, params.expenseId, body.paymentRef, principal),
}));

const listExpenses = implement(routes.listExpenses, async ({ params, query }) => {
  const items = (await store.projectsOf(params.compoundId)).flatMap((p) => Object.values(p.expenses).map((e) => ({ projectId: p.projectId, fund: p.fund, ...e })));
  return { body: { items: query.status ? items.filter((e) => e.status === query.status) : items } };
});

const levySummary = implement(routes.levySummary, async ({ params }) => {
  const levy = await store.getLevy(params.compoundId);
  if (!levy) throw notFound(`compound ${params.compoundId} has no small-maintenance levy (it needs a 3/4 resolution of matter 6)`);
  const accounts = await store.levyAccounts(params.compoundId);
  const sum = (k: 'chargedFen' | 'paidFen' | 'owedFen') => accounts.reduce((s, a) => s + (a[k] ?? 0), 0);
  return {
    body: { ...levy, units: accounts.length, chargedFen: sum('chargedFen'), paidFen: sum('paidFen'), owedFen: sum('owedFen'), unitsInArrears: accounts.filter((a) => a.arrearsOpen).length },
  };
});

const levyAccount = implement(routes.levyAccount, async ({ params, principal, location }) => {
  const account = await store.getLevyAccount(params.compoundId, params.unitId);
  if (!account) throw notFound(`unit ${params.unitId} has no levy account`);
  const others = principal.grantsFor(['committee', 'property', 'community', 'street', 'district', 'inspector', 'bureau'], location);
  if (others.length === 0 && principal.ownerIdIn(params.compoundId) !== account.ownerId) throw forbidden('an owner may read only their own units’ accounts');
  return { body: account };
});

const payLevyRoute = implement(routes.payLevy, async ({ params, body, principal }) => ({
  status: 201,
  body: await payLevy(params.compoundId, body.unitId, body.amountFen, body.receiptRef, principal),
}));

const listDisclosures = implement(routes.listDisclosures, async ({ params, query }) => ({ body: await store.pageDisclosures(params.compoundId, query.limit, query.cursor) }));

const getDisclosure = implement(routes.getDisclosure, async ({ params, query }) => {
  const disclosure = await store.getDisclosure(params.compoundId, params.period);
  if (!disclosure) throw notFound(`no disclosure for ${params.period}`);
  if (query.format === 'csv') {
    const rows: (string | number)[][] = [];
    for (const f of disclosure.funds as FundDisclosure[]) {
      for (const [source, fen] of Object.entries(f.incomeBySource)) rows.push([f.fund, 'income', source, yuan(fen), '']);
      for (const [kind, fen] of Object.entries(f.costsByKind)) rows.push([f.fund, 'cost', kind, yuan(fen), '']);
      for (const p of f.payments) rows.push([f.fund, 'payment', `${p.projectId}/${p.expenseId} to ${p.payee}: ${p.purpose}`, yuan(p.amountFen), p.approvals.map((a) => `${a.step} by ${a.by} at ${a.at}`).join('; ')]);
      rows.push([f.fund, 'balance', 'cash', yuan(f.cashFen), ''], [f.fund, 'balance', 'surplus (available)', yuan(f.surplusFen), ''], [f.fund, 'chain head', `${f.entries} entries`, '', f.headHash]);
    }
    return { contentType: 'text/csv; charset=utf-8', body: toCsv(['fund', 'line', 'item', 'yuan', 'detail'], rows) };
  }
  return { body: disclosure };
});

const fundsReport = implement(routes.fundsReport, async ({ query, principal }) => {
  const { districtId, streetId } = officialScope(principal, query);
  let compounds = await store.registry.compoundsIn({ districtId, streetId });
  if (streetId) compounds = compounds.filter((c) => c.streetId === streetId);
  const byFund = Object.fromEntries(FUNDS.map((f) => [f, { cashFen: 0, collectedFen: 0, surplusFen: 0 }]));
  let repairsPaid = 0;
  let repairsPaidFen = 0;
  for (const c of compounds) {
    for (const fund of FUNDS) {
      const entries = await store.allEntries(c.compoundId, fund);
      const balances = entries.at(-1)?.balances ?? {};
      byFund[fund]!.cashFen += balances.cash ?? 0;
      byFund[fund]!.surplusFen += available(balances);
      for (const [account, value] of Object.entries(balances)) if (account.startsWith('income:')) byFund[fund]!.collectedFen -= value;
    }
    for (const p of await store.projectsOf(c.compoundId)) {
      const paid = Object.values(p.expenses).filter((e) => e.status === 'paid');
      if (paid.length) repairsPaid++;
      repairsPaidFen += paid.reduce((s, e) => s + e.amountFen, 0);
    }
  }
  return {
    body: {
      scope: { districtId, streetId },
      compounds: compounds.length,
      publicRevenueHeldFen: byFund.public_revenue!.cashFen,
      funds: byFund,
      repairsPaid,
      repairsPaidFen,
      asOf: clock.nowIso(),
    },
  };
});

export const handler = httpApi({
  service: 'funds',
  idempotency: true,
  locate: (compoundId) => store.registry.locateCompound(compoundId),
  implementations: [
    fundsSummary,
    listEntries,
    exportLedger,
    verifyLedgerRoute,
    recordIncome,
    reverseEntry,
    listProjects,
    getProject,
    reportEmergency,
    confirmEmergencyRoute,
    submitExpenseRoute,
    reviewExpenseRoute,
    payExpenseRoute,
    listExpenses,
    levySummary,
    levyAccount,
    payLevyRoute,
    listDisclosures,
    getDisclosure,
    fundsReport,
  ],
});
