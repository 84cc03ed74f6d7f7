import fc from 'fast-check';
import {
  applyCharge,
  applyPayments,
  arrearsChanges,
  bucketCount,
  bucketOf,
  chargeSheets,
  emptyBucket,
  firstLevyMonth,
  levyFigures,
  levyPayer,
  maxPaymentFen,
  owedFen,
  owingSince,
  settleThrough,
  type BucketState,
} from './levy';

const units = [
  { unitId: 'B01-0101', area: 8950, holding: 'owned' as const, ownerId: 'O1' },
  { unitId: 'B02-0301', area: 11836, holding: 'sold_undelivered' as const, ownerId: 'BUYER9' },
  { unitId: 'B02-0401', area: 7620, holding: 'unsold' as const, ownerId: 'DEV' },
];

describe('who pays the levy', () => {
  test('the developer until delivery, then the owner', () => {
    expect(levyPayer(units[0]!, 'DEV')).toBe('O1');
    expect(levyPayer(units[1]!, 'DEV')).toBe('DEV');
    expect(levyPayer(units[2]!, 'DEV')).toBe('DEV');
  });

  test('charge sheets name the payer and the owner of record; amounts are per unit, rounded once', () => {
    const sheets = chargeSheets(units, 30, 'DEV', 1);
    expect(sheets.get(0)).toEqual([
      { unitId: 'B01-0101', payerId: 'O1', ownerId: 'O1', holding: 'owned', fen: 2685 },
      { unitId: 'B02-0301', payerId: 'DEV', ownerId: 'BUYER9', holding: 'sold_undelivered', fen: 3551 },
      { unitId: 'B02-0401', payerId: 'DEV', ownerId: 'DEV', holding: 'unsold', fen: 2286 },
    ]);
  });

  test('buckets: stable, about 150 units each', () => {
    expect(bucketCount(0)).toBe(1);
    expect(bucketCount(150)).toBe(1);
    expect(bucketCount(151)).toBe(2);
    expect(bucketCount(2000)).toBe(14);
    expect(bucketOf('B01-0101', 14)).toBe(bucketOf('B01-0101', 14));
    const spread = new Map<number, number>();
    for (let i = 0; i < 2000; i++) spread.set(bucketOf(`B${Math.floor(i / 100)}-${i % 100}`, 14), (spread.get(bucketOf(`B${Math.floor(i / 100)}-${i % 100}`, 14)) ?? 0) + 1);
    expect(Math.max(...spread.values())).toBeLessThan(220);
  });

  test('the first month charged is the month after the decision', () => {
    expect(firstLevyMonth('2026-11')).toBe('2026-12');
    expect(firstLevyMonth('2026-12')).toBe('2027-01');
  });
});

