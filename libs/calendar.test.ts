import fc from 'fast-check';
import {
  addDaysToDate,
  addMonthsToDate,
  addWorkingDaysToDate,
  daysBetween,
  daysPeriodEnd,
  endOfDate,
  firstCountedDay,
  instantOf,
  isDate,
  isPast,
  isStartOfDate,
  isWeekend,
  isWorkingDay,
  localDate,
  monthOf,
  monthsPeriodEnd,
  startOfDate,
  timeZoneOf,
  wallTime,
  WEEKDAYS_ONLY,
  weekday,
  workingDayOnOrAfter,
  type WorkingCalendar,
} from './calendar';

const BJ = 'Asia/Shanghai';
const ZONES = [BJ, 'UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'];
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

const instants = fc.date({ min: new Date('1995-01-01T00:00:00.000Z'), max: new Date('2099-12-31T00:00:00.000Z'), noInvalidDate: true }).map((d) => d.toISOString());
const dates = instants.map((iso) => iso.slice(0, 10));
const zones = fc.constantFrom(...ZONES);

describe('local dates and the start of a date', () => {
  test('Beijing: a local day begins at 16:00 UTC the day before', () => {
    expect(localDate('2026-05-01T15:59:59.999Z')).toBe('2026-05-01');
    expect(localDate('2026-05-01T16:00:00.000Z')).toBe('2026-05-02');
    expect(startOfDate('2026-05-02')).toBe('2026-05-01T16:00:00.000Z');
    expect(endOfDate('2026-05-01')).toBe('2026-05-01T15:59:59.999Z');
    expect(localDate('2026-12-31T16:00:00.000Z', BJ)).toBe('2027-01-01');
    expect(monthOf('2026-12-31T15:59:59.999Z')).toBe('2026-12');
    expect(monthOf('2026-12-31T16:00:00.000Z')).toBe('2027-01');
    expect(localDate('2028-02-28T16:00:00.000Z')).toBe('2028-02-29');
  });

  test('the start of a date, to the millisecond', () => {
    expect(isStartOfDate('2026-05-01T16:00:00.000Z', BJ)).toBe(true);
    expect(isStartOfDate('2026-05-01T16:00:00.001Z', BJ)).toBe(false);
    expect(isStartOfDate('2026-05-01T15:59:59.999Z', BJ)).toBe(false);
    expect(isStartOfDate('2026-05-01T00:00:00.000Z', 'UTC')).toBe(true);
  });

  test('wall time and back, across a summer-time change (New York, 14 March 2027)', () => {
    expect(instantOf('America/New_York', 2027, 3, 15, 9)).toBe('2027-03-15T13:00:00.000Z');
    expect(instantOf('America/New_York', 2027, 3, 13, 9)).toBe('2027-03-13T14:00:00.000Z');
    expect(startOfDate('2027-03-14', 'America/New_York')).toBe('2027-03-14T05:00:00.000Z');
    expect(startOfDate('2027-03-15', 'America/New_York')).toBe('2027-03-15T04:00:00.000Z');
    expect(wallTime('2027-01-08T17:00:00.123Z', BJ)).toEqual({ year: 2027, month: 1, day: 9, hour: 1, minute: 0, second: 0, millisecond: 123, weekday: 6 });
  });

  test('property: the wall time is what Intl shows, in every zone, on the days summer time starts and ends too', () => {
    const shown = (ms: number, zone: string) => {
      const parts = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', {
          timeZone: zone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
          weekday: 'short',
        })
          .formatToParts(new Date(ms))
          .map((p) => [p.type, p.value]),
      );
      return [
        Number(parts.year),
        Number(parts.month),
        Number(parts.day),
        Number(parts.hour),
        Number(parts.minute),
        Number(parts.second),
        ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!),
      ];
    };
    const check = (ms: number, zone: string) => {
      const w = wallTime(ms, zone);
      expect([w.year, w.month, w.day, w.hour, w.minute, w.second, w.weekday]).toEqual(shown(ms, zone));
    };
    fc.assert(fc.property(instants, zones, (t, zone) => check(Date.parse(t), zone)));
    // Every minute around New York's and Lord Howe's changes (the latter by half an hour).
    for (const [zone, around] of [
      ['America/New_York', '2027-03-14T07:00:00.000Z'],
      ['America/New_York', '2027-11-07T06:00:00.000Z'],
      ['Australia/Lord_Howe', '2027-04-03T15:00:00.000Z'],
      ['Australia/Lord_Howe', '2027-10-02T15:30:00.000Z'],
    ] as const) {
      for (let m = -180; m <= 180; m++) check(Date.parse(around) + m * 60_000 + (m % 7) * 1_000, zone);
    }
  });

  test('property: an instant lies in [start of its date, start of the next date), in every zone', () => {
    fc.assert(
      fc.property(instants, zones, (t, zone) => {
        const day = localDate(t, zone);
        expect(Date.parse(startOfDate(day, zone))).toBeLessThanOrEqual(Date.parse(t));
        expect(Date.parse(t)).toBeLessThan(Date.parse(startOfDate(addDaysToDate(day, 1), zone)));
        expect(Date.parse(endOfDate(day, zone))).toBe(Date.parse(startOfDate(addDaysToDate(day, 1), zone)) - 1);
      }),
    );
  });

  test('property: a date begins on itself, and Beijing is UTC+08:00 all year (what disputes counted with)', () => {
    fc.assert(
      fc.property(dates, zones, (day, zone) => {
        expect(localDate(startOfDate(day, zone), zone)).toBe(day);
        expect(localDate(plus(startOfDate(day, zone), -1), zone)).toBe(addDaysToDate(day, -1));
      }),
    );
    fc.assert(fc.property(instants, (t) => expect(localDate(t, BJ)).toBe(plus(t, 8 * 3_600_000).slice(0, 10))));
  });

  test('a compound names its zone, or Beijing', () => {
    expect(timeZoneOf(undefined)).toBe(BJ);
    expect(timeZoneOf({})).toBe(BJ);
    expect(timeZoneOf({ timeZone: '' })).toBe(BJ);
    expect(timeZoneOf({ timeZone: 'Asia/Urumqi' })).toBe('Asia/Urumqi');
  });
});

