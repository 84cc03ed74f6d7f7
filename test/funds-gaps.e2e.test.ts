import { clock } from '../libs/clock';
import * as ledgerStore from '../services/funds/store/ledger';
import { crashOn, fundsWorld, type FundsWorld } from './funds-kit';

/**
 * The gaps of the funds issue, end to end: reviewers' reasons and queues, levy receipts in batches
 * and in advance, an event for every change, and crashes between two writes completed by a retry
 * or by the clock.
 */
let w: FundsWorld;
let reviewerK2: string;
beforeAll(async () => {
  w = await fundsWorld();
  await w.compound('ga');
  await w.compound('gb');
  await w.compound('gc', { communityId: 'K2', streetId: 'S2' });
  reviewerK2 = await w.system.token(['community:K2'], 'community-reviewer-k2');
  for (const c of ['ga', 'gb', 'gc']) {
    const made = await w.call('POST', `/compounds/${c}/funds/public_revenue/income`, {
      token: w.tokens.property,
      body: {
        clientRef: `parking-${c}`,
        source: 'parking',
        grossFen: 10_000_000,
        costsFen: 500_000,
        costKind: 'management',
        memo: 'parking, first half',
        sourceDocument: { type: 'receipt', ref: `P-${c}` },
      },
    });
    expect(made.status).toBe(201);
    await w.resolution(c, `v-${c}`, 'common_parts_use', { projectId: `p-${c}`, fund: 'public_revenue', amountFen: 5_000_000 }, 'Repaint the corridors?');
  }
});
afterAll(() => w.close());

const submit = (c: string, expenseId: string, payee: string, amountFen: number) =>
  w.call('POST', `/compounds/${c}/projects/p-${c}/expenses`, { token: w.tokens.committee, body: { expenseId, payee, amountFen, purpose: `corridor work ${expenseId}` } });
const review = (c: string, expenseId: string, token: string, decision: 'approve' | 'reject', reason: string) =>
  w.call('POST', `/compounds/${c}/projects/p-${c}/expenses/${expenseId}/reviews`, { token, body: { decision, reason } });
const pending = (token: string, query = '') => w.call('GET', `/reviews/pending${query}`, { token });
const ids = (items: { compoundId: string; expenseId: string }[]) => items.map((i) => `${i.compoundId}/${i.expenseId}`).sort();

describe('reviewers: their queues across compounds, their reasons on the record', () => {
  test('a community reviewer sees what awaits their step in every compound of their community, a page at a time', async () => {
    expect((await submit('ga', 'x1', 'Brush Co', 100_000)).status).toBe(201);
    expect((await submit('ga', 'x2', 'Lift Parts Co', 2_500_000)).status).toBe(201);
    expect((await submit('gb', 'y1', 'Brush Co', 50_000)).status).toBe(201);
    expect((await submit('gc', 'z1', 'Other Co', 50_000)).status).toBe(201);
    const k1 = await pending(w.tokens.reviewerA);
    expect(k1.status).toBe(200);
    expect(ids(k1.json.items)).toEqual(['ga/x1', 'ga/x2', 'gb/y1']);
    expect(k1.json.items[0].next).toMatchObject({ step: 'community_reviewer', role: 'community', dueAt: expect.any(String) });
    const first = await pending(w.tokens.reviewerA, '?limit=2');
    expect(first.json.items).toHaveLength(2);
    const second = await pending(w.tokens.reviewerA, `?limit=2&cursor=${first.json.nextCursor}`);
    expect(ids([...first.json.items, ...second.json.items])).toEqual(['ga/x1', 'ga/x2', 'gb/y1']);
    expect(second.json.nextCursor).toBeUndefined();
    expect(ids((await pending(reviewerK2)).json.items)).toEqual(['gc/z1']);
    expect((await pending(w.tokens.street)).json.items).toEqual([]);
    expect((await pending(await w.owner('ga', 'O1'))).status).toBe(403);
  });

  test('each step moves the expense to the next reviewer’s queue, with the reasons kept', async () => {
    expect((await review('ga', 'x2', w.tokens.reviewerA, 'approve', 'the quote matches the contract')).status).toBe(201);
    expect((await review('ga', 'x2', w.tokens.reviewerB, 'approve', 'the branch checked the supplier')).status).toBe(201);
    expect(ids((await pending(w.tokens.street)).json.items)).toEqual(['ga/x2']);
    expect(ids((await pending(w.tokens.reviewerA)).json.items)).toEqual(['ga/x1', 'gb/y1']);
    const x2 = (await w.call('GET', '/compounds/ga/projects/p-ga/expenses/x2', { token: await w.owner('ga', 'O1') })).json;
    expect(x2).toMatchObject({ status: 'in_review', tier: 3, next: { step: 'street_office', role: 'street' } });
    expect(x2.approvals.map((a: { reason: string }) => a.reason)).toEqual(['the quote matches the contract', 'the branch checked the supplier']);
    expect((await review('ga', 'x2', w.tokens.street, 'approve', 'street office: within the approved plan')).json).toMatchObject({ status: 'approved' });
    expect((await pending(w.tokens.street)).json.items).toEqual([]);
    // Someone reviewing for both a community and a street says which queue.
    const both = await w.system.token(['community:K1', 'street:S1'], 'cross-appointed');
    expect((await pending(both)).status).toBe(400);
    expect((await pending(both, '?grant=community:K1')).json.grant).toBe('community:K1');
    expect((await pending(both, '?grant=community:K9')).status).toBe(403);
  });

  test('a rejection keeps its reason, gives the amount back to the project, and leaves the queues', async () => {
    const rejected = await review('gb', 'y1', w.tokens.reviewerA, 'reject', 'no invoice attached');
    expect(rejected.json).toMatchObject({ status: 'rejected', rejection: { step: 'community_reviewer', reason: 'no invoice attached' } });
    expect((await w.call('GET', '/compounds/gb/projects/p-gb', { token: w.tokens.committee })).json).toMatchObject({ committedFen: 0, remainingFen: 5_000_000 });
    expect(ids((await pending(w.tokens.reviewerA)).json.items)).toEqual(['ga/x1']);
    expect(w.events('ExpenseReviewed').map((e) => e.detail.data)).toContainEqual(expect.objectContaining({ expenseId: 'y1', decision: 'rejected', reason: 'no invoice attached' }));
  });
});