describe('unit accounts derived from the journal', () => {
  const sheet = (fen: number) => [{ unitId: 'U1', payerId: 'O1', ownerId: 'O1', holding: 'owned' as const, fen }];

  test('an entry is applied to a bucket once, whatever the order of retries', () => {
    let b: BucketState = emptyBucket();
    b = applyCharge(b, 3, '2027-01', sheet(100));
    b = applyCharge(b, 3, '2027-01', sheet(100));
    b = applyPayments(b, 5, [{ unitId: 'U1', amountFen: 60 }]);
    b = applyPayments(b, 5, [{ unitId: 'U1', amountFen: 60 }]);
    expect(b.units.U1).toMatchObject({ chargedFen: 100, paidFen: 60 });
    b = settleThrough(b, 5);
    expect(b).toMatchObject({ throughSeq: 5, applied: [] });
    expect(applyPayments(b, 4, [{ unitId: 'U1', amountFen: 1 }])).toBe(b); // at or below throughSeq: applied
  });

  test('payments settle the oldest months first: what is owed dates from the latest unpaid months', () => {
    let b = emptyBucket();
    b = applyCharge(b, 1, '2027-01', sheet(100));
    b = applyCharge(b, 2, '2027-02', sheet(100));
    b = applyCharge(b, 3, '2027-03', sheet(100));
    expect(owingSince(b.units.U1!)).toEqual({ period: '2027-01', payerId: 'O1' });
    b = applyPayments(b, 4, [{ unitId: 'U1', amountFen: 150 }]);
    expect(owingSince(b.units.U1!)?.period).toBe('2027-02');
    b = applyPayments(b, 5, [{ unitId: 'U1', amountFen: 150 }]);
    expect(owingSince(b.units.U1!)).toBeUndefined();
  });

  test.each([
    ['2027-02', false], // one month after: not yet
    ['2027-03', true], // two whole months after the month charged: arrears
  ])('a January charge unpaid in %s is arrears: %s', (period, expected) => {
    const b = applyCharge(emptyBucket(), 1, '2027-01', sheet(100));
    const { opened } = arrearsChanges(b, period, (u, since) => `levy/${u}/${since}`);
    expect(opened.length === 1).toBe(expected);
  });

  test('arrears name the payer of the month owed, and clear when nothing is owed', () => {
    let b = applyCharge(emptyBucket(), 1, '2027-01', [{ unitId: 'U1', payerId: 'DEV', ownerId: 'B9', holding: 'sold_undelivered', fen: 100 }]);
    const opened = arrearsChanges(b, '2027-03', (u, since) => `levy/${u}/${since}`);
    expect(opened.opened).toEqual([{ unitId: 'U1', payerId: 'DEV', arrearsId: 'levy/U1/2027-01', owedFen: 100, since: '2027-01' }]);
    b = applyPayments(opened.state, 2, [{ unitId: 'U1', amountFen: 100 }]);
    expect(arrearsChanges(b, '2027-03', () => 'x').cleared).toEqual([expect.objectContaining({ unitId: 'U1', payerId: 'DEV', arrearsId: 'levy/U1/2027-01' })]);
  });

  test('advance payments: credit, spent by later months; at most 12 months ahead', () => {
    let b = applyPayments(emptyBucket(), 1, [{ unitId: 'U1', amountFen: 250 }]);
    expect(levyFigures(Object.values(b.units))).toMatchObject({ owedFen: 0, creditFen: 250 });
    b = applyCharge(b, 2, '2027-01', sheet(100));
    expect(levyFigures(Object.values(b.units))).toMatchObject({ owedFen: 0, creditFen: 150, chargedFen: 100, paidFen: 250 });
    expect(maxPaymentFen(b.units.U1, 100)).toBe(1200);
    expect(maxPaymentFen(undefined, 100)).toBe(1200);
  });

  test('property: figures always equal what the journal says, in any order and with repeats', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ charge: fc.integer({ min: 1, max: 5000 }) }), fc.record({ pay: fc.integer({ min: 1, max: 5000 }) })), { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (ops, repeats) => {
          const entries = ops.map((o, i) => ({ seq: i + 1, ...o }));
          const replay = [...entries, ...repeats.map((r) => entries[r % Math.max(1, entries.length)]).filter(Boolean)] as typeof entries;
          let b = emptyBucket();
          for (const e of replay)
            b = 'charge' in e ? applyCharge(b, e.seq, `2027-${String((e.seq % 12) + 1).padStart(2, '0')}`, sheet(e.charge)) : applyPayments(b, e.seq, [{ unitId: 'U1', amountFen: e.pay }]);
          const charged = entries.reduce((s, e) => s + ('charge' in e ? e.charge : 0), 0);
          const paid = entries.reduce((s, e) => s + ('pay' in e ? e.pay : 0), 0);
          const f = levyFigures(Object.values(b.units));
          expect(f.chargedFen).toBe(charged);
          expect(f.paidFen).toBe(paid);
          expect(f.owedFen - f.creditFen).toBe(charged - paid);
          if (b.units.U1) expect(owedFen(b.units.U1)).toBe(Math.max(0, charged - paid));
        },
      ),
    );
  });
});
