import fc from 'fast-check';
import { monthlyLevyFen } from './levy';
import { applyPostings, available, chainEntry, contentHash, LedgerRuleError, reversalOf, verifyLedger, type Entry, type EntryDraft, type Posting } from './ledger';
import { amountForTier, nextDue, nextStep, reviewRefusal, stepDueAt, stepsFor, tierFor, type PayeeExpense } from './review';

const draft = (postings: Posting[], i = 0): EntryDraft => ({
  kind: 'income',
  postings,
  memo: `entry ${i}`,
  sourceDocument: { type: 'receipt', ref: `R${i}` },
  actor: 'tester',
  clientRef: `ref-${i}`,
  at: new Date(Date.UTC(2027, 0, 1) + i * 60_000).toISOString(),
});

describe('review tiers (业账社审)', () => {
  test.each([
    [1, 1],
    [199_999, 1], // 1,999.99 yuan
    [200_000, 2], // exactly 2,000 yuan: the second step is needed
    [1_999_999, 2],
    [2_000_000, 2], // exactly 20,000 yuan: not above it
    [2_000_001, 3], // 20,000.01 yuan: the street office too
    [50_000_000, 3],
  ])('%d fen is tier %d', (amount, tier) => expect(tierFor(amount)).toBe(tier));

  test('steps by tier', () => {
    expect(stepsFor(1)).toEqual(['community_reviewer']);
    expect(stepsFor(2)).toEqual(['community_reviewer', 'branch_and_residents_committee']);
    expect(stepsFor(3)).toEqual(['community_reviewer', 'branch_and_residents_committee', 'street_office']);
  });

  const e = (expenseId: string, payee: string, amountFen: number, day: number, status = 'pending', projectId = 'p1'): PayeeExpense => ({
    projectId,
    expenseId,
    payee,
    amountFen,
    status,
    submittedAt: new Date(Date.UTC(2027, 0, 1) + day * 86_400_000).toISOString(),
  });

  test('payments to one payee within 30 days are summed; the split cannot dodge a tier', () => {
    const split = [e('a', 'Acme Repairs Ltd.', 150_000, 0), e('b', 'acme repairs ltd', 150_000, 10)];
    expect(tierFor(split[1]!.amountFen)).toBe(1);
    expect(amountForTier(split[1]!, split)).toBe(300_000);
    expect(tierFor(amountForTier(split[1]!, split))).toBe(2);
  });

  test.each([
    [30, 300_000], // exactly 30 days earlier: inside the window
    [31, 150_000], // 31 days: outside
  ])('a payment %d days before counts: %d', (gap, expected) => {
    const first = e('a', 'Acme', 150_000, 0);
    const later = e('b', 'Acme', 150_000, gap);
    expect(amountForTier(later, [first, later])).toBe(expected);
  });

  test('days are calendar days in Beijing: 23:30 and 00:30 the next night are a day apart', () => {
    // 2027-01-01 15:30Z is 23:30 Beijing; 30 days later at 16:30Z is 00:30 Beijing on the 31st day.
    const first: PayeeExpense = { projectId: 'p', expenseId: 'a', payee: 'Acme', amountFen: 150_000, status: 'pending', submittedAt: '2027-01-01T15:30:00.000Z' };
    const at30 = { ...first, expenseId: 'b', submittedAt: '2027-01-31T15:59:00.000Z' }; // 23:59 on day 30
    const at31 = { ...first, expenseId: 'c', submittedAt: '2027-01-31T16:30:00.000Z' }; // 00:30 on day 31
    expect(amountForTier(at30, [first])).toBe(300_000);
    expect(amountForTier(at31, [first])).toBe(150_000);
  });

  test('rejected expenses and other payees never count; later expenses count only while the expense is in review', () => {
    const now = e('x', 'Acme', 100_000, 10);
    const others = [e('r', 'Acme', 900_000, 5, 'rejected'), e('o', 'Other Co', 900_000, 5), e('l', 'Acme', 900_000, 11)];
    expect(amountForTier(now, [now, ...others])).toBe(100_000);
    expect(amountForTier(now, [now, ...others], { stillInReview: true })).toBe(1_000_000);
  });

  test.each([
    [30, 300_000], // a later expense 30 days after still raises the earlier one
    [31, 150_000],
  ])('a later expense %d days after counts for an earlier one in review: %d', (gap, expected) => {
    const first = e('a', 'Acme', 150_000, 0);
    const later = e('b', 'Acme', 150_000, gap);
    expect(amountForTier(first, [first, later], { stillInReview: true })).toBe(expected);
  });

  test('the same expense id in two projects is two expenses', () => {
    const mine = e('X1', 'Acme', 150_000, 0, 'pending', 'p1');
    const other = e('X1', 'Acme', 150_000, 1, 'pending', 'p2');
    expect(amountForTier(mine, [mine, other], { stillInReview: true })).toBe(300_000);
  });

  test('what is due next, and who takes it', () => {
    expect(nextDue(3, [])).toEqual({ step: 'community_reviewer', role: 'community' });
    expect(
      nextDue(3, [
        { step: 'community_reviewer', by: 'a', at: '' },
        { step: 'branch_and_residents_committee', by: 'b', at: '' },
      ]),
    ).toEqual({ step: 'street_office', role: 'street' });
    expect(nextDue(1, [{ step: 'community_reviewer', by: 'a', at: '' }])).toBeUndefined();
  });

  test('nobody approves their own expense, and each step needs a different person', () => {
    expect(reviewRefusal('community_reviewer', 'u1', 'u1', [])).toMatch(/own expense/);
    expect(reviewRefusal('community_reviewer', 'u2', 'u1', [])).toBeUndefined();
    const approvals = [{ step: 'community_reviewer' as const, by: 'u2', at: '' }];
    expect(reviewRefusal('branch_and_residents_committee', 'u2', 'u1', approvals)).toMatch(/different reviewer/);
    expect(reviewRefusal('community_reviewer', 'u3', 'u1', approvals)).toMatch(/already approved/);
    expect(nextStep(2, approvals)).toBe('branch_and_residents_committee');
    expect(nextStep(1, approvals)).toBeUndefined();
  });

  test('a step is due 5 working days later on the Beijing calendar', () => {
    expect(stepDueAt('2027-01-01T01:00:00.000Z')).toBe('2027-01-08T01:00:00.000Z'); // Friday 09:00 Beijing → next Friday
    // Friday 20:00 UTC is Saturday 04:00 in Beijing: the week starts on Monday there, due Friday 04:00 Beijing.
    expect(stepDueAt('2027-01-08T20:00:00.000Z')).toBe('2027-01-14T20:00:00.000Z');
  });
});

