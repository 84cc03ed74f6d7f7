import { clock } from '../../../libs/clock';
import { implement } from '../../../libs/http/api';
import { verifyLedger } from '../domain/ledger';
import { fundsSummary, recordIncome, reverseEntry } from '../operations/ledger';
import * as ledger from '../store/ledger';
import { routes } from '../topology';
import { replayHeaders } from './replay';

const VERIFY_PAGE_ENTRIES = 5_000;

export const ledgerRoutes = [
  implement(routes.fundsSummary, async ({ params }) => ({ body: { compoundId: params.compoundId, funds: await fundsSummary(params.compoundId), asOf: clock.nowIso() } })),

  implement(routes.listEntries, async ({ params, query }) => ({ body: await ledger.pageEntries(params.compoundId, params.fund, query.limit, query.cursor) })),

  implement(routes.exportLedger, async ({ params, query }) => {
    // A page stays well under Lambda's 6 MB response payload (4 MB of entries at most).
    const page = await ledger.pageEntriesBySize(params.compoundId, params.fund, query.pageBytes, query.cursor);
    return { body: { compoundId: params.compoundId, fund: params.fund, exportedAt: clock.nowIso(), entries: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }),

  implement(routes.verifyLedger, async ({ params, query }) => {
    // A window at a time, continuing from the stored entry before it (the CLI checks the whole chain from the export).
    const page = await ledger.pageEntries(params.compoundId, params.fund, VERIFY_PAGE_ENTRIES, query.cursor);
    const firstSeq = page.items[0]?.seq ?? 1;
    const before = firstSeq > 1 ? await ledger.getEntry(params.compoundId, params.fund, firstSeq - 1) : undefined;
    return { body: { ...verifyLedger(page.items, before), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }),

  implement(routes.recordIncome, async ({ params, body, principal, location }) => {
    const { entry, replayed } = await recordIncome(params.compoundId, params.fund, body, principal, location!);
    return { status: replayed ? 200 : 201, headers: replayHeaders(replayed), body: entry };
  }),

  implement(routes.reverseEntry, async ({ params, body, principal }) => {
    const { entry, replayed } = await reverseEntry(params.compoundId, params.fund, body, principal);
    return { status: replayed ? 200 : 201, headers: replayHeaders(replayed), body: entry };
  }),
];
