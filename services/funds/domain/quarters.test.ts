import fc from 'fast-check';
import { fundDisclosure, type DisclosedPayment } from './disclosure';
import { fundFigures } from './figures';
import { chainEntry, type Entry, type EntryDraft, type Fund } from './ledger';
import { incomePostings, levyChargePostings, levyPaymentPostings, paymentPostings, reservationPostings } from './postings';
import { addQuarterFigures, MAX_REPORT_QUARTERS, NO_QUARTER_FIGURES, quarterFigures, quarterIndex, quarterLabel, reportQuarters } from './quarters';

const draft = (kind: EntryDraft['kind'], postings: EntryDraft['postings'], i: number, detail?: EntryDraft['detail']): EntryDraft => ({
  kind,
  postings,
  memo: `e${i}`,
  sourceDocument: { type: 'other', ref: `r${i}` },
  actor: 't',
  clientRef: `c${i}`,
  at: '2027-01-01T00:00:00.000Z',
  ...(detail ? { detail } : {}),
});

const paymentOf = (e: Entry): DisclosedPayment => ({
  projectId: e.detail!.projectId!,
  expenseId: e.detail!.expenseId!,
  payee: 'Lift Co',
  amountFen: e.postings.find((p) => p.account.startsWith('spent:'))!.amountFen,
  purpose: 'repair',
  approvals: [],
  paidAt: e.at,
  entrySeq: e.seq,
});

/** A fund's entries cut into quarters at `cuts`, each quarter disclosed as the disclosure unit does. */
function disclose(fund: Fund, entries: Entry[], cuts: number[]) {
  const bounds = [0, ...cuts.filter((c) => c > 0 && c < entries.length).sort((a, b) => a - b), entries.length];
  const quarters = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const inPeriod = entries.slice(bounds[i], bounds[i + 1]);
    const last = inPeriod.at(-1) ?? entries[bounds[i]! - 1];
    const payments = inPeriod.filter((e) => e.kind === 'payment').map(paymentOf);
    quarters.push(quarterFigures([fundDisclosure(fund, inPeriod, last, payments)]));
  }
  return quarters;
}

describe('a compound’s quarter, from its disclosure', () => {
  const charge = chainEntry(undefined, draft('levy_charge', levyChargePostings(10_000), 0));
  const pay = chainEntry(charge, draft('levy_payment', levyPaymentPostings(3_000), 1));
  const parking = chainEntry(pay, draft('income', incomePostings({ source: 'parking', grossFen: 1_000, costsFen: 100, costKind: 'management' }), 2));
  const reserve = chainEntry(parking, draft('reservation', reservationPostings('lift', 2_500), 3));
  const paid = chainEntry(reserve, draft('payment', paymentPostings('lift', 2_000), 4, { projectId: 'lift', expenseId: 'x1' }));

  test('collected is money received (income gross and levy payments), never a levy merely charged', () => {
    const [q] = disclose('small_maintenance', [charge, pay, parking, reserve, paid], []);
    expect(q).toEqual({ collectedFen: 4_000, costsFen: 100, paidFen: 2_000, levyChargedFen: 10_000, levyPaidFen: 3_000, levyOwedFen: 7_000, cashFen: 1_900 });
  });

  test('a quarter with no entries carries the balances: nothing collected or paid, the levy still owed, the cash still held', () => {
    const quiet = quarterFigures([fundDisclosure('small_maintenance', [], paid, [])]);
    expect(quiet).toEqual({ collectedFen: 0, costsFen: 0, paidFen: 0, levyChargedFen: 0, levyPaidFen: 0, levyOwedFen: 7_000, cashFen: 1_900 });
  });

  test('several funds add up; a fund without a levy adds none', () => {
    const revenue = chainEntry(undefined, draft('income', incomePostings({ source: 'advertising', grossFen: 5_000, costsFen: 0 }), 0));
    const both = quarterFigures([fundDisclosure('small_maintenance', [charge, pay], pay, []), fundDisclosure('public_revenue', [revenue], revenue, [])]);
    expect(both).toEqual({ collectedFen: 8_000, costsFen: 0, paidFen: 0, levyChargedFen: 10_000, levyPaidFen: 3_000, levyOwedFen: 7_000, cashFen: 8_000 });
    expect(quarterFigures([])).toEqual(NO_QUARTER_FIGURES);
  });

  test('a reversal in a later quarter takes the income back in that quarter', () => {
    const income = chainEntry(undefined, draft('income', incomePostings({ source: 'parking', grossFen: 1_000, costsFen: 0 }), 0));
    const reversal = chainEntry(income, draft('reversal', incomePostings({ source: 'parking', grossFen: -1_000, costsFen: 0 }), 1, { reverses: 1 }));
    expect(disclose('public_revenue', [income, reversal], [1]).map((q) => q.collectedFen)).toEqual([1_000, -1_000]);
  });

  test('property: however a journal is cut into quarters, the quarters add up to the running figures at its end', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('income' as const), fen: fc.integer({ min: 1, max: 1e9 }), costs: fc.integer({ min: 0, max: 99 }) }),
      fc.record({ kind: fc.constant('levy_charge' as const), fen: fc.integer({ min: 1, max: 1e9 }) }),
      fc.record({ kind: fc.constant('levy_payment' as const), fen: fc.integer({ min: 1, max: 1e9 }) }),
      fc.record({ kind: fc.constant('payment' as const), percent: fc.integer({ min: 1, max: 100 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), fc.array(fc.nat(25), { maxLength: 6 }), (steps, cuts) => {
        const entries: Entry[] = [];
        steps.forEach((s, i) => {
          const previous = entries.at(-1);
          const push = (kind: EntryDraft['kind'], postings: EntryDraft['postings'], detail?: EntryDraft['detail']) =>
            entries.push(chainEntry(entries.at(-1), draft(kind, postings, entries.length, detail)));
          if (s.kind === 'income') push('income', incomePostings({ source: 'parking', grossFen: s.fen, costsFen: Math.floor((s.fen * s.costs) / 100), costKind: 'management' }));
          else if (s.kind === 'levy_charge') push('levy_charge', levyChargePostings(s.fen));
          else if (s.kind === 'levy_payment') push('levy_payment', levyPaymentPostings(s.fen));
          else {
            const amount = Math.floor(((previous?.balances.cash ?? 0) * s.percent) / 100);
            if (amount < 1) return;
            push('reservation', reservationPostings(`p${i}`, amount));
            push('payment', paymentPostings(`p${i}`, amount), { projectId: `p${i}`, expenseId: `x${i}` });
          }
        });
        fc.pre(entries.length > 0);
        const quarters = disclose('small_maintenance', entries, cuts);
        const total = quarters.reduce(addQuarterFigures, NO_QUARTER_FIGURES);
        // + 0: the running figures may say -0 where nothing was charged.
        const end = Object.fromEntries(Object.entries(fundFigures('small_maintenance', entries.at(-1)!.balances)).map(([k, v]) => [k, typeof v === 'number' ? v + 0 : v])) as ReturnType<
          typeof fundFigures
        >;
        expect(total.collectedFen).toBe(end.collectedFen);
        expect(total.costsFen).toBe(end.costsFen);
        expect(total.paidFen).toBe(end.spentFen);
        expect(total.levyChargedFen).toBe(end.levyChargedFen);
        expect(total.levyPaidFen).toBe(end.levyPaidFen);
        // Owed and held are at each quarter's end: the last quarter's are the journal's.
        expect(quarters.at(-1)).toMatchObject({ levyOwedFen: end.levyNetOwedFen, cashFen: end.cashFen });
      }),
    );
  });
});