describe('the levy: receipts in batches, in advance, and one receipt for two units', () => {
  const account = async (unitId: string) => (await w.call('GET', `/compounds/ga/levy/units/${unitId}`, { token: w.tokens.committee })).json;
  const batch = (batchRef: string, csv: string) => w.call('POST', `/compounds/ga/levy/payments/batch?batchRef=${batchRef}`, { token: w.tokens.property, raw: csv, type: 'text/csv' });

  test('a month is charged', async () => {
    await w.resolution('ga', 'v-levy', 'maintenance_fund_raise', { levyFenPerSquareMetreMonth: 30 });
    const n = new Date(clock.now().getTime() + 8 * 3600_000);
    await w.advanceTo(new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth() + 1, 1, 2) - 8 * 3600_000).toISOString());
    expect(await account('B01-0101')).toMatchObject({ chargedFen: 2685, owedFen: 2685 });
  });

  test('a batch with bad lines is refused whole, with a report of every bad line', async () => {
    const bad = await batch('B-1', 'receipt,unit,amount\nR-1,B01-0101,26.85\nR-2,B09-9999,10.00\nR-3,B01-0102,abc\n');
    expect(bad.status).toBe(422);
    expect(bad.json.errors).toEqual([
      { field: 'line 3: unit', reason: expect.stringMatching(/not on the compound's roll/) },
      { field: 'line 4: amount', reason: expect.any(String) },
    ]);
    expect((await account('B01-0101')).paidFen).toBe(0);
  });

  test('a good batch is one journal entry; its retry is the same entry; its receipts cannot be used again', async () => {
    const csv = 'receipt,unit,amount\nR-1,B01-0101,26.85\nR-1,B01-0202,27.60\nR-2,B01-0102,27.60\n';
    const good = await batch('B-2', csv);
    expect(good.status).toBe(201);
    expect(good.json).toMatchObject({ lines: 3, totalFen: 8205 });
    expect((await account('B01-0101')).owedFen).toBe(0);
    expect((await account('B01-0202')).owedFen).toBe(0);
    const again = await batch('B-2', csv);
    expect(again.status).toBe(200);
    expect(again.json.entry.seq).toBe(good.json.entry.seq);
    const reused = await batch('B-3', 'receipt,unit,amount\nR-2,B01-0102,1.00\nR-9,B01-0201,26.85\n');
    expect(reused.status).toBe(409);
    expect(reused.json.errors).toEqual([{ field: 'line 2: receipt', reason: expect.stringMatching(/R-2 was already recorded/) }]);
    expect((await account('B01-0201')).paidFen).toBe(0); // R-9 was not recorded either
    const entries = await w.system.asService('funds', () => ledgerStore.allEntries('ga', 'small_maintenance'));
    expect(entries.filter((e) => e.kind === 'levy_payment')).toHaveLength(1);
  });

  test('one receipt for an owner’s two units, as JSON lines', async () => {
    const paid = await w.call('POST', '/compounds/ga/levy/payments', {
      token: w.tokens.committee,
      body: {
        receiptRef: 'R-10',
        lines: [
          { unitId: 'B01-0201', amountFen: 2685 },
          { unitId: 'B01-0301', amountFen: 2684 },
        ],
      },
    });
    expect(paid.status).toBe(201);
    expect(paid.json.accounts.map((a: { owedFen: number }) => a.owedFen)).toEqual([0, 0]);
  });

  test('paying ahead is a credit the next months use; at most 12 months ahead', async () => {
    const monthly = (await account('B01-0302')).chargedFen;
    expect((await w.call('POST', '/compounds/ga/levy/payments', { token: w.tokens.property, body: { receiptRef: 'R-20', unitId: 'B01-0302', amountFen: 13 * monthly + 1 } })).status).toBe(422);
    expect((await w.call('POST', '/compounds/ga/levy/payments', { token: w.tokens.property, body: { receiptRef: 'R-20', unitId: 'B01-0302', amountFen: 4 * monthly } })).status).toBe(201);
    expect(await account('B01-0302')).toMatchObject({ owedFen: 0, creditFen: 3 * monthly });
    const n = new Date(clock.now().getTime() + 8 * 3600_000);
    await w.advanceTo(new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth() + 1, 1, 2) - 8 * 3600_000).toISOString());
    expect(await account('B01-0302')).toMatchObject({ owedFen: 0, creditFen: 2 * monthly, chargedFen: 2 * monthly });
    const summary = (await w.call('GET', '/compounds/ga/levy', { token: w.tokens.committee })).json;
    expect(summary).toMatchObject({ reconciled: true, creditFen: 2 * monthly });
    expect(summary.ledger.paidFen).toBe(summary.paidFen);
  });
});

