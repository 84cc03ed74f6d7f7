import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { ResolutionPassed } from '../events/catalogue';
import type { DeliveredEvent } from '../events/envelope';
import { clock } from '../libs/clock';
import type { LocalSystem } from '../infra/local/runtime';
import * as fundsStore from '../services/funds/store/ledger';
import { advancePast, client, compoundBody, rollCsv, startSystem } from './helpers';
import { retryingBusy as retryingBusyHttp } from './funds-kit';

const DAY = 86_400_000;
const run = promisify(execFile);

let system: LocalSystem;
let call: ReturnType<typeof client>;
const received: DeliveredEvent[] = [];
const events = (type: string) => received.filter((e) => e['detail-type'] === type);
let bureau: string, committee: string, treasurer: string, property: string, street: string, reviewerA: string, reviewerB: string, inspector: string;

async function inParallel<T>(width: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}
/** A client that honours 503 Busy (Retry-After): it tries again a moment later. */
async function retryingBusy<T>(task: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      if ((error as { kind?: string }).kind !== 'busy' || attempt >= 40) throw error;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
    }
  }
}
const advance = async (ms: number) => {
  await system.scheduler.advance(ms);
  await system.idle();
};
/** Move the clock to just after `iso` (schedules due on the way fire once). */
const advanceTo = async (iso: string) => advance(Math.max(0, Date.parse(iso) - clock.now().getTime() + 60_000));

beforeAll(async () => {
  clock.reset();
  ({ system, call } = await startSystem());
  system.bus.subscribe({ target: 'probe', pattern: { source: ['gongzhi.funds', 'gongzhi.elections'] }, invoke: async (e) => void received.push(e) });
  bureau = await system.token(['bureau'], 'bureau');
  committee = await system.token(['committee:fu-a'], 'committee-chair');
  treasurer = await system.token(['committee:fu-a', 'community:K1'], 'treasurer-cross-appointed'); // sits on both
  property = await system.token(['property:fu-a'], 'property-co');
  street = await system.token(['street:S1'], 'street-officer');
  reviewerA = await system.token(['community:K1'], 'community-reviewer-a');
  reviewerB = await system.token(['community:K1'], 'branch-secretary-b');
  inspector = await system.token(['inspector:S1'], 'inspector');
  await call('POST', '/compounds', { token: bureau, body: compoundBody('fu-a') });
  await call('POST', '/compounds/fu-a/roll', { token: bureau, raw: rollCsv(300), type: 'text/csv' });
  await system.idle();
});
afterAll(async () => {
  await system.close();
  clock.reset();
});

