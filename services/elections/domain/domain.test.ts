import fc from 'fast-check';
import { matter, type UnitRecord } from '../../../events/catalogue';
import { buildLog, firstBrokenEntry, headOf, receiptOf, type BallotRecord } from './ballot-log';
import { allocateSeats, needsNewElection, seatsAllowed } from './committee';
import { freezeElectorate } from './electorate';
import { tallyElection, tallyResolution } from './tally';
import { decide, hasQuorum, passes, SUPERMAJORITY_MATTERS, type Figures, type Matter } from './thresholds';

const MATTERS: Matter[] = [...matter.options];

describe('quorum: at least 2/3 of total area AND of total headcount', () => {
  // 900.00 m² in total, 9 owners: 2/3 is exactly 600.00 m² and 6 owners.
  const base = { totalArea: 90_000, totalHeadcount: 9, forArea: 0, forHeadcount: 0 };
  test.each([
    ['exactly 2/3 of both', 60_000, 6, true],
    ['one m² below 2/3 of area', 59_900, 6, false],
    ['0.01 m² below 2/3 of area', 59_999, 6, false],
    ['one owner below 2/3 of headcount', 60_000, 5, false],
    ['above both', 90_000, 9, true],
    ['nobody', 0, 0, false],
  ])('%s', (_label, participatingArea, participatingHeadcount, expected) => {
    expect(hasQuorum({ ...base, participatingArea, participatingHeadcount })).toBe(expected);
  });

  test('when 2/3 is not a whole number the boundary rounds up, exactly', () => {
    // 2/3 of 100 hundredths is 66.67: 67 reaches it, 66 does not; 2/3 of 10 owners is 6.67: 7, not 6.
    const f = { totalArea: 100, totalHeadcount: 10, forArea: 0, forHeadcount: 0 };
    expect(hasQuorum({ ...f, participatingArea: 67, participatingHeadcount: 7 })).toBe(true);
    expect(hasQuorum({ ...f, participatingArea: 66, participatingHeadcount: 7 })).toBe(false);
    expect(hasQuorum({ ...f, participatingArea: 67, participatingHeadcount: 6 })).toBe(false);
  });

  test('exact at sizes where a float 2/3 is inexact', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3_000_000_000 }), fc.integer({ min: 1, max: 100_000 }), (k, h) => {
        const f = { totalArea: 3 * k, totalHeadcount: 3 * h, forArea: 0, forHeadcount: 0 };
        expect(hasQuorum({ ...f, participatingArea: 2 * k, participatingHeadcount: 2 * h })).toBe(true);
        expect(hasQuorum({ ...f, participatingArea: 2 * k - 1, participatingHeadcount: 2 * h })).toBe(false);
      }),
    );
  });

  test('an empty electorate never has a quorum', () => {
    expect(hasQuorum({ totalArea: 0, totalHeadcount: 0, participatingArea: 0, participatingHeadcount: 0, forArea: 0, forHeadcount: 0 })).toBe(false);
  });
});

