import fc from 'fast-check';
import { disclosureRows, fundDisclosure, periodFigures } from './disclosure';
import { fundFigures } from './figures';
import { compositeId, eventId, shortId, systemRef } from './ids';
import { INCOME_RULES, incomeRefusal } from './income';
import { chainEntry, type EntryDraft } from './ledger';
import { resolutionEffect, type Matter } from './matters';
import { levyChargePostings, levyPaymentPostings } from './postings';
import { parseReceipts } from './receipts';

describe('identifiers unique by construction', () => {
  test('an expense id in two projects gives two ids; parts cannot be confused', () => {
    expect(eventId('ExpensePaid', 'C1', 'p1', 'X1')).not.toBe(eventId('ExpensePaid', 'C1', 'p2', 'X1'));
    expect(compositeId('x', ['a/b', 'c'])).not.toBe(compositeId('x', ['a', 'b/c']));
    expect(systemRef('pay', 'p1', 'X1')).toBe('@pay/p1/X1');
  });

  test('long ids are hashed within their limit, and never equal a readable one', () => {
    const long = shortId('levy', 'c'.repeat(64), 'u'.repeat(64), '2027-01');
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^levy#[0-9a-f]+$/);
    expect(eventId('E', 'a'.repeat(200)).length).toBeLessThanOrEqual(128);
  });

  test('property: different parts, different ids', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 70 }), { minLength: 1, maxLength: 4 }), fc.array(fc.string({ maxLength: 70 }), { minLength: 1, maxLength: 4 }), (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        expect(eventId('E', ...a)).not.toBe(eventId('E', ...b));
        expect(shortId('E', ...a)).not.toBe(shortId('E', ...b));
      }),
    );
  });
});

describe('which resolutions move money', () => {
  test.each<[Matter, object, string]>([
    ['maintenance_fund_use', { projectId: 'lift', amountFen: 100 }, 'project'],
    ['maintenance_fund_use', { projectId: 'lift', fund: 'small_maintenance', amountFen: 100 }, 'project'],
    ['maintenance_fund_use', { projectId: 'x', fund: 'public_revenue', amountFen: 100 }, 'refused'],
    ['common_parts_use', { projectId: 'x', fund: 'public_revenue', amountFen: 100 }, 'project'],
    ['other_major', { projectId: 'x', fund: 'public_revenue', amountFen: 100 }, 'project'],
    ['other_major', { projectId: 'x', fund: 'neighbours', amountFen: 100 }, 'project'],
    ['other_major', { projectId: 'x', fund: 'maintenance', amountFen: 100 }, 'refused'],
    ['management_covenant', { projectId: 'x', fund: 'maintenance', amountFen: 100 }, 'refused'],
    ['property_company', { projectId: 'x', fund: 'public_revenue', amountFen: 100 }, 'refused'],
    ['rebuilding', { projectId: 'x', amountFen: 100 }, 'refused'],
    ['maintenance_fund_raise', { levyFenPerSquareMetreMonth: 30 }, 'levy'],
    ['maintenance_fund_raise', { levyFenPerSquareMetreMonth: 0 }, 'refused'],
    ['other_major', { levyFenPerSquareMetreMonth: 30 }, 'refused'],
    ['maintenance_fund_raise', { levyFenPerSquareMetreMonth: 30, projectId: 'x', amountFen: 5 }, 'refused'],
    ['maintenance_fund_use', { projectId: 'x' }, 'refused'],
    ['committee_election', {}, 'none'],
  ])('%s with %j: %s', (matter, payload, kind) => {
    const effect = resolutionEffect(matter, payload);
    expect(effect.kind).toBe(kind);
    if (effect.kind === 'refused') expect(effect.reason.length).toBeGreaterThan(10);
  });
});

describe('who records what income', () => {
  const input = { source: 'deposits', grossFen: 100, costsFen: 0 };
  test('the maintenance fund by the city fund centre only', () => {
    expect(incomeRefusal('maintenance', input, ['bureau'])).toBeUndefined();
    expect(incomeRefusal('maintenance', input, ['property'])).toMatchObject({ status: 'forbidden' });
    expect(incomeRefusal('maintenance', input, ['committee'])).toMatchObject({ status: 'forbidden' });
  });
  test('sources per fund, costs only against public revenue', () => {
    expect(incomeRefusal('public_revenue', { source: 'parking', grossFen: 100, costsFen: 10, costKind: 'management' }, ['property'])).toBeUndefined();
    expect(incomeRefusal('public_revenue', { source: 'deposits', grossFen: 100, costsFen: 0 }, ['property'])).toMatchObject({ field: 'body.source' });
    expect(incomeRefusal('neighbours', { source: 'donations', grossFen: 100, costsFen: 10, costKind: 'other' }, ['committee'])).toMatchObject({ field: 'body.costsFen' });
    expect(incomeRefusal('public_revenue', { source: 'parking', grossFen: 100, costsFen: 100, costKind: 'tax' }, ['committee'])).toMatchObject({ field: 'body.costsFen' });
    expect(incomeRefusal('public_revenue', { source: 'parking', grossFen: 100, costsFen: 10 }, ['committee'])).toMatchObject({ field: 'body.costKind' });
    expect(INCOME_RULES.small_maintenance.sources).not.toContain('levy'); // the levy comes in through receipts
  });
});