describe('from a resolution to a verified, disclosed payment', () => {
  test('owners pass a lift replacement (and a levy); funds authorizes the project and starts the levy', async () => {
    const lift = {
      kind: 'resolution',
      voteId: 'lift',
      matter: 'maintenance_fund_use',
      question: 'Replace the lift of B01 for 480,000 yuan?',
      votingDays: 7,
      payload: { projectId: 'lift-b01', fund: 'maintenance', amountFen: 48_000_000 },
    };
    const announced = await call('POST', '/compounds/fu-a/votes', { token: committee, body: lift });
    expect(announced.status).toBe(201);
    await advancePast(system, announced.json.opensAt);
    const owners = Array.from({ length: 299 }, (_, i) => i + 2)
      .filter((n) => n % 40 !== 0)
      .map((n) => `O${n}`);
    await inParallel(
      16,
      owners.map((o) => async () => {
        const token = await system.token([`owner:fu-a:${o}`], o);
        expect((await call('POST', '/compounds/fu-a/votes/lift/ballots', { token, body: { choice: 'for' } })).status).toBe(201);
      }),
    );
    await advancePast(system, announced.json.closesAt);
    // The levy's matter-6 vote is counted the same way (the elections tests cover the 3/4 rule); its result is delivered as elections publishes it.
    await system.bus.put([
      ResolutionPassed.create(
        {
          compoundId: 'fu-a',
          voteId: 'levy',
          matter: 'maintenance_fund_raise',
          question: 'Levy 0.30 yuan per m² per month?',
          figures: { totalArea: 100, totalHeadcount: 4, participatingArea: 100, participatingHeadcount: 4, forArea: 100, forHeadcount: 4 },
          payload: { levyFenPerSquareMetreMonth: 30 },
          decidedAt: clock.nowIso(),
        },
        { compoundId: 'fu-a', actor: 'elections', occurredAt: clock.nowIso(), id: 'result-fu-a-levy', correlationId: 'vote-fu-a-levy' },
      ),
    ]);
    await advancePast(system, (await call('GET', '/compounds/fu-a/votes/lift', { token: committee })).json.objectionEndsAt);
    expect(events('ResolutionPassed')).toHaveLength(2);
    const project = await call('GET', '/compounds/fu-a/projects/lift-b01', { token: await system.token(['owner:fu-a:O5']) });
    expect(project.json).toMatchObject({ status: 'authorized', approvedFen: 48_000_000, fund: 'maintenance', basis: 'resolution', basisRef: 'elections/vote/lift', remainingFen: 48_000_000 });
    expect(events('ProjectAuthorized')).toHaveLength(1);
    expect((await call('GET', '/compounds/fu-a/levy', { token: committee })).json).toMatchObject({ rateFenPerM2Month: 30 });
  }, 180_000); // 299 ballots through the runtime: under a minute alone, more with the whole suite on 2 loaded cores

  test('income is recorded once per client reference; the maintenance fund only by the city fund centre', async () => {
    const body = {
      clientRef: 'deposit-2027-001',
      source: 'deposits',
      grossFen: 60_000_000,
      memo: 'share of the maintenance fund transferred by the city fund centre',
      sourceDocument: { type: 'bank_statement', ref: 'BS-2027-001' },
    };
    const first = await call('POST', '/compounds/fu-a/funds/maintenance/income', { token: bureau, body });
    expect(first.status).toBe(201);
    const again = await call('POST', '/compounds/fu-a/funds/maintenance/income', { token: bureau, body });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect((await call('POST', '/compounds/fu-a/funds/maintenance/income', { token: bureau, body: { ...body, grossFen: 60_000_001 } })).status).toBe(409);
    expect((await call('POST', '/compounds/fu-a/funds/maintenance/income', { token: bureau, body: { ...body, clientRef: 'x', source: 'parking' } })).status).toBe(422);
    // The property company and the committee do not hold the maintenance fund: they cannot deposit into it.
    expect((await call('POST', '/compounds/fu-a/funds/maintenance/income', { token: property, body: { ...body, clientRef: 'by-property' } })).status).toBe(403);
    expect((await call('POST', '/compounds/fu-a/funds/maintenance/income', { token: committee, body: { ...body, clientRef: 'by-committee' } })).status).toBe(403);
    expect((await call('POST', '/compounds/fu-a/funds/maintenance/income', { token: await system.token(['owner:fu-a:O5']), body })).status).toBe(403);
    const summary = (await call('GET', '/compounds/fu-a/funds', { token: await system.token(['owner:fu-a:O5']) })).json;
    const maintenance = summary.funds.find((f: { fund: string }) => f.fund === 'maintenance');
    expect(maintenance).toMatchObject({ cashFen: 60_000_000, availableFen: 12_000_000, entries: 2 });
  });

  test('an expense above 20,000 yuan needs three different reviewers, in order; the submitter never reviews', async () => {
    const over = await call('POST', '/compounds/fu-a/projects/lift-b01/expenses', {
      token: committee,
      body: { expenseId: 'too-much', payee: 'Quanzhou Lift Co.', amountFen: 48_000_001, purpose: 'new lift, all in' },
    });
    expect(over.status).toBe(422);
    expect(
      (await call('POST', '/compounds/fu-a/projects/no-such/expenses', { token: committee, body: { expenseId: 'x1', payee: 'Anyone', amountFen: 100, purpose: 'nothing approved' } })).status,
    ).toBe(404);

    const submitted = await call('POST', '/compounds/fu-a/projects/lift-b01/expenses', {
      token: treasurer,
      body: { expenseId: 'lift-deposit', payee: 'Quanzhou Lift Co.', amountFen: 24_000_000, purpose: 'first instalment for the new lift', attachments: ['contract/QLC-2027-07', 'invoice/INV-881'] },
    });
    expect(submitted.status).toBe(201);
    expect(submitted.json).toMatchObject({ tier: 3, status: 'in_review' });
    expect(events('ExpenseSubmitted')[0]!.detail.data).toMatchObject({ tier: 3, inspectorNotified: true });

    const review = (token: string, decision = 'approve') =>
      call('POST', '/compounds/fu-a/projects/lift-b01/expenses/lift-deposit/reviews', { token, body: { decision, reason: 'checked the contract and the invoice' } });
    expect((await review(treasurer)).status).toBe(403); // self-approval, even with a community grant
    expect((await review(street)).status).toBe(403); // the community reviewer goes first
    expect((await call('POST', '/compounds/fu-a/projects/lift-b01/expenses/lift-deposit/pay', { token: committee, body: { paymentRef: 'PAY-1' } })).status).toBe(409);
    expect((await review(reviewerA)).status).toBe(201);
    expect((await review(reviewerA)).status).toBe(403); // the next step needs someone else
    expect((await review(reviewerB)).status).toBe(201);
    const third = await review(street);
    expect(third.status).toBe(201);
    expect(third.json.status).toBe('approved');
    expect(third.json.approvals.map((a: { step: string }) => a.step)).toEqual(['community_reviewer', 'branch_and_residents_committee', 'street_office']);

    const paid = await call('POST', '/compounds/fu-a/projects/lift-b01/expenses/lift-deposit/pay', { token: committee, body: { paymentRef: 'PAY-1' } });
    expect(paid.status).toBe(200);
    expect(paid.json.status).toBe('paid');
    const summary = (await call('GET', '/compounds/fu-a/funds', { token: committee })).json.funds.find((f: { fund: string }) => f.fund === 'maintenance');
    expect(summary.balances).toMatchObject({ cash: 36_000_000, 'spent:lift-b01': 24_000_000, 'reserved:lift-b01': -24_000_000, appropriations: 24_000_000 });
    const seen = await call('GET', '/compounds/fu-a/expenses?status=paid', { token: inspector });
    expect(seen.json.items).toHaveLength(1);
  });

  test('the audit trail links the vote to the project, every review and the payment; the inspector reads it, owners do not', async () => {
    const chain = await call('GET', '/compounds/fu-a/audit/correlations/vote-fu-a-lift', { token: inspector });
    expect(chain.status).toBe(200);
    expect(chain.json.items.map((r: { type: string }) => r.type)).toEqual([
      'VoteAnnounced',
      'VoteOpened',
      'VoteClosed',
      'ResolutionPassed',
      'ProjectAuthorized',
      'ExpenseSubmitted',
      'ExpenseReviewed',
      'ExpenseReviewed',
      'ExpenseReviewed',
      'ExpensePaid',
    ]);
    expect(chain.json.items.filter((r: { type: string }) => r.type === 'ExpenseReviewed').map((r: { actor: string }) => r.actor)).toEqual([
      'community-reviewer-a',
      'branch-secretary-b',
      'street-officer',
    ]);
    const recent = await call('GET', '/compounds/fu-a/audit?limit=3&service=funds', { token: street });
    expect(recent.json.items.length).toBeGreaterThan(0);
    expect(recent.json.items.every((r: { service: string }) => r.service === 'funds')).toBe(true);
    expect((await call('GET', '/compounds/fu-a/audit', { token: await system.token(['owner:fu-a:O5']) })).status).toBe(403);
    expect((await call('GET', '/compounds/fu-a/audit', { token: await system.token(['inspector:S2']) })).status).toBe(403);
  });

  test('a split payment to one payee is reviewed as one amount', async () => {
    const a = await call('POST', '/compounds/fu-a/projects/lift-b01/expenses', {
      token: committee,
      body: { expenseId: 'paint-1', payee: 'Acme Painters', amountFen: 150_000, purpose: 'paint the lift lobby, part 1' },
    });
    expect(a.json.tier).toBe(1);
    await advance(10 * DAY);
    const b = await call('POST', '/compounds/fu-a/projects/lift-b01/expenses', {
      token: committee,
      body: { expenseId: 'paint-2', payee: 'acme  painters', amountFen: 150_000, purpose: 'paint the lift lobby, part 2' },
    });
    expect(b.json).toMatchObject({ tier: 2, tierAmountFen: 300_000 });
  });

  test('a review waiting more than 5 working days is escalated, once', async () => {
    await advance(8 * DAY);
    const overdue = events('ExpenseReviewOverdue')
      .map((e) => (e.detail.data as { expenseId: string }).expenseId)
      .sort();
    expect(overdue).toEqual(['paint-1', 'paint-2']);
    await advance(1 * DAY);
    expect(events('ExpenseReviewOverdue')).toHaveLength(2);
  });

  test('an emergency is payable only once the street office confirms it', async () => {
    const reported = await call('POST', '/compounds/fu-a/emergencies', {
      token: committee,
      body: { projectId: 'flood-2027', fund: 'maintenance', category: 'basement_flooding', amountFen: 800_000, description: 'basement of B02 flooded after the typhoon' },
    });
    expect(reported.status).toBe(201);
    const early = await call('POST', '/compounds/fu-a/projects/flood-2027/expenses', {
      token: committee,
      body: { expenseId: 'pump', payee: 'Pump Hire', amountFen: 100_000, purpose: 'pump out the basement' },
    });
    expect(early.status).toBe(422);
    expect((await call('POST', '/compounds/fu-a/projects/flood-2027/confirm', { token: reviewerA })).status).toBe(403);
    const confirmed = await call('POST', '/compounds/fu-a/projects/flood-2027/confirm', { token: street });
    expect(confirmed.json).toMatchObject({ status: 'authorized', basis: 'emergency' });
    expect(
      (await call('POST', '/compounds/fu-a/projects/flood-2027/expenses', { token: committee, body: { expenseId: 'pump', payee: 'Pump Hire', amountFen: 100_000, purpose: 'pump out the basement' } }))
        .status,
    ).toBe(201);
  });

  test('the levy is charged monthly; long-unpaid units go into arrears (and onto the negative list), paying clears them', async () => {
    const now = clock.now();
    const firstOfNext = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 2)).toISOString();
    await advanceTo(firstOfNext);
    const levy = (await call('GET', '/compounds/fu-a/levy', { token: committee })).json;
    expect(levy.units).toBe(300);
    const account = (await call('GET', '/compounds/fu-a/levy/units/B01-002', { token: await system.token(['owner:fu-a:O2']) })).json;
    expect(account.owedFen).toBeGreaterThan(0);
    expect((await call('GET', '/compounds/fu-a/levy/units/B01-002', { token: await system.token(['owner:fu-a:O3']) })).status).toBe(403);
    const pay = await call('POST', '/compounds/fu-a/levy/payments', { token: property, body: { unitId: 'B01-002', amountFen: account.owedFen, receiptRef: 'RCPT-0001' } });
    expect(pay.status).toBe(201);
    expect(pay.json.account).toMatchObject({ owedFen: 0, paidFen: account.owedFen });
    const retried = await call('POST', '/compounds/fu-a/levy/payments', { token: property, body: { unitId: 'B01-002', amountFen: account.owedFen, receiptRef: 'RCPT-0001' } });
    expect(retried.status).toBe(200);
    expect(retried.json.entry.seq).toBe(pay.json.entry.seq);
    // Paying ahead is allowed up to 12 months of the unit's charge, not more.
    const monthly = account.recent.at(-1).fen;
    expect((await call('POST', '/compounds/fu-a/levy/payments', { token: property, body: { unitId: 'B01-002', amountFen: 12 * monthly + 1, receiptRef: 'RCPT-0002' } })).status).toBe(422);

    for (let m = 1; m <= 2; m++) {
      const d = clock.now();
      await advanceTo(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1, 2)).toISOString());
    }
    const arrears = events('ArrearsRecorded');
    expect(arrears.length).toBeGreaterThan(200);
    expect(arrears.some((e) => (e.detail.data as { unitId: string }).unitId === 'B01-002')).toBe(false);
    const o3 = (await call('GET', '/compounds/fu-a/levy/units/B01-003', { token: committee })).json;
    expect(o3.arrearsOpen).toBeDefined();
    const disq = await call('GET', '/people/O3/disqualifications', { token: street });
    expect(disq.json.items).toEqual([expect.objectContaining({ reason: 'fund_arrears', active: true })]);

    await call('POST', '/compounds/fu-a/levy/payments', { token: property, body: { unitId: 'B01-003', amountFen: o3.owedFen, receiptRef: 'RCPT-0003' } });
    await system.idle();
    expect(events('ArrearsCleared').map((e) => (e.detail.data as { unitId: string }).unitId)).toEqual(['B01-003']);
    expect((await call('GET', '/people/O3/disqualifications', { token: street })).json.items[0].active).toBe(false);
  }, 180_000); // months of a 300-unit levy with arrears through every consumer: about a minute on a loaded 2-core machine

  test('the quarter’s disclosure is published; owners read it as JSON and CSV', async () => {
    const d = clock.now();
    const nextQuarter = new Date(Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3 + 3, 1, 4)).toISOString();
    await advanceTo(nextQuarter);
    const published = events('DisclosurePublished');
    expect(published.length).toBeGreaterThanOrEqual(1);
    const owner = await system.token(['owner:fu-a:O7']);
    const list = (await call('GET', '/compounds/fu-a/disclosures', { token: owner })).json.items;
    const period = list[0].period; // newest first
    const disclosure = (await call('GET', `/compounds/fu-a/disclosures/${period}`, { token: owner })).json;
    const maintenance = disclosure.funds.find((f: { fund: string }) => f.fund === 'maintenance');
    const head = (await call('GET', '/compounds/fu-a/funds', { token: owner })).json.funds.find((f: { fund: string }) => f.fund === 'maintenance');
    expect(maintenance.headHash).toHaveLength(64);
    expect(maintenance.cashFen).toBe(head.cashFen);
    const csv = await call('GET', `/compounds/fu-a/disclosures/${period}?format=csv`, { token: owner });
    expect(csv.text).toMatch(/^fund,line,item,yuan,detail\r\n/);
    expect(csv.text).toMatch(/small_maintenance,levy,charged,/);
    // The payment is disclosed in its quarter with each approval and the reviewer's reason.
    const all = await Promise.all(list.map(async (d: { period: string }) => (await call('GET', `/compounds/fu-a/disclosures/${d.period}`, { token: owner })).json));
    const paid = all
      .flatMap((d) => d.funds.flatMap((f: { payments: { expenseId: string; approvals: { step: string; reason: string }[] }[] }) => f.payments))
      .find((p) => p.expenseId === 'lift-deposit');
    expect(paid.approvals.map((a: { step: string; reason: string }) => `${a.step}: ${a.reason}`)).toEqual([
      'community_reviewer: checked the contract and the invoice',
      'branch_and_residents_committee: checked the contract and the invoice',
      'street_office: checked the contract and the invoice',
    ]);
    const report = (await call('GET', '/reports/funds', { token: bureau })).json;
    expect(report).toMatchObject({ compounds: 1, repairsPaid: 1, repairsPaidFen: 24_000_000 });
  });

  test('the export verifies with the CLI, and a tampered export fails at the altered entry', async () => {
    const exported = await call('GET', '/compounds/fu-a/funds/maintenance/export', { token: await system.token(['owner:fu-a:O7']) });
    expect((await call('GET', '/compounds/fu-a/funds/maintenance/verify', { token: committee })).json).toMatchObject({ ok: true });
    const dir = mkdtempSync(join(tmpdir(), 'gongzhi-ledger-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, exported.text);
    expect((await run(process.execPath, ['--import', 'tsx', 'infra/cli/verify.ts', 'ledger', good])).stdout).toMatch(/OK: the chain and the balances hold/);
    const tampered = structuredClone(exported.json);
    tampered.entries[1].postings[0].amountFen += 100;
    tampered.entries[1].postings[1].amountFen -= 100;
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(tampered));
    await expect(run(process.execPath, ['--import', 'tsx', 'infra/cli/verify.ts', 'ledger', bad])).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/entry 2: the running balances do not follow/),
    });
  });
});