describe('passing: 3/4 for matters 6-8, more than half for the others', () => {
  test('matters 6, 7 and 8 are exactly the supermajority matters', () => {
    expect([...SUPERMAJORITY_MATTERS].sort()).toEqual(['common_parts_use', 'maintenance_fund_raise', 'rebuilding']);
  });

  // 800.00 m² and 8 owners took part.
  const p = { participatingArea: 80_000, participatingHeadcount: 8 };
  describe.each(['maintenance_fund_raise', 'rebuilding', 'common_parts_use'] as Matter[])('%s (3/4)', (matter) => {
    test.each([
      ['exactly 3/4 of both', 60_000, 6, true],
      ['one m² below 3/4 of area', 59_900, 6, false],
      ['0.01 m² below 3/4 of area', 59_999, 6, false],
      ['one owner below 3/4 of headcount', 60_000, 5, false],
      ['more than half but below 3/4', 50_000, 5, false],
      ['all', 80_000, 8, true],
    ])('%s', (_l, forArea, forHeadcount, expected) => expect(passes(matter, { ...p, forArea, forHeadcount })).toBe(expected));
  });

  describe.each(MATTERS.filter((m) => !SUPERMAJORITY_MATTERS.has(m)))('%s (more than half)', (matter) => {
    test.each([
      ['exactly half of area is not more than half', 40_000, 5, false],
      ['exactly half of headcount is not more than half', 40_001, 4, false],
      ['0.01 m² over half of area and over half of headcount', 40_001, 5, true],
      ['one m² below half', 39_900, 5, false],
      ['3/4 is plenty', 60_000, 6, true],
    ])('%s', (_l, forArea, forHeadcount, expected) => expect(passes(matter, { ...p, forArea, forHeadcount })).toBe(expected));
  });

  test('more than half of an odd headcount', () => {
    expect(passes('other_major', { participatingArea: 700, participatingHeadcount: 7, forArea: 400, forHeadcount: 4 })).toBe(true);
    expect(passes('other_major', { participatingArea: 700, participatingHeadcount: 7, forArea: 400, forHeadcount: 3 })).toBe(false);
  });

  test('decide checks the quorum first', () => {
    const f: Figures = { totalArea: 90_000, totalHeadcount: 9, participatingArea: 59_999, participatingHeadcount: 9, forArea: 59_999, forHeadcount: 9 };
    expect(decide('other_major', f)).toEqual({ passed: false, reason: 'no_quorum' });
    expect(decide('other_major', { ...f, participatingArea: 60_000, forArea: 30_000 })).toEqual({ passed: false, reason: 'not_enough_votes' });
    expect(decide('other_major', { ...f, participatingArea: 60_000, forArea: 30_001 })).toEqual({ passed: true });
  });

  test('one more vote for never turns a pass into a failure', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MATTERS),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (matter, pa, ph, ra, rh) => {
          const forArea = Math.floor(pa * ra);
          const forHeadcount = Math.floor(ph * rh);
          const before = passes(matter, { participatingArea: pa, participatingHeadcount: ph, forArea, forHeadcount });
          const after = passes(matter, { participatingArea: pa, participatingHeadcount: ph, forArea: Math.min(pa, forArea + 1), forHeadcount: Math.min(ph, forHeadcount + 1) });
          return !before || after;
        },
      ),
    );
  });
});

describe('who counts (SPC arts. 8-9)', () => {
  const u = (unitId: string, area: number, holding: UnitRecord['holding'], ownerId: string, registered = true): UnitRecord => ({
    unitId,
    buildingId: 'B1',
    area,
    areaSource: 'register',
    holding,
    ownerId,
    registered,
  });

  test("developer's unsold and undelivered units are one person; one buyer's units are one person; areas count in full", () => {
    const electorate = freezeElectorate(
      [
        u('1', 8_000, 'owned', 'O1'),
        u('2', 9_000, 'owned', 'O1'),
        u('3', 7_000, 'owned', 'O2', false), // in lawful possession, not yet registered: an owner
        u('4', 6_000, 'unsold', 'DEV'),
        u('5', 6_500, 'unsold', 'DEV'),
        u('6', 7_500, 'sold_undelivered', 'O3'), // sold, not delivered: still with the developer
      ],
      'DEV',
    );
    expect(electorate.totalHeadcount).toBe(3);
    expect(electorate.totalArea).toBe(44_000);
    expect(electorate.voters).toEqual([
      { voterId: 'DEV', area: 20_000, headcount: 1, unitIds: ['4', '5', '6'], buildingIds: ['B1'] },
      { voterId: 'O1', area: 17_000, headcount: 1, unitIds: ['1', '2'], buildingIds: ['B1'] },
      { voterId: 'O2', area: 7_000, headcount: 1, unitIds: ['3'], buildingIds: ['B1'] },
    ]);
  });

  test('each voter carries the buildings of their units (for the building heads) and their name on the roll', () => {
    const e = freezeElectorate(
      [
        { ...u('B1-1', 8_000, 'owned', 'O1'), ownerName: 'Chen Hua' },
        { ...u('B2-1', 9_000, 'owned', 'O1'), buildingId: 'B2', ownerName: 'Chen Hua' },
        { ...u('B2-2', 6_000, 'unsold', 'DEV'), buildingId: 'B2', ownerName: 'not an owner' },
      ],
      'DEV',
    );
    expect(e.voters).toEqual([
      { voterId: 'DEV', area: 6_000, headcount: 1, unitIds: ['B2-2'], buildingIds: ['B2'] },
      { voterId: 'O1', area: 17_000, headcount: 1, unitIds: ['B1-1', 'B2-1'], buildingIds: ['B1', 'B2'], name: 'Chen Hua' },
    ]);
  });

  test('totals always equal the sum over units, and each owner counts once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ area: fc.integer({ min: 1, max: 50_000 }), owner: fc.integer({ min: 0, max: 20 }), holding: fc.constantFrom('owned', 'unsold', 'sold_undelivered') }), {
          minLength: 1,
          maxLength: 200,
        }),
        (rows) => {
          const units = rows.map((r, i) => u(String(i), r.area, r.holding as UnitRecord['holding'], r.holding === 'unsold' ? 'DEV' : `O${r.owner}`));
          const e = freezeElectorate(units, 'DEV');
          expect(e.totalArea).toBe(rows.reduce((s, r) => s + r.area, 0));
          const people = new Set(units.map((x) => (x.holding === 'owned' ? x.ownerId : 'DEV')));
          expect(e.totalHeadcount).toBe(people.size);
        },
      ),
    );
  });
});