describe('calendar dates', () => {
  test('validity, days, months clamped to the month’s last day, leap days', () => {
    expect([isDate('2026-02-28'), isDate('2026-02-29'), isDate('2028-02-29'), isDate('2100-02-29'), isDate('2000-02-29'), isDate('2026-13-01'), isDate('2026-4-01')]).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
      false,
    ]);
    expect(addDaysToDate('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDaysToDate('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDaysToDate('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDaysToDate('2027-03-01', -1)).toBe('2027-02-28');
    expect(addMonthsToDate('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonthsToDate('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonthsToDate('2028-02-29', 12)).toBe('2029-02-28');
    expect(addMonthsToDate('2026-12-15', 1)).toBe('2027-01-15');
    expect(addMonthsToDate('2027-03-31', -1)).toBe('2027-02-28');
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(daysBetween('2027-01-01', '2026-12-31')).toBe(-1);
    expect(() => addDaysToDate('2026-02-30', 1)).toThrow('not a calendar date');
    expect([weekday('2026-11-28'), isWeekend('2026-11-28'), isWeekend('2026-11-29'), isWeekend('2026-11-30')]).toEqual([6, true, true, false]);
  });

  test('property: days added are days between; months keep the day or clamp to the last', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: -800, max: 800 }), (day, n) => {
        expect(daysBetween(day, addDaysToDate(day, n))).toBe(n);
        expect(addDaysToDate(addDaysToDate(day, n), -n)).toBe(day);
      }),
    );
    fc.assert(
      fc.property(dates, fc.integer({ min: -60, max: 60 }), (day, n) => {
        const target = addMonthsToDate(day, n);
        const lastOfMonth = Number(addDaysToDate(`${addMonthsToDate(`${target.slice(0, 7)}-01`, 1).slice(0, 7)}-01`, -1).slice(8));
        expect(Number(target.slice(8))).toBe(Math.min(Number(day.slice(8)), lastOfMonth));
        const monthIndex = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7));
        expect(monthIndex(target) - monthIndex(day)).toBe(n);
      }),
    );
  });
});