describe('concurrency on one ledger', () => {
  test('100 concurrent appends: a gap-free chain and exact balances (a client told 503 Busy retries)', async () => {
    const retrying = retryingBusyHttp(call);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        retrying('POST', '/compounds/fu-a/funds/public_revenue/income', {
          token: property,
          body: {
            clientRef: `parking-${i}`,
            source: 'parking',
            grossFen: 1000 + i,
            costsFen: 100,
            costKind: 'management',
            memo: `parking fees, day ${i}`,
            sourceDocument: { type: 'receipt', ref: `P-${i}` },
          },
        }),
      ),
    );
    expect(results.map((r) => r.status).every((s) => s === 201)).toBe(true);
    const entries = await system.asService('funds', () => fundsStore.allEntries('fu-a', 'public_revenue'));
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const gross = Array.from({ length: 100 }, (_, i) => 1000 + i).reduce((s, x) => s + x, 0);
    expect(entries.at(-1)!.balances).toEqual({ cash: gross - 100 * 100, 'costs:management': 100 * 100, 'income:parking': -gross });
    expect((await call('GET', '/compounds/fu-a/funds/public_revenue/verify', { token: committee })).json).toMatchObject({ ok: true, entries: 100 });
  });

  test('40 appends racing as separate instances would: the conditional put keeps the chain gap-free; past its budget an append answers Busy', () =>
    system.asService('funds', async () => {
      const before = (await fundsStore.headEntry('fu-a', 'neighbours'))?.seq ?? 0;
      const stats = { attempts: 0, writeUnits: 0 };
      const donate = (i: number) =>
        fundsStore.append(
          'fu-a',
          'neighbours',
          {
            kind: 'donation',
            postings: [
              { account: 'cash', amountFen: 100 + i },
              { account: 'income:donations', amountFen: -(100 + i) },
            ],
            memo: `donation ${i}`,
            sourceDocument: { type: 'receipt', ref: `D-${i}` },
            actor: 'test',
            clientRef: `donation-${i}`,
            at: clock.nowIso(),
          },
          { serialize: false, stats },
        );
      // Each instance races the others for entry N+1; one that keeps losing says Busy (503 + Retry-After) and its client retries.
      await Promise.all(Array.from({ length: 40 }, (_, i) => retryingBusy(() => donate(i))));
      expect(stats.attempts).toBeGreaterThan(40); // they really raced
      const entries = await fundsStore.allEntries('fu-a', 'neighbours');
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: before + 40 }, (_, i) => i + 1));
      expect(entries.at(-1)!.balances.cash).toBe(Array.from({ length: 40 }, (_, i) => 100 + i).reduce((s, x) => s + x, 0));
      expect(new Set(entries.map((e) => e.clientRef)).size).toBe(entries.length); // a Busy answer wrote nothing: its retry is the only copy
      expect((await call('GET', '/compounds/fu-a/funds/neighbours/verify', { token: committee })).json).toMatchObject({ ok: true });
    }));

  test('property: random income and spending raced against a fresh ledger keep it balanced, gap-free and never overdrawn', () =>
    system.asService('funds', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.record({ spend: fc.boolean(), fen: fc.integer({ min: 1, max: 5_000 }) }), { minLength: 5, maxLength: 40 }), async (ops) => {
          const compoundId = `prop-${run++}`;
          const outcomes = await Promise.allSettled(
            ops.map((o, i) =>
              retryingBusy(() =>
                fundsStore.append(
                  compoundId,
                  'public_revenue',
                  {
                    kind: o.spend ? 'payment' : 'income',
                    postings: o.spend
                      ? [
                          { account: 'spent:repairs', amountFen: o.fen },
                          { account: 'cash', amountFen: -o.fen },
                        ]
                      : [
                          { account: 'cash', amountFen: o.fen },
                          { account: 'income:rents', amountFen: -o.fen },
                        ],
                    memo: `op ${i}`,
                    sourceDocument: { type: 'receipt', ref: `op-${i}` },
                    actor: 'property-test',
                    clientRef: `op-${i}`,
                    at: clock.nowIso(),
                  },
                  { serialize: false },
                ),
              ),
            ),
          );
          // Only overdrafts may be refused, and only spending can overdraw.
          outcomes.forEach((o, i) => {
            if (o.status === 'rejected') {
              expect(ops[i]!.spend).toBe(true);
              expect(o.reason.kind).toBe('rule_broken');
            }
          });
          const entries = await fundsStore.allEntries(compoundId, 'public_revenue');
          expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
          expect(entries.every((e) => (e.balances.cash ?? 0) >= 0)).toBe(true);
          const landed = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [ops[i]!] : []));
          const expectedCash = landed.reduce((s, o) => s + (o.spend ? -o.fen : o.fen), 0);
          expect(entries.at(-1)?.balances.cash ?? 0).toBe(expectedCash);
          expect(entries).toHaveLength(landed.length);
        }),
        { numRuns: 8 },
      );
    }));

  test('concurrent spending never overdraws: of 30 withdrawals of a tenth of the cash, exactly 10 land', () =>
    system.asService('funds', async () => {
      const cash = (await fundsStore.headEntry('fu-a', 'public_revenue'))!.balances.cash!;
      const tenth = Math.floor(cash / 10);
      const attempts = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          retryingBusy(() =>
            fundsStore.append(
              'fu-a',
              'public_revenue',
              {
                kind: 'payment',
                postings: [
                  { account: 'spent:cleaning', amountFen: tenth },
                  { account: 'cash', amountFen: -tenth },
                ],
                memo: `withdrawal ${i}`,
                sourceDocument: { type: 'invoice', ref: `W-${i}` },
                actor: 'test',
                clientRef: `withdraw-${i}`,
                at: clock.nowIso(),
              },
              { serialize: false },
            ),
          ),
        ),
      );
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(10);
      expect(attempts.filter((a) => a.status === 'rejected').every((a) => (a as PromiseRejectedResult).reason.kind === 'rule_broken')).toBe(true);
      const head = (await fundsStore.headEntry('fu-a', 'public_revenue'))!;
      expect(head.balances.cash).toBe(cash - 10 * tenth);
      expect(head.balances.cash).toBeGreaterThanOrEqual(0);
    }));
});
