import * as z from '../../events/zod';
import {
  ArrearsCleared,
  ArrearsRecorded,
  DisclosurePublished,
  EmergencyReported,
  ExpensePaid,
  ExpenseReviewed,
  ExpenseReviewOverdue,
  ExpenseSubmitted,
  ExpenseTierRaised,
  LedgerEntryRecorded,
  LevyMonthCharged,
  LevyStarted,
  ProjectAuthorized,
  ResolutionNotActedOn,
  ResolutionPassed,
} from '../../events/catalogue';
import type { Role } from '../../libs/auth';
import { pageQuery } from '../../libs/http/page-query';
import { id } from '../../libs/ids';
import type { RouteDecl, ServiceTopology } from '../../libs/topology';
import { REGISTRY_EVENTS } from '../registry/kit/events';
import { COST_KINDS } from './domain/income';
import { FUNDS } from './domain/ledger';

/** A caller's reference: no "@" (references beginning with "@" are the service's own, see domain/ids.ts). */
const ref = z.string().check(z.regex(/^[\w./:#-]{1,128}$/, 'a reference: letters, digits and ._/:#-'));
const fund = z.enum(FUNDS);
const quarterLabel = z.string().check(z.regex(/^\d{4}-Q[1-4]$/, 'a quarter: 2027-Q1'));
const compoundParams = z.strictObject({ compoundId: id });
const fundParams = z.strictObject({ compoundId: id, fund });
const projectParams = z.strictObject({ compoundId: id, projectId: id });
const expenseParams = z.strictObject({ compoundId: id, projectId: id, expenseId: id });
const format = z.strictObject({ format: z._default(z.enum(['json', 'csv']), 'json') });
const sourceDocument = z.strictObject({
  type: z.enum(['invoice', 'receipt', 'contract', 'bank_statement', 'resolution', 'other']),
  ref: ref,
});
const levyLine = z.strictObject({ unitId: id, amountFen: z.int().check(z.positive(), z.maximum(1e11)) });

/** Disclosure is public to the owners of the compound (SPC art. 13) and to officials. */
const inCompound: Role[] = ['owner', 'committee', 'property', 'community', 'street', 'district', 'inspector', 'bureau'];

export { INCOME_SOURCES } from './domain/income';

export const EMERGENCIES = ['lift_unsafe', 'water_or_drainage_failure', 'fire_system_hazard', 'roof_or_wall_leak', 'basement_flooding', 'facade_falling'] as const;

/** At most this many receipts in one batch (one journal entry). */
export const MAX_BATCH_LINES = 2_000;

export const routes = {
  fundsSummary: {
    operationId: 'fundsSummary',
    method: 'GET',
    path: '/compounds/{compoundId}/funds',
    summary: 'Balances, figures (held, collected, levy charged/paid/owed) and chain head of each of the compound’s funds',
    allow: inCompound,
    params: compoundParams,
  },
  listEntries: {
    operationId: 'listEntries',
    method: 'GET',
    path: '/compounds/{compoundId}/funds/{fund}/entries',
    summary: 'The journal of a fund, oldest first, a page at a time',
    allow: inCompound,
    params: fundParams,
    query: pageQuery,
  },
  exportLedger: {
    operationId: 'exportLedger',
    method: 'GET',
    path: '/compounds/{compoundId}/funds/{fund}/export',
    summary: 'The journal for `npm run verify -- ledger`, in pages of at most ~4 MB (follow nextCursor; `pageBytes` asks for smaller pages)',
    allow: inCompound,
    params: fundParams,
    query: z.strictObject({
      cursor: z.optional(z.string().check(z.maxLength(2048))),
      pageBytes: z._default(z.coerce.number().check(z.int(), z.minimum(1_000), z.maximum(4_000_000)), 4_000_000),
    }),
  },
  verifyLedger: {
    operationId: 'verifyLedger',
    method: 'GET',
    path: '/compounds/{compoundId}/funds/{fund}/verify',
    summary: 'Recompute the chain and the balances of up to 5,000 entries after the cursor; report the first bad entry, if any',
    allow: inCompound,
    params: fundParams,
    query: z.strictObject({ cursor: z.optional(z.string().check(z.maxLength(2048))) }),
  },
  recordIncome: {
    operationId: 'recordIncome',
    method: 'POST',
    path: '/compounds/{compoundId}/funds/{fund}/income',
    summary:
      'Record income by source, less reasonable costs; idempotent by clientRef. The maintenance fund by the city fund centre (bureau), public revenue by the property company or committee, the others by the committee',
    allow: ['committee', 'property', 'bureau'],
    unaudited:
      'appends to a ledger are committed in groups (services/funds/store/ledger.ts): the request that leads a group publishes every entry’s LedgerEntryRecorded, so the others publish nothing themselves',
    params: fundParams,
    body: z.strictObject({
      clientRef: ref,
      source: z.string().check(z.minLength(1), z.maxLength(32)),
      grossFen: z.int().check(z.positive(), z.maximum(1e13)),
      costsFen: z._default(z.int().check(z.nonnegative(), z.maximum(1e13)), 0),
      costKind: z.optional(z.enum(COST_KINDS)),
      memo: z.string().check(z.minLength(3), z.maxLength(500)),
      sourceDocument,
    }),
    successStatus: 201,
  },
  reverseEntry: {
    operationId: 'reverseEntry',
    method: 'POST',
    path: '/compounds/{compoundId}/funds/{fund}/reversals',
    summary: 'Correct an entry by its reversing entry (entries are never edited; an entry is reversed at most once)',
    allow: ['committee', 'street'],
    params: fundParams,
    body: z.strictObject({ clientRef: ref, seq: z.int().check(z.positive()), reason: z.string().check(z.minLength(5), z.maxLength(500)) }),
    successStatus: 201,
  },
  listProjects: {
    operationId: 'listProjects',
    method: 'GET',
    path: '/compounds/{compoundId}/projects',
    summary: 'Authorized projects and emergencies awaiting confirmation',
    allow: inCompound,
    params: compoundParams,
    query: pageQuery,
  },
  getProject: {
    operationId: 'getProject',
    method: 'GET',
    path: '/compounds/{compoundId}/projects/{projectId}',
    summary: 'A project: approved, committed and remaining amounts',
    allow: inCompound,
    params: projectParams,
  },
  listProjectExpenses: {
    operationId: 'listProjectExpenses',
    method: 'GET',
    path: '/compounds/{compoundId}/projects/{projectId}/expenses',
    summary: 'A project’s expenses with their reviews, a page at a time',
    allow: inCompound,
    params: projectParams,
    query: pageQuery,
  },
  getExpense: {
    operationId: 'getExpense',
    method: 'GET',
    path: '/compounds/{compoundId}/projects/{projectId}/expenses/{expenseId}',
    summary: 'An expense: its tier, each review with its reason, and the step and role due next',
    allow: inCompound,
    params: expenseParams,
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
    summary: 'Approve or reject the step now due, with a reason (community reviewer, branch and residents’ committee, street office)',
    allow: ['community', 'street'],
    params: expenseParams,
    body: z.strictObject({ decision: z.enum(['approve', 'reject']), reason: z.string().check(z.minLength(3), z.maxLength(1000)) }),
    successStatus: 201,
  },
  payExpense: {
    operationId: 'payExpense',
    method: 'POST',
    path: '/compounds/{compoundId}/projects/{projectId}/expenses/{expenseId}/pay',
    summary: 'Pay a fully approved expense: a journal entry, once whatever the retries',
    allow: ['committee'],
    params: expenseParams,
    body: z.strictObject({ paymentRef: ref }),
  },
  listExpenses: {
    operationId: 'listExpenses',
    method: 'GET',
    path: '/compounds/{compoundId}/expenses',
    summary: 'Expenses of the compound, by status, a page at a time (the inspector and reviewers see everything here)',
    allow: inCompound,
    params: compoundParams,
    query: z.strictObject({ status: z.optional(z.enum(['submitting', 'in_review', 'approved', 'rejected', 'paying', 'paid'])), limit: pageQuery.shape.limit, cursor: pageQuery.shape.cursor }),
  },
  pendingReviews: {
    operationId: 'pendingReviews',
    method: 'GET',
    path: '/reviews/pending',
    summary: 'Expenses awaiting the caller’s step across compounds: a community reviewer’s community, a street office’s street; oldest due first',
    allow: ['community', 'street'],
    query: z.strictObject({ grant: z.optional(z.string().check(z.regex(/^(community|street):[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/))), limit: pageQuery.shape.limit, cursor: pageQuery.shape.cursor }),
  },
  levySummary: {
    operationId: 'levySummary',
    method: 'GET',
    path: '/compounds/{compoundId}/levy',
    summary: 'The small-maintenance levy: rate, charged, paid, owed, in advance, units in arrears (checked against the journal)',
    allow: inCompound,
    params: compoundParams,
  },
  levyAccount: {
    operationId: 'levyAccount',
    method: 'GET',
    path: '/compounds/{compoundId}/levy/units/{unitId}',
    summary: 'A unit’s levy account: who pays (the developer before delivery), charged, paid, owed, since when (its owner, the committee, the property company, officials)',
    allow: inCompound,
    params: z.strictObject({ compoundId: id, unitId: id }),
  },
  payLevy: {
    operationId: 'payLevy',
    method: 'POST',
    path: '/compounds/{compoundId}/levy/payments',
    summary: 'Record a levy receipt for one unit, or one receipt for several units (`lines`); up to 12 months ahead; each receipt once per compound',
    allow: ['property', 'committee'],
    unaudited:
      'appends to a ledger are committed in groups (services/funds/store/ledger.ts): the request that leads a group publishes every entry’s LedgerEntryRecorded, so the others publish nothing themselves',
    params: compoundParams,
    body: z.union([
      z.strictObject({ receiptRef: ref, unitId: id, amountFen: z.int().check(z.positive(), z.maximum(1e11)) }),
      z.strictObject({ receiptRef: ref, lines: z.array(levyLine).check(z.minLength(1), z.maxLength(50)) }),
    ]),
    successStatus: 201,
  },
  payLevyBatch: {
    operationId: 'payLevyBatch',
    method: 'POST',
    path: '/compounds/{compoundId}/levy/payments/batch',
    summary: 'Record a CSV of receipts (receipt,unit,amount in yuan) as one journal entry: all lines or none, with a per-line report of what is wrong',
    allow: ['property', 'committee'],
    params: compoundParams,
    query: z.strictObject({ batchRef: ref }),
    bodyType: 'csv',
    maxBodyBytes: 512 * 1024,
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
    summary: 'A quarterly disclosure (公示): income by source, the levy charged, paid and owed, expenses with approvals and reasons, balances, surplus, chain heads (JSON or CSV)',
    allow: inCompound,
    params: z.strictObject({ compoundId: id, period: quarterLabel }),
    query: format,
  },
  fundsReport: {
    operationId: 'fundsReport',
    method: 'GET',
    path: '/reports/funds',
    summary: 'Public revenue held, money collected, the levy charged/paid/owed, repairs paid — per street, district or city (from per-compound summaries)',
    allow: ['street', 'district', 'bureau'],
    query: z.strictObject({ districtId: z.optional(id), streetId: z.optional(id) }),
  },
  fundsByQuarter: {
    operationId: 'fundsByQuarter',
    method: 'GET',
    path: '/reports/funds/quarters',
    summary:
      'Funds quarter by quarter from the quarterly disclosures — collected, costs, paid out, the levy charged/paid/owed at the end, held at the end, compounds disclosed — per street, district or city; from/to in Beijing quarters (default the last 8 ended, at most 12)',
    allow: ['street', 'district', 'bureau'],
    query: z.strictObject({ districtId: z.optional(id), streetId: z.optional(id), from: z.optional(quarterLabel), to: z.optional(quarterLabel) }),
  },
} as const satisfies Record<string, RouteDecl>;

const PUBLISHED = [
  ProjectAuthorized,
  EmergencyReported,
  ExpenseSubmitted,
  ExpenseTierRaised,
  ExpenseReviewed,
  ExpenseReviewOverdue,
  ExpensePaid,
  LedgerEntryRecorded,
  LevyStarted,
  LevyMonthCharged,
  DisclosurePublished,
  ArrearsRecorded,
  ArrearsCleared,
  ResolutionNotActedOn,
];

/** Schedules read their cron fields in Beijing time: a month or a quarter starts at 00:00 there. */
const BEIJING = 'Asia/Shanghai';

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
      description: 'Keeps the compounds and their rolls (units, areas, holders) for the levy, and where each compound is for the reports',
      pattern: { source: ['gongzhi.registry'], 'detail-type': REGISTRY_EVENTS.map((e) => e.detailType) },
    },
    {
      name: 'resolutions',
      entry: 'services/funds/consume-resolutions.ts',
      table: { level: 'read-write', indexes: ['gsi1'] },
      description: 'Authorizes projects approved by owners’ resolutions of the right matter and starts levies they approve',
      pattern: { source: [ResolutionPassed.source], 'detail-type': [ResolutionPassed.detailType] },
    },
  ],
  schedules: [
    {
      name: 'levy-clock',
      entry: 'services/funds/levy-clock.ts',
      table: { level: 'read-write', indexes: ['gsi1', 'due'] },
      description: 'Daily at 02:00 Beijing time: queues each compound whose next levy month has begun (or whose run failed), one unit each',
      expression: 'cron(0 2 * * ? *)',
      timeZone: BEIJING,
      sendsTo: ['levy-compounds'],
    },
    {
      name: 'review-clock',
      entry: 'services/funds/review-clock.ts',
      table: { level: 'read-write', indexes: ['gsi1', 'due'] },
      description: 'Every 15 minutes: queues expenses whose review step is overdue (5 working days) or whose submission, payment or release a crash left half-done',
      expression: 'rate(15 minutes)',
      timeZone: BEIJING,
      sendsTo: ['expense-steps'],
    },
    {
      name: 'disclosure-clock',
      entry: 'services/funds/disclosure-clock.ts',
      table: { level: 'read-write', indexes: ['gsi1', 'due'] },
      description: 'Daily at 04:00 Beijing time: queues each compound with a quarter ended and not yet disclosed (on 1 Jan, Apr, Jul, Oct; later if a run failed)',
      expression: 'cron(0 4 * * ? *)',
      timeZone: BEIJING,
      sendsTo: ['disclosure-compounds'],
    },
  ],
  queues: [
    {
      name: 'levy-compounds',
      entry: 'services/funds/levy-compound.ts',
      table: { level: 'read-write', indexes: ['gsi1'] },
      description: 'Charges one compound every levy month begun and not yet charged, brings its unit accounts up to date and records arrears',
      batchSize: 2,
      maxConcurrency: 5,
      timeoutSeconds: 300,
    },
    {
      name: 'expense-steps',
      entry: 'services/funds/expense-step.ts',
      table: { level: 'read-write', indexes: ['gsi1'] },
      description: 'Escalates one overdue review step, or completes one expense’s interrupted submission, payment or release',
      batchSize: 10,
      maxConcurrency: 5,
    },
    {
      name: 'disclosure-compounds',
      entry: 'services/funds/disclosure-compound.ts',
      table: { level: 'read-write', indexes: ['gsi1'] },
      description: 'Publishes one compound’s disclosures for every quarter ended and not yet disclosed',
      batchSize: 2,
      maxConcurrency: 5,
      timeoutSeconds: 300,
    },
  ],
  publishes: PUBLISHED.map((e) => e.detailType),
};