describe('working days', () => {
  // 2026: National Day week 1-7 Oct (Thu 1 … Wed 7) off; Sat 10 Oct a make-up working day.
  const calendar: WorkingCalendar = { holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'], workdays: ['2026-10-10'] };

  test('weekdays without a calendar; a calendar’s holidays and make-up days', () => {
    expect(isWorkingDay('2026-10-01')).toBe(true);
    expect(isWorkingDay('2026-10-01', calendar)).toBe(false);
    expect(isWorkingDay('2026-10-10', calendar)).toBe(true);
    expect(isWorkingDay('2026-10-10', WEEKDAYS_ONLY)).toBe(false);
    expect(addWorkingDaysToDate('2026-11-27', 0)).toBe('2026-11-27');
    expect(addWorkingDaysToDate('2026-11-27', 1)).toBe('2026-11-30'); // Friday → Monday
    expect(addWorkingDaysToDate('2026-09-30', 1, calendar)).toBe('2026-10-08');
    expect(addWorkingDaysToDate('2026-09-30', 3, calendar)).toBe('2026-10-10'); // 8, 9, then the Saturday make-up day
    expect(workingDayOnOrAfter('2026-10-03', calendar)).toBe('2026-10-08');
    expect(workingDayOnOrAfter('2026-11-30')).toBe('2026-11-30');
    expect(() => addWorkingDaysToDate('2026-11-27', -1)).toThrow('whole number');
    expect(() => addWorkingDaysToDate('2026-11-27', 1.5)).toThrow('whole number');
  });

  test('property: the n-th working day after a date has exactly n working days up to it, and is one', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: 1, max: 40 }), (day, n) => {
        const end = addWorkingDaysToDate(day, n);
        expect(isWorkingDay(end)).toBe(true);
        let counted = 0;
        for (let d = addDaysToDate(day, 1); d <= end; d = addDaysToDate(d, 1)) if (isWorkingDay(d)) counted++;
        expect(counted).toBe(n);
      }),
    );
  });
});