describe('committee size', () => {
  test.each([
    [3, 100, true],
    [3, 101, false],
    [5, 101, true],
    [4, 50, false],
    [7, 2000, true],
    [11, 2000, true],
    [13, 2000, false],
    [1, 10, false],
    [5.5, 200, false],
  ])('%d seats for %d households allowed: %s', (seats, households, ok) => {
    expect(seatsAllowed(seats, households) === undefined).toBe(ok);
  });

  test.each([
    [7, 7, false],
    [7, 4, true], // below 5
    [9, 5, false],
    [9, 4, true], // below half of 9
    [11, 5, true], // below half of 11
    [11, 6, false],
    [3, 3, false],
    [3, 2, true],
    [3, 1, true],
  ])('%d seats with %d members needs a new election: %s', (seats, members, expected) => {
    expect(needsNewElection(members, seats)).toBe(expected);
  });
});

describe('seat allocation and alternates', () => {
  // 10 owners, 1,000.00 m² in total; 8 owners with 800.00 m² take part.
  const figures = { totalArea: 100_000, totalHeadcount: 10, participatingArea: 80_000, participatingHeadcount: 8 };
  const c = (candidateId: string, forArea: number, forHeadcount: number) => ({ candidateId, forArea, forHeadcount });

  test('more than half is elected in vote order; exactly half is an alternate; less is not', () => {
    const result = allocateSeats(3, figures, [c('low', 30_000, 3), c('half', 40_000, 4), c('a', 60_000, 6), c('b', 70_000, 7), c('c', 40_001, 5)]);
    expect(result.elected.map((x) => x.candidateId)).toEqual(['b', 'a', 'c']);
    expect(result.alternates.map((x) => x.candidateId)).toEqual(['half']);
    expect(result.rejected.map((x) => x.candidateId)).toEqual(['low']);
  });

  test('a majority candidate beyond the seats becomes the first alternate', () => {
    const result = allocateSeats(1, figures, [c('a', 60_000, 6), c('b', 50_000, 5), c('half', 40_000, 4)]);
    expect(result.elected.map((x) => x.candidateId)).toEqual(['a']);
    expect(result.alternates.map((x) => x.candidateId)).toEqual(['b', 'half']);
  });

  test('ties are broken by area, then by candidate id', () => {
    const result = allocateSeats(3, figures, [c('z', 50_000, 6), c('y', 60_000, 6), c('x', 60_000, 6)]);
    expect(result.elected.map((x) => x.candidateId)).toEqual(['x', 'y', 'z']);
  });

  test('a majority of headcount without a majority of area is not elected', () => {
    const result = allocateSeats(3, figures, [c('a', 40_000, 8)]);
    expect(result.elected).toEqual([]);
    expect(result.alternates.map((x) => x.candidateId)).toEqual(['a']);
  });

  test('without a quorum nobody is elected', () => {
    const result = allocateSeats(3, { ...figures, participatingHeadcount: 6 }, [c('a', 80_000, 6)]);
    expect(result.quorum).toBe(false);
    expect(result.elected).toEqual([]);
  });
});