describe('a crash between two writes is completed, never doubled', () => {
  test('a levy payment whose accounts were not written: the journal has it, and the accounts catch up', async () => {
    const before = await w.call('GET', '/compounds/ga/levy/units/B02-0101', { token: w.tokens.committee });
    const crash = crashOn((command, input) => command === 'UpdateItemCommand' && input.includes('BUCKET#'));
    const failed = await w.call('POST', '/compounds/ga/levy/payments', { token: w.tokens.property, body: { receiptRef: 'R-30', unitId: 'B02-0101', amountFen: before.json.owedFen } });
    expect(crash.count()).toBe(1);
    expect(failed.status).toBe(500);
    const head = await w.system.asService('funds', () => ledgerStore.headEntry('ga', 'small_maintenance'));
    expect(head!.clientRef).toBe('@levy-pay/receipt:R-30');
    // The summary finds the accounts behind the journal, catches them up, and agrees with it.
    const summary = (await w.call('GET', '/compounds/ga/levy', { token: w.tokens.committee })).json;
    expect(summary.reconciled).toBe(true);
    expect((await w.call('GET', '/compounds/ga/levy/units/B02-0101', { token: w.tokens.committee })).json).toMatchObject({ owedFen: 0, paidFen: before.json.owedFen });
    // The caller's retry gets the same entry, and nothing is applied twice.
    const retried = await w.call('POST', '/compounds/ga/levy/payments', { token: w.tokens.property, body: { receiptRef: 'R-30', unitId: 'B02-0101', amountFen: before.json.owedFen } });
    expect(retried.status).toBe(200);
    expect(retried.json.entry.seq).toBe(head!.seq);
    expect(retried.json.account).toMatchObject({ paidFen: before.json.owedFen });
    const balances = (await w.call('GET', '/compounds/ga/funds', { token: w.tokens.committee })).json.funds.find((f: { fund: string }) => f.fund === 'small_maintenance').balances;
    expect(balances.cash).toBe((await w.call('GET', '/compounds/ga/levy', { token: w.tokens.committee })).json.paidFen);
  });

  test('a submission that committed its amount but died before its expense was in review: the retry completes it once', async () => {
    const crash = crashOn((command, input) => command === 'UpdateItemCommand' && input.includes('EXPENSE#p-gc#z2') && input.includes('in_review'));
    expect((await submit('gc', 'z2', 'Glass Co', 70_000)).status).toBe(500);
    expect(crash.count()).toBe(1);
    expect((await w.call('GET', '/compounds/gc/projects/p-gc/expenses/z2', { token: w.tokens.committee })).json.status).toBe('submitting');
    expect((await w.call('GET', '/compounds/gc/projects/p-gc', { token: w.tokens.committee })).json.committedFen).toBe(50_000 + 70_000);
    const retried = await submit('gc', 'z2', 'Glass Co', 70_000);
    expect(retried.status).toBe(201);
    expect(retried.json.status).toBe('in_review');
    expect((await w.call('GET', '/compounds/gc/projects/p-gc', { token: w.tokens.committee })).json.committedFen).toBe(50_000 + 70_000);
  });

  test('…and without a retry, the review clock completes it after a few minutes', async () => {
    crashOn((command, input) => command === 'UpdateItemCommand' && input.includes('EXPENSE#p-gc#z3') && input.includes('in_review'));
    expect((await submit('gc', 'z3', 'Glass Co', 30_000)).status).toBe(500);
    await w.advance(16 * 60_000); // the clock runs every 15 minutes and completes what waited more than 5
    expect((await w.call('GET', '/compounds/gc/projects/p-gc/expenses/z3', { token: w.tokens.committee })).json).toMatchObject({ status: 'in_review', tierAmountFen: 100_000 });
    expect((await w.call('GET', '/compounds/gc/projects/p-gc', { token: w.tokens.committee })).json.committedFen).toBe(150_000);
  });

  test('a payment written to the journal but not marked paid: the clock marks it, and no retry pays twice', async () => {
    expect((await review('ga', 'x1', w.tokens.reviewerA, 'approve', 'receipts checked')).json.status).toBe('approved');
    const crash = crashOn((command, input) => command === 'UpdateItemCommand' && input.includes('EXPENSE#p-ga#x1') && input.includes('entrySeq'));
    expect((await w.call('POST', '/compounds/ga/projects/p-ga/expenses/x1/pay', { token: w.tokens.committee, body: { paymentRef: 'BANK-77' } })).status).toBe(500);
    expect(crash.count()).toBe(1);
    expect((await w.call('POST', '/compounds/ga/projects/p-ga/expenses/x1/pay', { token: w.tokens.committee, body: { paymentRef: 'BANK-78' } })).status).toBe(409);
    await w.advance(16 * 60_000);
    expect((await w.call('GET', '/compounds/ga/projects/p-ga/expenses/x1', { token: w.tokens.committee })).json).toMatchObject({ status: 'paid', paid: { paymentRef: 'BANK-77' } });
    const payments = (await w.system.asService('funds', () => ledgerStore.allEntries('ga', 'public_revenue'))).filter((e) => e.kind === 'payment');
    expect(payments.map((p) => p.detail?.expenseId)).toEqual(['x1']);
    expect((await w.call('POST', '/compounds/ga/projects/p-ga/expenses/x1/pay', { token: w.tokens.committee, body: { paymentRef: 'BANK-77' } })).json.status).toBe('paid');
  });
});

