import fc from 'fast-check';
import { addMonths, addWorkingDays, daysBetween, instantOf, localDate, monthOf, monthsBetween, monthStart, nextQuarterLabel, previousQuarter, quarter, quarterOf, timeZoneOf } from './calendar';

const BJ = 'Asia/Shanghai';

describe('periods in the compound’s time zone (Beijing by default)', () => {
  test('a month starts at 00:00 Beijing time, 16:00 UTC the day before', () => {
    expect(monthStart('2027-03', BJ)).toBe('2027-02-28T16:00:00.000Z');
    expect(monthOf('2027-02-28T15:59:59.999Z', BJ)).toBe('2027-02');
    expect(monthOf('2027-02-28T16:00:00.000Z', BJ)).toBe('2027-03');
    // The levy runs at 02:00 Beijing on the 1st: 18:00 UTC on the last day of the month before.
    expect(monthOf('2027-02-28T18:00:00.000Z', BJ)).toBe('2027-03');
    expect(monthOf('2027-02-28T18:00:00.000Z', 'UTC')).toBe('2027-02');
  });

  test.each([
    ['2027-01-01T04:00:00.000+08:00', '2026-Q4', '2026-09-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
    ['2027-03-31T23:59:59.999+08:00', '2026-Q4', '2026-09-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
    ['2027-04-01T00:00:00.000+08:00', '2027-Q1', '2026-12-31T16:00:00.000Z', '2027-03-31T16:00:00.000Z'],
    ['2027-07-15T00:00:00.000Z', '2027-Q2', '2027-03-31T16:00:00.000Z', '2027-06-30T16:00:00.000Z'],
  ])('at %s the quarter just ended is %s, [%s, %s)', (at, label, from, to) => {
    expect(previousQuarter(new Date(at).toISOString(), BJ)).toEqual({ label, from, to });
  });

  test('a quarter’s boundaries in Beijing time, and the one after', () => {
    expect(quarter('2027-Q1', BJ)).toEqual({ label: '2027-Q1', from: '2026-12-31T16:00:00.000Z', to: '2027-03-31T16:00:00.000Z' });
    expect(quarterOf('2026-12-31T16:00:00.000Z', BJ).label).toBe('2027-Q1');
    expect(quarterOf('2026-12-31T15:59:59.999Z', BJ).label).toBe('2026-Q4');
    expect(nextQuarterLabel('2026-Q4')).toBe('2027-Q1');
    expect(nextQuarterLabel('2027-Q2')).toBe('2027-Q3');
  });

  test('month arithmetic', () => {
    expect(addMonths('2027-01', -1)).toBe('2026-12');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2027-10', 14)).toBe('2028-12');
    expect(monthsBetween('2026-11', '2027-01')).toBe(2);
    expect(() => addMonths('2027-13', 1)).toThrow();
  });

  test('calendar days and working days on the zone’s calendar', () => {
    expect(localDate('2027-01-01T16:30:00.000Z', BJ)).toBe('2027-01-02');
    expect(daysBetween('2027-01-01T15:30:00.000Z', '2027-01-01T16:30:00.000Z', BJ)).toBe(1); // 23:30 → 00:30
    expect(daysBetween('2027-01-01T15:30:00.000Z', '2027-01-01T16:30:00.000Z', 'UTC')).toBe(0);
    expect(addWorkingDays('2027-01-04T01:00:00.000Z', 0, BJ)).toBe('2027-01-04T01:00:00.000Z');
    expect(addWorkingDays('2027-01-01T01:00:00.000Z', 5, BJ)).toBe('2027-01-08T01:00:00.000Z'); // Friday → Friday
    // Friday 17:00 UTC is Saturday 01:00 in Beijing: one working day later is Monday 01:00 Beijing.
    expect(addWorkingDays('2027-01-08T17:00:00.000Z', 1, BJ)).toBe('2027-01-10T17:00:00.000Z');
    expect(addWorkingDays('2027-01-08T17:00:00.000Z', 1, 'UTC')).toBe('2027-01-11T17:00:00.000Z');
  });

  test('a zone with summer time keeps the wall clock across the change', () => {
    // New York moved to summer time on 14 March 2027.
    expect(addWorkingDays('2027-03-12T14:00:00.000Z', 1, 'America/New_York')).toBe('2027-03-15T13:00:00.000Z');
    expect(instantOf('America/New_York', 2027, 3, 15, 9)).toBe('2027-03-15T13:00:00.000Z');
  });

  test('Beijing by default; a compound may name its zone', () => {
    expect(timeZoneOf(undefined)).toBe(BJ);
    expect(timeZoneOf({ timeZone: 'Asia/Urumqi' })).toBe('Asia/Urumqi');
  });

  test('property: every instant falls in exactly one month and one quarter, whose bounds contain it', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), fc.constantFrom(BJ, 'UTC', 'America/New_York', 'Asia/Kolkata'), (ms, zone) => {
        const iso = new Date(ms).toISOString();
        const month = monthOf(iso, zone);
        expect(monthStart(month, zone) <= iso).toBe(true);
        expect(iso < monthStart(addMonths(month, 1), zone)).toBe(true);
        const q = quarterOf(iso, zone);
        expect(q.from <= iso && iso < q.to).toBe(true);
        expect(quarter(nextQuarterLabel(q.label), zone).from).toBe(q.to);
      }),
    );
  });
});
