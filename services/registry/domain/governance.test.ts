import fc from 'fast-check';
import { decide, ENDED_KEPT, governanceChanged, supersedes, type GovernanceChange, type GovernanceState } from './governance';

const term = (committeeId: string, since: string, until: string, governance: 'committee' | 'temporary_committee' = 'committee'): Extract<GovernanceChange, { kind: 'term' }> => ({
  kind: 'term',
  compoundId: 'C1',
  governance,
  committeeId,
  since,
  until,
});
const end = (committeeId: string, endedAt: string): GovernanceChange => ({ kind: 'end', compoundId: 'C1', committeeId, endedAt });
const NONE: GovernanceState = { governance: 'none' };
const apply = (changes: readonly GovernanceChange[], start: GovernanceState = NONE) => changes.reduce((state, change) => decide(state, change) ?? state, start);
const view = (s: GovernanceState) => ({ governance: s.governance, since: s.since });

describe('supersedes', () => {
  test('nothing on record: any change; otherwise only a strictly later one', () => {
    expect(supersedes({ since: '2026-01-01T00:00:00.000Z' }, undefined)).toBe(true);
    expect(supersedes({ since: '2026-01-01T00:00:00.001Z' }, '2026-01-01T00:00:00.000Z')).toBe(true);
    expect(supersedes({ since: '2026-01-01T00:00:00.000Z' }, '2026-01-01T00:00:00.000Z')).toBe(false);
    expect(supersedes({ since: '2025-12-31T23:59:59.999Z' }, '2026-01-01T00:00:00.000Z')).toBe(false);
  });
});

describe('decide', () => {
  const T1 = term('T1', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', 'temporary_committee');
  const E1 = term('E1', '2026-06-01T00:00:00.000Z', '2031-06-01T00:00:00.000Z');

  test('a temporary committee formed governs from its term start, with its committee and term end on record', () => {
    expect(decide(NONE, T1)).toEqual({ governance: 'temporary_committee', since: T1.since, committeeId: 'T1', until: '2027-01-01T00:00:00.000Z', ended: undefined });
  });

  test('its term ended (the watch ran late): none from the term’s end, not from when the watch noticed', () => {
    const after = decide(decide(NONE, T1)!, end('T1', '2027-01-03T05:00:00.000Z'))!;
    expect(view(after)).toEqual({ governance: 'none', since: '2027-01-01T00:00:00.000Z' });
    expect(after.ended).toEqual(['T1']);
    expect(after.committeeId).toBeUndefined();
  });

  test('a later term wins; an earlier start, arriving late, changes nothing', () => {
    const elected = decide(decide(NONE, T1)!, E1)!;
    expect(view(elected)).toEqual({ governance: 'committee', since: E1.since });
    expect(decide(elected, T1)).toBeUndefined();
    expect(decide(elected, term('E0', '2026-05-31T23:59:59.999Z', '2031-05-31T23:59:59.999Z'))).toBeUndefined();
    expect(decide(elected, term('E0', E1.since, '2031-06-01T00:00:00.000Z'))).toBeUndefined(); // the same instant is not later
  });

  test('the end of a committee that no longer governs (replaced) leaves governance alone and is remembered', () => {
    const elected = decide(decide(NONE, T1)!, E1)!;
    const after = decide(elected, end('T1', '2027-01-01T00:00:01.000Z'))!;
    expect(view(after)).toEqual(view(elected));
    expect(after).toMatchObject({ committeeId: 'E1', ended: ['T1'] });
    expect(governanceChanged(elected, after)).toBe(false);
    // Remembered already: nothing to write.
    expect(decide(after, end('T1', '2027-01-01T00:00:02.000Z'))).toBeUndefined();
  });

  test('the end arrives before the start: the start, later than what governs, means none from its term’s end', () => {
    const remembered = decide(NONE, end('T1', '2027-01-01T00:00:05.000Z'))!;
    expect(remembered).toEqual({ governance: 'none', ended: ['T1'] });
    expect(view(decide(remembered, T1)!)).toEqual({ governance: 'none', since: '2027-01-01T00:00:00.000Z' });
  });

  test('a governance set before committees were kept (none on record) ends when the watch ended it, if that is later', () => {
    const legacy: GovernanceState = { governance: 'committee', since: '2026-03-01T02:00:00.000Z' };
    expect(view(decide(legacy, end('X', '2031-03-01T02:00:10.000Z'))!)).toEqual({ governance: 'none', since: '2031-03-01T02:00:10.000Z' });
    expect(decide(legacy, end('X', '2026-02-01T00:00:00.000Z'))).toEqual({ ...legacy, ended: ['X'] });
  });

  test(`remembers the last ${ENDED_KEPT} ended committees`, () => {
    const state = apply(Array.from({ length: ENDED_KEPT + 5 }, (_, i) => end(`K${i}`, `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`)));
    expect(state.ended).toHaveLength(ENDED_KEPT);
    expect(state.ended![0]).toBe('K5');
  });

  /**
   * A compound's history: committees one after another, each either ending (its term watch ran at or
   * after its end, before the next began) or replaced by the next one (elected before its end: the
   * dissolution `replaced` is no change). Whatever order the events arrive in, and with duplicates,
   * the registry ends where the history does.
   */
  test('any order of arrival ends in the same governance as the history', () => {
    const DAY = 86_400_000;
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    const history = fc.array(
      fc.record({ temporary: fc.boolean(), termDays: fc.integer({ min: 30, max: 1800 }), next: fc.constantFrom('after_end', 'replaces'), lateBy: fc.integer({ min: 0, max: 5 * DAY }) }),
      {
        minLength: 1,
        maxLength: 5,
      },
    );
    fc.assert(
      fc.property(history, fc.boolean(), fc.infiniteStream(fc.nat()), (committees, lastEnds, shuffle) => {
        const changes: GovernanceChange[] = [];
        let start = base;
        let expected: { governance: string; since: string } = { governance: 'none', since: '' };
        committees.forEach((c, i) => {
          const until = start + c.termDays * DAY;
          const id = `K${i}`;
          const since = new Date(start).toISOString();
          changes.push(term(id, since, new Date(until).toISOString(), c.temporary ? 'temporary_committee' : 'committee'));
          expected = { governance: c.temporary ? 'temporary_committee' : 'committee', since };
          const last = i === committees.length - 1;
          if (last ? lastEnds : c.next === 'after_end') {
            changes.push(end(id, new Date(until + c.lateBy).toISOString()));
            expected = { governance: 'none', since: new Date(until).toISOString() };
            start = until + c.lateBy + DAY; // the next is elected after the watch ended this one
          } else {
            start = until - Math.floor((c.termDays * DAY) / 2); // elected before this term's end: it replaces it
          }
        });
        const arrivals = [...changes, changes[0]!];
        const iterator = shuffle[Symbol.iterator]();
        for (let i = arrivals.length - 1; i > 0; i--) {
          const j = iterator.next().value! % (i + 1);
          [arrivals[i], arrivals[j]] = [arrivals[j]!, arrivals[i]!];
        }
        expect(view(apply(arrivals))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