const entry = (previous: ReturnType<typeof chainEntry> | undefined, d: Partial<EntryDraft> & Pick<EntryDraft, 'kind' | 'postings'>, i: number) =>
  chainEntry(previous, { memo: `e${i}`, sourceDocument: { type: 'other', ref: `r${i}` }, actor: 't', clientRef: `c${i}`, at: `2027-01-0${i + 1}T00:00:00.000Z`, ...d });

describe('figures: charged, paid and owed kept apart', () => {
  const charge = entry(undefined, { kind: 'levy_charge', postings: levyChargePostings(10_000) }, 0);
  const pay = entry(charge, { kind: 'levy_payment', postings: levyPaymentPostings(3_000) }, 1);
  const parking = entry(
    pay,
    {
      kind: 'income',
      postings: [
        { account: 'cash', amountFen: 900 },
        { account: 'costs:management', amountFen: 100 },
        { account: 'income:parking', amountFen: -1000 },
      ],
    },
    2,
  );

  test('a levy charged and unpaid is not collected', () => {
    expect(fundFigures('small_maintenance', charge.balances)).toMatchObject({ collectedFen: 0, levyChargedFen: 10_000, levyPaidFen: 0, levyNetOwedFen: 10_000, cashFen: 0 });
    expect(fundFigures('small_maintenance', parking.balances)).toMatchObject({ collectedFen: 4_000, levyChargedFen: 10_000, levyPaidFen: 3_000, levyNetOwedFen: 7_000, cashFen: 3_900, costsFen: 100 });
  });

  test('a quarter’s disclosure shows the levy charged, paid and owed, and income received by source', () => {
    expect(periodFigures([charge, pay, parking])).toEqual({ incomeBySource: { parking: 1000 }, costsByKind: { management: 100 }, levyChargedFen: 10_000, levyPaidFen: 3_000 });
    const d = fundDisclosure('small_maintenance', [pay, parking], parking, [], { unitsInArrears: 2, arrearsFen: 500, asOf: '2027-04-01T00:00:00.000Z' });
    expect(d.levy).toEqual({ chargedFen: 0, paidFen: 3_000, owedFen: 7_000, unitsInArrears: 2, arrearsFen: 500, arrearsAsOf: '2027-04-01T00:00:00.000Z' });
    const rows = disclosureRows([d]).map((r) => r.slice(0, 4).join(','));
    expect(rows).toEqual(expect.arrayContaining(['small_maintenance,levy,paid,30.00', 'small_maintenance,levy,owed at the end,70.00', 'small_maintenance,levy,units in arrears,2']));
  });
});

describe('a batch of receipts as CSV', () => {
  test('every bad line is reported; the good ones are returned for the caller to check further', () => {
    const csv = 'receipt,unit,amount\nR1,B01-0101,26.85\nR2,B01 0102,10\nR3,B01-0103,-1\nR4,B01-0104,1.234\nR5,B01-0105\n';
    const { lines, errors } = parseReceipts(csv, 100);
    expect(lines).toEqual([{ receiptRef: 'R1', unitId: 'B01-0101', amountFen: 2685, line: 2 }]);
    expect(errors.map((e) => e.field)).toEqual(['line 3: unit', 'line 4: amount', 'line 5: amount', 'line 6', 'line 6: amount']);
  });
  test('a good file: yuan to fen, one receipt over two units allowed', () => {
    expect(parseReceipts('receipt,unit,amount\nR1,B01-0101,26.85\nR1,B01-0202,27\n', 100)).toEqual({
      lines: [
        { receiptRef: 'R1', unitId: 'B01-0101', amountFen: 2685, line: 2 },
        { receiptRef: 'R1', unitId: 'B01-0202', amountFen: 2700, line: 3 },
      ],
      errors: [],
    });
  });
  test('a wrong header or too many lines', () => {
    expect(parseReceipts('unit,receipt,amount\n', 10).errors[0]!.field).toBe('line 1');
    expect(parseReceipts(`receipt,unit,amount\n${'R,U,1\n'.repeat(3)}`, 2).errors[0]!.reason).toMatch(/at most 2/);
  });
});