describe('the levy in fen', () => {
  test.each([
    [30, 8950, 2685], // 0.30 yuan × 89.50 m² = 26.85 yuan exactly
    [30, 8953, 2686], // 2685.9 fen → 2686
    [30, 8951, 2685], // 2685.3 → 2685
    [30, 8955, 2687], // 2686.5 → half up
    [130, 10_000, 13_000], // 1.30 yuan × 100 m²
    [0, 10_000, 0],
  ])('%d fen/m²/month over %d hundredths of a m² is %d fen', (rate, area, fen) => expect(monthlyLevyFen(rate, area)).toBe(fen));

  test('never drifts by more than half a fen from the exact charge, and never uses floats', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 100_000_00 }), (rate, area) => {
        const fen = monthlyLevyFen(rate, area);
        expect(Number.isSafeInteger(fen)).toBe(true);
        const exactTimes100 = rate * area;
        expect(Math.abs(fen * 100 - exactTimes100)).toBeLessThanOrEqual(50);
      }),
    );
  });

  test('bad inputs are refused', () => {
    expect(() => monthlyLevyFen(0.3, 8950)).toThrow();
    expect(() => monthlyLevyFen(30, 0)).toThrow();
  });
});

describe('the journal', () => {
  test('entries must balance, name known accounts and move whole fen', () => {
    expect(() =>
      chainEntry(
        undefined,
        draft([
          { account: 'cash', amountFen: 100 },
          { account: 'income:parking', amountFen: -99 },
        ]),
      ),
    ).toThrow(/differ by 1 fen/);
    expect(() => chainEntry(undefined, draft([{ account: 'cash', amountFen: 100 }]))).toThrow(/at least two/);
    expect(() =>
      chainEntry(
        undefined,
        draft([
          { account: 'cash', amountFen: 1.5 },
          { account: 'income:parking', amountFen: -1.5 },
        ]),
      ),
    ).toThrow(/whole number/);
    expect(() =>
      chainEntry(
        undefined,
        draft([
          { account: 'bank', amountFen: 100 },
          { account: 'income:parking', amountFen: -100 },
        ]),
      ),
    ).toThrow(/unknown account/);
    expect(() =>
      chainEntry(
        undefined,
        draft([
          { account: 'cash', amountFen: 100 },
          { account: 'cash', amountFen: -100 },
        ]),
      ),
    ).toThrow(/twice/);
  });

  test('cash never goes below zero; a reservation never above what was approved', () => {
    const first = chainEntry(
      undefined,
      draft([
        { account: 'cash', amountFen: 1000 },
        { account: 'income:parking', amountFen: -1000 },
      ]),
    );
    expect(() =>
      chainEntry(
        first,
        draft(
          [
            { account: 'spent:lift', amountFen: 1001 },
            { account: 'cash', amountFen: -1001 },
          ],
          1,
        ),
      ),
    ).toThrow(LedgerRuleError);
    const ok = chainEntry(
      first,
      draft(
        [
          { account: 'spent:lift', amountFen: 1000 },
          { account: 'cash', amountFen: -1000 },
        ],
        1,
      ),
    );
    expect(ok.balances.cash).toBe(0);
    expect(() =>
      applyPostings({ 'reserved:lift': -500, appropriations: 500 }, [
        { account: 'reserved:lift', amountFen: 501 },
        { account: 'appropriations', amountFen: -501 },
      ]),
    ).toThrow(/overdraw reserved:lift/);
  });

  test('a reversal restores the balances and is itself an entry', () => {
    const a = chainEntry(
      undefined,
      draft([
        { account: 'cash', amountFen: 5000 },
        { account: 'income:advertising', amountFen: -5000 },
      ]),
    );
    const b = chainEntry(
      a,
      draft(
        [
          { account: 'cash', amountFen: 300 },
          { account: 'income:parking', amountFen: -300 },
        ],
        1,
      ),
    );
    const c = chainEntry(b, reversalOf(b, 'tester', 'typed twice', 'rev-1', '2027-01-02T00:00:00.000Z'));
    expect(c.balances).toEqual({ cash: 5000, 'income:advertising': -5000, 'income:parking': 0 });
    expect(verifyLedger([a, b, c]).ok).toBe(true);
  });

  test('the content hash is what a client reference promises', () => {
    const d = draft([
      { account: 'cash', amountFen: 5 },
      { account: 'income:parking', amountFen: -5 },
    ]);
    const retried: EntryDraft = { ...d, actor: 'someone else', at: 'later', clientRef: 'x' };
    expect(contentHash(d)).toBe(contentHash(retried));
    expect(contentHash(d)).not.toBe(
      contentHash({
        ...d,
        postings: [
          { account: 'cash', amountFen: 6 },
          { account: 'income:parking', amountFen: -6 },
        ],
      }),
    );
  });

  // Random sequences of income, spending (some of it overdrawing) and reversals.
  const operation = fc.oneof(
    fc.record({ op: fc.constant('income' as const), source: fc.constantFrom('parking', 'advertising', 'rents'), fen: fc.integer({ min: 1, max: 1_000_000 }) }),
    fc.record({ op: fc.constant('spend' as const), project: fc.constantFrom('lift', 'roof'), fen: fc.integer({ min: 1, max: 2_000_000 }) }),
    fc.record({ op: fc.constant('reverse' as const), back: fc.integer({ min: 0, max: 10 }) }),
  );

  function play(ops: any[]): { entries: Entry[]; refused: number } {
    const entries: Entry[] = [];
    let refused = 0;
    for (const [i, o] of ops.entries()) {
      const previous = entries.at(-1);
      let d: EntryDraft;
      if (o.op === 'income')
        d = draft(
          [
            { account: 'cash', amountFen: o.fen },
            { account: `income:${o.source}`, amountFen: -o.fen },
          ],
          i,
        );
      else if (o.op === 'spend')
        d = draft(
          [
            { account: `spent:${o.project}`, amountFen: o.fen },
            { account: 'cash', amountFen: -o.fen },
          ],
          i,
        );
      else {
        const target = entries[entries.length - 1 - o.back];
        // An entry is reversed once, and a reversal is not reversed (verifyLedger flags both).
        if (!target || target.kind === 'reversal' || entries.some((x) => x.kind === 'reversal' && x.sourceDocument.ref === `entry:${target.seq}`)) continue;
        d = reversalOf(target, 'tester', 'correction', `rev-${i}`, draft([], i).at);
      }
      try {
        entries.push(chainEntry(previous, d));
      } catch (error) {
        expect(error).toBeInstanceOf(LedgerRuleError);
        refused++;
      }
    }
    return { entries, refused };
  }

  test('balances always sum to zero, cash never goes negative, the chain always verifies', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), (ops) => {
        const { entries } = play(ops);
        for (const e of entries) {
          expect(Object.values(e.balances).reduce((s, b) => s + b, 0)).toBe(0);
          expect(e.balances.cash ?? 0).toBeGreaterThanOrEqual(0);
        }
        const check = verifyLedger(entries);
        expect(check.ok).toBe(true);
        expect(check.balances).toEqual(entries.at(-1)?.balances ?? {});
      }),
    );
  });

  test('any change to any entry is caught at that entry', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 3, maxLength: 30 }), fc.nat(), fc.constantFrom('amount', 'memo', 'balance', 'drop', 'swap'), (ops, pick, how) => {
        const { entries } = play(ops);
        if (entries.length < 2) return;
        const i = pick % (entries.length - 1);
        const tampered = entries.map((e) => structuredClone(e));
        if (how === 'amount') {
          tampered[i]!.postings[0]!.amountFen += 1;
          tampered[i]!.postings[1]!.amountFen -= 1;
        } else if (how === 'memo') tampered[i]!.memo += '!';
        else if (how === 'balance') tampered[i]!.balances.cash = (tampered[i]!.balances.cash ?? 0) + 1;
        else if (how === 'drop') tampered.splice(i, 1);
        else [tampered[i], tampered[i + 1]] = [tampered[i + 1]!, tampered[i]!];
        const check = verifyLedger(tampered);
        expect(check.ok).toBe(false);
        expect(check.firstBad!.seq).toBe(how === 'drop' || how === 'swap' ? tampered[i]!.seq : i + 1);
      }),
    );
  });

  test('a second reversal of an entry, a reversal of a reversal, or a reversal that does not negate are caught', () => {
    const a = chainEntry(
      undefined,
      draft([
        { account: 'cash', amountFen: 5000 },
        { account: 'income:advertising', amountFen: -5000 },
      ]),
    );
    const b = chainEntry(
      a,
      draft(
        [
          { account: 'cash', amountFen: 300 },
          { account: 'income:parking', amountFen: -300 },
        ],
        1,
      ),
    );
    const r1 = chainEntry(b, reversalOf(b, 'tester', 'typed twice', 'rev-1', '2027-01-02T00:00:00.000Z'));
    // A second reversal under another reference (as the store once allowed): the chain itself is sound, the rule is not.
    const r2 = chainEntry(r1, { ...reversalOf(b, 'tester', 'typed twice', 'rev-2', '2027-01-02T00:00:01.000Z'), clientRef: 'rev-2' });
    expect(verifyLedger([a, b, r1, r2])).toMatchObject({ ok: false, firstBad: { seq: 4, reason: expect.stringMatching(/reversed a second time \(first by entry 3\)/) } });
    const rr = chainEntry(r1, reversalOf(r1, 'tester', 'undo', 'rev-3', '2027-01-02T00:00:02.000Z'));
    expect(verifyLedger([a, b, r1, rr])).toMatchObject({ ok: false, firstBad: { seq: 4, reason: expect.stringMatching(/itself a reversal/) } });
    const half = chainEntry(b, {
      ...reversalOf(b, 'tester', 'half', 'rev-4', ''),
      postings: [
        { account: 'cash', amountFen: -100 },
        { account: 'income:parking', amountFen: 100 },
      ],
    });
    expect(verifyLedger([a, b, half])).toMatchObject({ ok: false, firstBad: { seq: 3, reason: 'does not negate entry 2' } });
    expect(reversalOf(b, 'x', 'y', 'z', '').clientRef).toBe(reversalOf(b, 'other', 'other reason', 'other ref', '').clientRef);
  });

  test('a page verifies as the continuation of the entry before it', () => {
    const a = chainEntry(
      undefined,
      draft([
        { account: 'cash', amountFen: 5000 },
        { account: 'income:advertising', amountFen: -5000 },
      ]),
    );
    const b = chainEntry(
      a,
      draft(
        [
          { account: 'cash', amountFen: 300 },
          { account: 'income:parking', amountFen: -300 },
        ],
        1,
      ),
    );
    const c = chainEntry(
      b,
      draft(
        [
          { account: 'cash', amountFen: 7 },
          { account: 'income:parking', amountFen: -7 },
        ],
        2,
      ),
    );
    expect(verifyLedger([b, c], a)).toMatchObject({ ok: true, entries: 3 });
    expect(verifyLedger([c], a)).toMatchObject({ ok: false, firstBad: { seq: 3 } });
  });

  test('a balance beyond 2^53 fen is refused: it could not be kept exactly', () => {
    const big = chainEntry(
      undefined,
      draft([
        { account: 'cash', amountFen: Number.MAX_SAFE_INTEGER - 10 },
        { account: 'opening_balance', amountFen: -(Number.MAX_SAFE_INTEGER - 10) },
      ]),
    );
    expect(() =>
      chainEntry(
        big,
        draft(
          [
            { account: 'cash', amountFen: 10 },
            { account: 'income:parking', amountFen: -10 },
          ],
          1,
        ),
      ),
    ).not.toThrow();
    expect(() =>
      chainEntry(
        big,
        draft(
          [
            { account: 'cash', amountFen: 11 },
            { account: 'income:parking', amountFen: -11 },
          ],
          1,
        ),
      ),
    ).toThrow(/beyond 2\^53/);
  });

  test('available is cash not set aside', () => {
    expect(available({ cash: 1000, appropriations: 300 })).toBe(700);
    expect(available({})).toBe(0);
  });
});
