import { forbidden, notFound, ruleBroken } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { parseReceipts } from '../domain/receipts';
import { levySummary, recordPayments, unitAccount, unitView } from '../operations/levy-accounts';
import { MAX_BATCH_LINES, routes } from '../topology';
import { replayHeaders } from './replay';

export const levyRoutes = [
  implement(routes.levySummary, async ({ params }) => ({ body: await levySummary(params.compoundId) })),

  implement(routes.levyAccount, async ({ params, principal, location }) => {
    const account = await unitAccount(params.compoundId, params.unitId);
    if (!account) throw notFound(`unit ${params.unitId} has no levy account yet`);
    const officials = principal.grantsFor(['committee', 'property', 'community', 'street', 'district', 'inspector', 'bureau'], location);
    const owner = principal.ownerIdIn(params.compoundId);
    // The payer (the developer before delivery) and the owner of record (the buyer) may read it.
    if (officials.length === 0 && (!owner || (owner !== account.ownerId && owner !== account.payerId))) throw forbidden('an owner may read only their own units’ accounts');
    return { body: unitView(account) };
  }),

  implement(routes.payLevy, async ({ params, body, principal }) => {
    const lines = 'lines' in body ? body.lines.map((l) => ({ ...l, receiptRef: body.receiptRef })) : [{ receiptRef: body.receiptRef, unitId: body.unitId, amountFen: body.amountFen }];
    const units = lines.map((l) => l.unitId).join(', ');
    const result = await recordPayments(params.compoundId, `receipt:${body.receiptRef}`, lines, principal, `levy receipt ${body.receiptRef} for ${units}`);
    return { status: result.replayed ? 200 : 201, headers: replayHeaders(result.replayed), body: { entry: result.entry, accounts: result.accounts, account: result.accounts[0] } };
  }),

  implement(routes.payLevyBatch, async ({ params, query, body, principal }) => {
    const { lines, errors } = parseReceipts(body, MAX_BATCH_LINES);
    if (lines.length === 0) throw ruleBroken(`${errors.length} problem(s) in the file; nothing was recorded`, errors);
    // The lines that parsed are checked against the accounts too: one report of every bad line.
    const result = await recordPayments(params.compoundId, `batch:${query.batchRef}`, lines, principal, `levy receipts, batch ${query.batchRef}: ${lines.length} line(s)`, errors);
    return {
      status: result.replayed ? 200 : 201,
      headers: replayHeaders(result.replayed),
      body: {
        batchRef: query.batchRef,
        lines: lines.length,
        totalFen: lines.reduce((s, l) => s + l.amountFen, 0),
        entry: { seq: result.entry.seq, hash: result.entry.hash },
        accounts: result.accounts,
      },
    };
  }),
];