describe('the quarters a report covers', () => {
  const last = '2027-Q2';
  test('by default the last 8 quarters ended, oldest first, across a year end', () => {
    expect(reportQuarters({}, last)).toEqual({ quarters: ['2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4', '2027-Q1', '2027-Q2'] });
    expect(reportQuarters({ to: '2026-Q1' }, last)).toEqual({ quarters: ['2024-Q2', '2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1'] });
    expect(reportQuarters({ from: '2027-Q1' }, last)).toEqual({ quarters: ['2027-Q1', '2027-Q2'] });
  });

  test('one quarter, and exactly the most at a time', () => {
    expect(reportQuarters({ from: '2026-Q4', to: '2026-Q4' }, last)).toEqual({ quarters: ['2026-Q4'] });
    const twelve = reportQuarters({ from: '2024-Q3', to: '2027-Q2' }, last);
    expect('quarters' in twelve && twelve.quarters).toHaveLength(MAX_REPORT_QUARTERS);
  });

  test('refused with a reason: one more than the most, backwards, not ended yet', () => {
    expect(reportQuarters({ from: '2024-Q2', to: '2027-Q2' }, last)).toEqual({ errors: [{ field: 'query.from', reason: expect.stringContaining('at most 12 quarters') }] });
    expect(reportQuarters({ from: '2027-Q1', to: '2026-Q4' }, last)).toEqual({ errors: [{ field: 'query.from', reason: '2027-Q1 is after 2026-Q4' }] });
    expect(reportQuarters({ to: '2027-Q3' }, last)).toEqual({ errors: [{ field: 'query.to', reason: '2027-Q3 has not ended: the last quarter ended is 2027-Q2' }] });
    expect(reportQuarters({ from: '2027-Q3' }, last)).toEqual({ errors: [{ field: 'query.from', reason: '2027-Q3 is after 2027-Q2' }] });
  });

  test('property: labels and indexes are one-to-one and in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000 * 4, max: 9999 * 4 + 3 }), fc.integer({ min: 1000 * 4, max: 9999 * 4 + 3 }), (a, b) => {
        expect(quarterIndex(quarterLabel(a))).toBe(a);
        expect(Math.sign(a - b)).toBe(Math.sign(quarterLabel(a) < quarterLabel(b) ? -1 : quarterLabel(a) > quarterLabel(b) ? 1 : 0));
      }),
    );
    expect(() => quarterIndex('2027-Q5')).toThrow();
  });

  test('property: a range is refused exactly when it is backwards, unended or too long', () => {
    const lastIndex = quarterIndex(last);
    fc.assert(
      fc.property(fc.integer({ min: lastIndex - 20, max: lastIndex + 3 }), fc.integer({ min: lastIndex - 20, max: lastIndex + 3 }), (from, to) => {
        const result = reportQuarters({ from: quarterLabel(from), to: quarterLabel(to) }, last);
        const ok = from <= to && to <= lastIndex && to - from + 1 <= MAX_REPORT_QUARTERS;
        expect('quarters' in result).toBe(ok);
        if ('quarters' in result) expect(result.quarters.map(quarterIndex)).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));
      }),
    );
  });
});
