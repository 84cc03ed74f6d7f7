import * as z from '../../events/zod';
import { ArrearsCleared, ArrearsRecorded, DisclosurePublished, ExpensePaid, ExpenseReviewed, ExpenseReviewOverdue, ExpenseSubmitted, ProjectAuthorized, ResolutionPassed } from '../../events/catalogue';
import type { Role } from '../../libs/auth';
import { pageQuery } from '../../libs/http/page-query';
import { id } from '../../libs/ids';
import { REGISTRY_EVENTS } from '../registry/kit/events';
import type { RouteDecl, ServiceTopology } from '../../libs/topology';
import { FUNDS } from './domain/ledger';

const ref = z.string().check(z.regex(/^[\w./:#-]{1,128}$/, 'a reference: letters, digits and ._/:#-'));
const fund = z.enum(FUNDS);
const compoundParams = z.strictObject({ compoundId: id });
const fundParams = z.strictObject({ compoundId: id, fund });
const projectParams = z.strictObject({ compoundId: id, projectId: id });
const expenseParams = z.strictObject({ compoundId: id, projectId: id, expenseId: id });
const format = z.strictObject({ format: z._default(z.enum(['json', 'csv']), 'json') });
const sourceDocument = z.strictObject({
  type: z.enum(['invoice', 'receipt', 'contract', 'bank_statement', 'resolution', 'other']),
  ref: ref,
});

/** Disclosure is public to the owners of the compound (SPC art. 13) and to officials. */
const inCompound: Role[] = ['owner', 'committee', 'property', 'community', 'street', 'district', 'inspector', 'bureau'];

export const INCOME_SOURCES: Record<(typeof FUNDS)[number], readonly string[]> = {
  public_revenue: ['advertising', 'parking', 'stalls', 'lockers', 'base_stations', 'rents', 'interest'],
  neighbours: ['donations', 'interest'],
  maintenance: ['deposits', 'interest'],
  small_maintenance: ['interest'],
};

export const EMERGENCIES = ['lift_unsafe', 'water_or_drainage_failure', 'fire_system_hazard', 'roof_or_wall_leak', 'basement_flooding', 'facade_falling'] as const;

export const routes = {
  fundsSummary: {
    operationId: 'fundsSummary',
    method: 'GET',
    path: '/compounds/{compoundId}/funds',
    summary: 'Balances, available amount and chain head of each of the compound’s funds',
    allow: inCompound,
    params: compoundParams,
  },
  listEntries: {
    operationId: 'listEntries',
    method: 'GET',
    path: '/compounds/{compoundId}/funds/{fund}/entries',
    summary: 'The journal of a fund, oldest first',
    allow: inCompound,
    params: fundParams,
    query: pageQuery,
  },
  exportLedger: {
    operationId: 'exportLedger',
    method: 'GET',
    path: '/compounds/{compoundId}/funds/{fund}/export',
    summary: 'The whole journal, for `npm run verify -- ledger`',
    allow: inCompound,
    params: fundParams,
  },
  verifyLedger: {
    operationId: 'verifyLedger',
    method: 'GET',
    path: '/compounds/{compoundId}/funds/{fund}/verify',
    summary: 'Recompute the chain and the balances; report the first bad entry, if any',
    allow: inCompound,
    params: fundParams,
  },
  recordIncome: {
    operationId: 'recordIncome',
    method: 'POST',
    path: '/compounds/{compoundId}/funds/{fund}/income',
    summary: 'Record income by source, less reasonable costs (committee or property company); idempotent by clientRef',
    allow: ['committee', 'property'],
    params: fundParams,
    body: z.strictObject({
      clientRef: ref,
      source: z.string().check(z.minLength(1), z.maxLength(32)),
      grossFen: z.int().check(z.positive(), z.maximum(1e13)),
      costsFen: z._default(z.int().check(z.nonnegative(), z.maximum(1e13)), 0),
      costKind: z.optional(z.enum(['management', 'electricity', 'cleaning', 'commission', 'tax', 'other'])),
      memo: z.string().check(z.minLength(3), z.maxLength(500)),
      sourceDocument,
    }),
    successStatus: 201,
  },
  reverseEntry: {
    operationId: 'reverseEntry',
    method: 'POST',
    path: '/compounds/{compoundId}/funds/{fund}/reversals',
    summary: 'Correct an entry by a reversing entry (entries are never edited)',
    allow: ['committee', 'street'],
    params: fundParams,
    body: z.strictObject({ clientRef: ref, seq: z.int().check(z.positive()), reason: z.string().check(z.minLength(5), z.maxLength(500)) }),
    successStatus: 201,
  },
  listProjects: {
    operationId: 'listProjects',
    method: 'GET',
    path: '/compounds/{compoundId}/projects',
    summary: 'Authorized projects, emergencies awaiting confirmation, and their expenses',
    allow: inCompound,
    params: compoundParams,
    query: pageQuery,
  },
  getProject: {
    operationId: 'getProject',
    method: 'GET',
    path: '/compounds/{compoundId}/projects/{projectId}',
    summary: 'A project with its expenses and reviews',
    allow: inCompound,
    params: projectParams,
  },
  reportEmergency: {
    operationId: 'reportEmergency',
    method: 'POST',
    path: '/compounds/{compoundId}/emergencies',
    summary: 'Report an emergency repair (no vote); payable once the street office confirms it',
    allow: ['committee'],
    params: compoundParams,
    body: z.strictObject({
      projectId: id,
      fund: z.enum(['maintenance', 'small_maintenance']),
      category: z.enum(EMERGENCIES),
      amountFen: z.int().check(z.positive(), z.maximum(1e13)),
      description: z.string().check(z.minLength(10), z.maxLength(2000)),
    }),
    successStatus: 201,
  },
  confirmEmergency: {
    operationId: 'confirmEmergency',
    method: 'POST',
    path: '/compounds/{compoundId}/projects/{projectId}/confirm',
    summary: 'Confirm an emergency (street office); the use is disclosed afterwards',
    allow: ['street'],
    params: projectParams,
  },
  submitExpense: {
    operationId: 'submitExpense',
    method: 'POST',
    path: '/compounds/{compoundId}/projects/{projectId}/expenses',
    summary: 'Submit an expense for review (owners’ committee); tiered by the payee’s 30-day total',
    allow: ['committee'],
    params: projectParams,
    body: z.strictObject({
      expenseId: id,
      payee: z.string().check(z.minLength(2), z.maxLength(200)),
      amountFen: z.int().check(z.positive(), z.maximum(1e13)),
      purpose: z.string().check(z.minLength(5), z.maxLength(1000)),
      attachments: z._default(z.array(ref).check(z.maxLength(20)), []),
    }),
    successStatus: 201,
  },
  reviewExpense: {
    operationId: 'reviewExpense',
    method: 'POST',
    path: '/compounds/{compoundId}/projects/{projectId}/expenses/{expenseId}/reviews',
    summary: 'Approve or reject the step now due (community reviewer, branch and residents’ committee, street office)',
    allow: ['community', 'street'],
    params: expenseParams,
    body: z.strictObject({ decision: z.enum(['approve', 'reject']), reason: z.string().check(z.minLength(3), z.maxLength(1000)) }),
    successStatus: 201,
  },
  payExpense: {
    operationId: 'payExpense',
    method: 'POST',
    path: '/compounds/{compoundId}/projects/{projectId}/expenses/{expenseId}/pay',
    summary: 'Pay a fully approved expense: a journal entry',
    allow: ['committee'],
    params: expenseParams,
    body: z.strictObject({ paymentRef: ref }),
  },
  listExpenses: {
    operationId: 'listExpenses',
    method: 'GET',
    path: '/compounds/{compoundId}/expenses',
    summary: 'Expenses of the compound, by status (the inspector and reviewers see everything here)',
    allow: inCompound,
    params: compoundParams,
    query: z.strictObject({ status: z.optional(z.enum(['in_review', 'approved', 'rejected', 'paid'])) }),
  },
  levySummary: {
    operationId: 'levySummary',
    method: 'GET',
    path: '/compounds/{compoundId}/levy',
    summary: 'The small-maintenance levy: rate, charged, paid, owed, units in arrears',
    allow: inCompound,
    params: compoundParams,
  },
  levyAccount: {
    operationId: 'levyAccount',
    method: 'GET',
    path: '/compounds/{compoundId}/levy/units/{unitId}',
    summary: 'A unit’s levy account (its owner, the committee, the property company, officials)',
    allow: inCompound,
    params: z.strictObject({ compoundId: id, unitId: id }),
  },
  payLevy: {
    operationId: 'payLevy',
    method: 'POST',
    path: '/compounds/{compoundId}/levy/payments',
    summary: 'Record a levy payment by receipt (property company or committee); idempotent by receipt',
    allow: ['property', 'committee'],
    params: compoundParams,
    body: z.strictObject({ unitId: id, amountFen: z.int().check(z.positive(), z.maximum(1e11)), receiptRef: ref }),
    successStatus: 201,
  },
  listDisclosures: {
    operationId: 'listDisclosures',
    method: 'GET',
    path: '/compounds/{compoundId}/disclosures',
    summary: 'Published quarterly disclosures, newest first',
    allow: inCompound,
    params: compoundParams,
    query: pageQuery,
  },
  getDisclosure: {
    operationId: 'getDisclosure',
    method: 'GET',
    path: '/compounds/{compoundId}/disclosures/{period}',
    summary: 'A quarterly disclosure (公示): income by source, expenses with approvals, balances, surplus, chain heads (JSON or CSV)',
    allow: inCompound,
    params: z.strictObject({ compoundId: id, period: z.string().check(z.regex(/^\d{4}-Q[1-4]$/)) }),
    query: format,
  },
  fundsReport: {
    operationId: 'fundsReport',
    method: 'GET',
    path: '/reports/funds',
    summary: 'Public revenue held, funds collected, repairs paid, surplus — per street, district or city',
    allow: ['street', 'district', 'bureau'],
    query: z.strictObject({ districtId: z.optional(id), streetId: z.optional(id) }),
  },
} as const satisfies Record<string, RouteDecl>;

export const topology: ServiceTopology = {
  name: 'funds',
  source: 'gongzhi.funds',
  ownsTable: true,
  api: { entry: 'services/funds/api.ts', routes: Object.values(routes), table: { level: 'read-write', indexes: ['gsi1'] } },
  consumers: [
    {
      name: 'registry-read-model',
      entry: 'services/funds/consume-registry.ts',
      table: { level: 'read-write', indexes: ['gsi1'] },
      description: 'Keeps the compounds and their rolls (units, areas, holders) for the levy',
      pattern: { source: ['gongzhi.registry'], 'detail-type': REGISTRY_EVENTS.map((e) => e.detailType) },
    },
    {
      name: 'resolutions',
      entry: 'services/funds/consume-resolutions.ts',
      table: { level: 'read-write', indexes: ['gsi1'] },
      description: 'Authorizes projects approved by owners’ resolutions and starts levies they approve',
      pattern: { source: [ResolutionPassed.source], 'detail-type': [ResolutionPassed.detailType] },
    },
  ],
  schedules: [
    { name: 'levy-monthly', entry: 'services/funds/levy-monthly.ts', description: 'Charges the small-maintenance levy for the month and records arrears', expression: 'cron(0 2 1 * ? *)', table: { level: 'read-write', indexes: ['gsi1'] } },
    { name: 'review-escalation', entry: 'services/funds/review-escalation.ts', description: 'Escalates expense reviews waiting longer than 5 working days per step', expression: 'cron(0 3 * * ? *)', table: { level: 'read-write', indexes: ['gsi1'] } },
    { name: 'disclosure-quarterly', entry: 'services/funds/disclosure-quarterly.ts', description: 'Publishes each compound’s disclosure for the quarter just ended', expression: 'cron(0 4 1 1,4,7,10 ? *)', table: { level: 'read-write', indexes: ['gsi1'] } },
  ],
  publishes: [ProjectAuthorized, ExpenseSubmitted, ExpenseReviewed, ExpenseReviewOverdue, ExpensePaid, DisclosurePublished, ArrearsRecorded, ArrearsCleared].map((e) => e.detailType),
};