describe('tallies', () => {
  test('abstentions take part but do not count for', () => {
    const result = tallyResolution('maintenance_fund_use', { totalArea: 1000, totalHeadcount: 9 }, [
      ...Array.from({ length: 4 }, () => ({ choice: 'for', area: 100, headcount: 1 })),
      { choice: 'against', area: 100, headcount: 1 },
      { choice: 'abstain', area: 200, headcount: 1 },
    ]);
    expect(result.figures).toEqual({ totalArea: 1000, totalHeadcount: 9, participatingArea: 700, participatingHeadcount: 6, forArea: 400, forHeadcount: 4 });
    expect(result.outcome).toEqual({ passed: true });
    expect(result.abstainArea).toBe(200);
  });

  test('an election tally counts each listed candidate; empty ballots take part', () => {
    const result = tallyElection(
      3,
      ['a', 'b', 'c', 'd'],
      { totalArea: 900, totalHeadcount: 9 },
      [
        { choice: ['a', 'b', 'c'], area: 100, headcount: 1 },
        { choice: ['a', 'b'], area: 100, headcount: 1 },
        { choice: ['a', 'd'], area: 100, headcount: 1 },
        { choice: ['a', 'b', 'd'], area: 100, headcount: 1 },
        { choice: [], area: 100, headcount: 1 },
        { choice: ['c'], area: 100, headcount: 1 },
      ],
      { purpose: 'committee', households: 9 },
    );
    expect(result.figures.participatingHeadcount).toBe(6);
    // a: 4 of 6 (elected); b: 3 of 6, exactly half (alternate); c and d: 2 of 6.
    expect(result.allocation.elected.map((x) => x.candidateId)).toEqual(['a']);
    expect(result.allocation.alternates.map((x) => x.candidateId)).toEqual(['b']);
    expect(result.allocation.rejected.map((x) => x.candidateId)).toEqual(['c', 'd']);
    // One elected where a committee needs at least 3: no committee, and the outcome says so.
    expect(result.outcome).toEqual({ passed: false, reason: 'too_few_elected' });
    const context = { purpose: 'committee' as const, households: 1 };
    expect(() => tallyElection(1, ['a', 'b'], { totalArea: 1, totalHeadcount: 1 }, [{ choice: ['a', 'b'], area: 1, headcount: 1 }], context)).toThrow();
    expect(() => tallyElection(2, ['a'], { totalArea: 1, totalHeadcount: 1 }, [{ choice: ['a', 'a'], area: 1, headcount: 1 }], context)).toThrow();
    expect(() => tallyElection(2, ['a'], { totalArea: 1, totalHeadcount: 1 }, [{ choice: ['x'], area: 1, headcount: 1 }], context)).toThrow();
  });
});

describe('ballot log', () => {
  const ballot = (voterId: string, choice: string): BallotRecord => ({
    voteId: 'V1',
    voterId,
    choice,
    area: 100,
    headcount: 1,
    castAt: '2026-03-20T00:00:00.000Z',
    nonce: `nonce-${voterId}`,
    channel: 'online',
  });
  const ballots = ['O1', 'O2', 'O3', 'O4'].map((o, i) => ballot(o, i % 2 ? 'for' : 'against'));
  const entries = ballots.map((b) => ({ receipt: receiptOf(b), choice: b.choice, area: b.area, headcount: b.headcount, salt: `salt-${b.voterId}`, channel: b.channel, byProxy: false }));

  test('a receipt depends on every field, the nonce, the channel, the proxy and the sheet included', () => {
    const b = ballots[0]!;
    const r = receiptOf(b);
    for (const change of [
      { choice: 'for' },
      { area: 101 },
      { nonce: 'other' },
      { voterId: 'O9' },
      { castAt: '2026-03-21T00:00:00.000Z' },
      { channel: 'paper' as const },
      { proxyHolderId: 'H1' },
      { paperNumber: 'P-1' },
    ]) {
      expect(receiptOf({ ...b, ...change })).not.toBe(r);
    }
  });

  test('the log verifies, and any change breaks it at the changed entry', () => {
    const log = buildLog(entries);
    expect(firstBrokenEntry(log)).toBeUndefined();
    expect(headOf(log)).toBe(log[3]!.hash);
    expect(log.map((e) => e.receipt)).toEqual([...log.map((e) => e.receipt)].sort());

    const altered = log.map((e) => ({ ...e }));
    altered[2]!.choice = altered[2]!.choice === 'for' ? 'against' : 'for';
    expect(firstBrokenEntry(altered)).toEqual({ seq: 2, reason: expect.stringMatching(/altered/) });

    const dropped = [...log.slice(0, 1), ...log.slice(2)];
    expect(firstBrokenEntry(dropped)?.seq).toBe(1);

    const swapped = [log[1]!, log[0]!, ...log.slice(2)];
    expect(firstBrokenEntry(swapped)?.seq).toBe(0);

    const duplicated = [...log, { ...log[3]!, seq: 4, previousHash: log[3]!.hash }];
    expect(firstBrokenEntry(duplicated)?.seq).toBe(4);
  });

  test('the log is the same whatever order ballots were cast in', () => {
    expect(headOf(buildLog([...entries].reverse()))).toBe(headOf(buildLog(entries)));
  });
});