describe('every change publishes an event', () => {
  test('income, reservations, payments, reversals, the levy, emergencies and their confirmation are all on the bus and in the audit trail', async () => {
    const typo = await w.call('POST', '/compounds/ga/funds/public_revenue/income', {
      token: w.tokens.property,
      body: { clientRef: 'stalls-typo', source: 'stalls', grossFen: 1_000, memo: 'market stalls, recorded twice', sourceDocument: { type: 'receipt', ref: 'S-1' } },
    });
    const reversed = await w.call('POST', '/compounds/ga/funds/public_revenue/reversals', {
      token: w.tokens.committee,
      body: { clientRef: 'fix-1', seq: typo.json.seq, reason: 'market stalls were recorded twice' },
    });
    expect(reversed.status).toBe(201);
    expect(
      (
        await w.call('POST', '/compounds/ga/emergencies', {
          token: w.tokens.committee,
          body: { projectId: 'leak', fund: 'maintenance', category: 'roof_or_wall_leak', amountFen: 300_000, description: 'roof of B01 leaks into the top floor' },
        })
      ).status,
    ).toBe(201);
    expect((await w.call('POST', '/compounds/ga/projects/leak/confirm', { token: w.tokens.street })).status).toBe(200);
    await w.system.idle();
    const mine = w.received.filter((e) => e.detail.metadata.compoundId === 'ga');
    const kinds = new Set(mine.filter((e) => e['detail-type'] === 'LedgerEntryRecorded').map((e) => (e.detail.data as { kind: string }).kind));
    expect([...kinds].sort()).toEqual(['income', 'levy_charge', 'levy_payment', 'payment', 'reservation', 'reversal']);
    const types = new Set(mine.map((e) => e['detail-type']));
    for (const t of ['EmergencyReported', 'ProjectAuthorized', 'ExpenseSubmitted', 'ExpenseReviewed', 'ExpensePaid', 'LevyStarted', 'LevyMonthCharged']) expect(types).toContain(t);
    expect(mine.find((e) => e['detail-type'] === 'ProjectAuthorized' && (e.detail.data as { basis: string }).basis === 'emergency')).toBeDefined();
    const audit = await w.call('GET', '/compounds/ga/audit?service=funds&limit=500', { token: w.tokens.street });
    expect(audit.json.items.map((r: { type: string }) => r.type)).toEqual(expect.arrayContaining(['LedgerEntryRecorded', 'EmergencyReported', 'LevyMonthCharged']));
  });
});