describe('Civil Code periods (arts. 201-203)', () => {
  // Fri 27 Nov 2026, Beijing.
  test('days: the start day does not count, whatever the hour; the period ends at 24:00 of its last day', () => {
    for (const from of ['2026-11-26T16:00:00.000Z', '2026-11-27T02:00:00.000Z', '2026-11-27T15:59:59.999Z']) {
      // 27 Nov not counted; 28 Nov … 7 Dec (Mon) are the 10 days; ends 00:00 8 Dec Beijing.
      expect(daysPeriodEnd(from, 10, BJ)).toBe('2026-12-07T16:00:00.000Z');
    }
    // One millisecond earlier is 26 Nov: a day earlier (Sun 6 Dec, which then moves to Mon 7 Dec).
    expect(daysPeriodEnd('2026-11-26T15:59:59.999Z', 10, BJ, { restDays: false })).toBe('2026-12-06T16:00:00.000Z');
    expect(daysPeriodEnd('2026-11-26T15:59:59.999Z', 10, BJ)).toBe('2026-12-07T16:00:00.000Z');
    expect(firstCountedDay('2026-11-26T16:00:00.000Z', BJ)).toBe('2026-11-28');
  });

  test('days: a last day on a Saturday or Sunday moves to the Monday (art. 203); off, it stays', () => {
    // From Fri 27 Nov: 1 day → Sat 28 → Mon 30, ends 00:00 Tue 1 Dec.
    expect(daysPeriodEnd('2026-11-27T02:00:00.000Z', 1, BJ)).toBe('2026-11-30T16:00:00.000Z');
    expect(daysPeriodEnd('2026-11-27T02:00:00.000Z', 2, BJ)).toBe('2026-11-30T16:00:00.000Z');
    expect(daysPeriodEnd('2026-11-27T02:00:00.000Z', 3, BJ)).toBe('2026-11-30T16:00:00.000Z');
    expect(daysPeriodEnd('2026-11-27T02:00:00.000Z', 4, BJ)).toBe('2026-12-01T16:00:00.000Z');
    expect(daysPeriodEnd('2026-11-27T02:00:00.000Z', 1, BJ, { restDays: false })).toBe('2026-11-28T16:00:00.000Z');
    // With a holiday calendar, public holidays are rest days too.
    const golden: WorkingCalendar = { holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'], workdays: [] };
    expect(daysPeriodEnd('2026-09-24T02:00:00.000Z', 7, BJ, { restDays: golden })).toBe('2026-10-08T16:00:00.000Z');
    expect(daysPeriodEnd('2026-09-24T02:00:00.000Z', 7, BJ)).toBe('2026-10-01T16:00:00.000Z');
  });

  test('days: a period that begins at 00:00 local may count that day in full', () => {
    const midnight = '2026-11-26T16:00:00.000Z'; // 00:00 Fri 27 Nov Beijing
    expect(daysPeriodEnd(midnight, 7, BJ, { startDay: 'midnight-counts', restDays: false })).toBe('2026-12-03T16:00:00.000Z');
    expect(daysPeriodEnd(plus(midnight, 1), 7, BJ, { startDay: 'midnight-counts', restDays: false })).toBe('2026-12-04T16:00:00.000Z');
    expect(daysPeriodEnd(plus(midnight, -1), 7, BJ, { startDay: 'midnight-counts', restDays: false })).toBe('2026-12-03T16:00:00.000Z');
    expect(daysPeriodEnd(midnight, 1, BJ, { startDay: 'midnight-counts', restDays: false })).toBe(plus(midnight, 86_400_000));
  });

  test('days across a year end and a leap day', () => {
    // Sat 26 Dec 2026 + 7 → Sat 2 Jan 2027 → Mon 4 Jan, ends 00:00 5 Jan.
    expect(daysPeriodEnd('2026-12-26T02:00:00.000Z', 7, BJ)).toBe('2027-01-04T16:00:00.000Z');
    // Tue 22 Feb 2028 + 7 → Tue 29 Feb, ends 00:00 1 Mar.
    expect(daysPeriodEnd('2028-02-22T02:00:00.000Z', 7, BJ)).toBe('2028-02-29T16:00:00.000Z');
    expect(daysPeriodEnd('2027-02-22T02:00:00.000Z', 7, BJ)).toBe('2027-03-01T16:00:00.000Z');
    expect(() => daysPeriodEnd('2027-02-22T02:00:00.000Z', 0, BJ)).toThrow('at least one whole day');
  });

  test('months: the corresponding day, or the month’s last day (art. 202)', () => {
    // 31 Jan 2028 (Mon) + 1 month → 29 Feb 2028 (Tue), ends 00:00 1 Mar.
    expect(monthsPeriodEnd('2028-01-31T02:00:00.000Z', 1, BJ)).toBe('2028-02-29T16:00:00.000Z');
    // 31 Jan 2027 + 1 month → 28 Feb 2027, a Sunday → Mon 1 Mar, ends 00:00 2 Mar.
    expect(monthsPeriodEnd('2027-01-31T02:00:00.000Z', 1, BJ)).toBe('2027-03-01T16:00:00.000Z');
    expect(monthsPeriodEnd('2027-01-31T02:00:00.000Z', 1, BJ, { restDays: false })).toBe('2027-02-28T16:00:00.000Z');
    // 29 Feb 2028 + 5 years → 28 Feb 2033 (no 29th), ends 00:00 1 Mar 2033.
    expect(monthsPeriodEnd('2028-02-29T02:00:00.000Z', 60, BJ, { restDays: false })).toBe('2033-02-28T16:00:00.000Z');
    // From 00:00 of 31 Jan, counting that day: to 24:00 of 28 Feb, a whole month.
    expect(monthsPeriodEnd('2027-01-30T16:00:00.000Z', 1, BJ, { startDay: 'midnight-counts', restDays: false })).toBe('2027-02-28T16:00:00.000Z');
    expect(monthsPeriodEnd('2026-12-31T16:00:00.000Z', 1, BJ, { startDay: 'midnight-counts', restDays: false })).toBe('2027-01-31T16:00:00.000Z');
    expect(() => monthsPeriodEnd('2027-01-31T02:00:00.000Z', 0, BJ)).toThrow('at least one whole month');
  });

  test.each([
    // [first day (from its 00:00 Beijing), months, last day: the day before the corresponding day, or the month's last day]
    ['2027-03-01', 1, '2027-03-31'],
    ['2028-03-01', 1, '2028-03-31'],
    ['2027-03-01', 12, '2028-02-29'],
    ['2027-01-31', 1, '2027-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2027-01-31', 2, '2027-03-30'],
    ['2027-01-28', 1, '2027-02-27'],
    ['2027-01-29', 1, '2027-02-28'],
    ['2028-02-29', 1, '2028-03-28'],
    ['2028-02-29', 12, '2029-02-28'],
    ['2028-02-29', 48, '2032-02-28'],
    ['2027-05-01', 1, '2027-05-31'],
    ['2027-05-01', 60, '2032-04-30'],
    ['2026-12-01', 1, '2026-12-31'],
  ])('months counting the first day: from 00:00 of %s, %i month(s), the last day is %s', (first, months, lastDay) => {
    const count = { startDay: 'midnight-counts', restDays: false } as const;
    expect(monthsPeriodEnd(startOfDate(first, BJ), months, BJ, count)).toBe(startOfDate(addDaysToDate(lastDay, 1), BJ));
    // A millisecond later the first day does not count: the corresponding day of the start day is the last.
    expect(monthsPeriodEnd(plus(startOfDate(first, BJ), 1), months, BJ, count)).toBe(startOfDate(addDaysToDate(addMonthsToDate(first, months), 1), BJ));
    // A millisecond sooner the period starts the day before, which does not count.
    expect(monthsPeriodEnd(plus(startOfDate(first, BJ), -1), months, BJ, count)).toBe(startOfDate(addDaysToDate(addMonthsToDate(addDaysToDate(first, -1), months), 1), BJ));
  });

  test('months counting the first day: from 00:00 of 1 Mar 2027, 1 month ends at 00:00 of 1 Apr (not of 29 Mar); past a rest day when it moves', () => {
    expect(monthsPeriodEnd(startOfDate('2027-03-01', BJ), 1, BJ, { startDay: 'midnight-counts', restDays: false })).toBe(startOfDate('2027-04-01', BJ));
    // 1 May 2027, 1 month: the last day, Mon 31 May, is a working day; from 1 Jul 2027 the last day, Sat 31 Jul, moves to Mon 2 Aug.
    expect(monthsPeriodEnd(startOfDate('2027-05-01', BJ), 1, BJ, { startDay: 'midnight-counts' })).toBe(startOfDate('2027-06-01', BJ));
    expect(monthsPeriodEnd(startOfDate('2027-07-01', BJ), 1, BJ, { startDay: 'midnight-counts' })).toBe(startOfDate('2027-08-03', BJ));
  });

  test('property: counting the first day, a months period holds whole months: it ends at 00:00 of the corresponding day, or of the 1st after a month that has none', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: 1, max: 120 }), zones, (first, n, zone) => {
        const end = localDate(monthsPeriodEnd(startOfDate(first, zone), n, zone, { startDay: 'midnight-counts', restDays: false }), zone);
        const corresponding = addMonthsToDate(first, n);
        // The corresponding day exists (no clamping): the period ends as it begins; otherwise at the start of the next month.
        if (corresponding.slice(8) === first.slice(8)) expect(end).toBe(corresponding);
        else expect(end).toBe(addDaysToDate(corresponding, 1));
        expect(end.slice(8) === first.slice(8) || end.slice(8) === '01').toBe(true);
      }),
    );
  });

  test('property: a days period ends at the start of a day, n+1 to n+3 days after the start day, never after a rest day', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 1, max: 400 }), zones, (from, n, zone) => {
        const end = daysPeriodEnd(from, n, zone);
        expect(isStartOfDate(end, zone)).toBe(true);
        const lastDay = addDaysToDate(localDate(end, zone), -1);
        const after = daysBetween(localDate(from, zone), lastDay);
        expect(isWeekend(lastDay)).toBe(false);
        expect(after).toBeGreaterThanOrEqual(n);
        expect(after).toBeLessThanOrEqual(n + 2);
        if (!isWeekend(addDaysToDate(localDate(from, zone), n))) expect(after).toBe(n);
        expect(daysBetween(localDate(from, zone), addDaysToDate(localDate(daysPeriodEnd(from, n, zone, { restDays: false }), zone), -1))).toBe(n);
      }),
    );
  });

  test('property: counting a midnight start day ends the period a day sooner, and only at midnight', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 86_399_999 }), (day, n, into) => {
        const start = startOfDate(day, BJ);
        const count = { startDay: 'midnight-counts', restDays: false } as const;
        expect(daysPeriodEnd(start, n, BJ, count)).toBe(startOfDate(addDaysToDate(day, n), BJ));
        expect(daysPeriodEnd(plus(start, into), n, BJ, count)).toBe(startOfDate(addDaysToDate(day, n + 1), BJ));
        expect(daysPeriodEnd(start, n, BJ, { restDays: false })).toBe(startOfDate(addDaysToDate(day, n + 1), BJ));
      }),
    );
  });

  test('property: a months period’s last day is the corresponding day or the month’s last', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 1, max: 120 }), (from, n) => {
        const end = monthsPeriodEnd(from, n, BJ, { restDays: false });
        expect(addDaysToDate(localDate(end, BJ), -1)).toBe(addMonthsToDate(localDate(from, BJ), n));
      }),
    );
  });

  test('a deadline is past from its instant, not a millisecond sooner', () => {
    expect(isPast('2026-12-07T16:00:00.000Z', '2026-12-07T15:59:59.999Z')).toBe(false);
    expect(isPast('2026-12-07T16:00:00.000Z', '2026-12-07T16:00:00.000Z')).toBe(true);
  });
});
