import fc from 'fast-check';
import { addDaysToDate, isWorkingDay, localDate, startOfDate, type WorkingCalendar } from '../../../libs/calendar';
import { addDays, addMonths, DEFAULT_VOTE_RULES, earliestOpening, objectionPeriodEnd, officersDueBy, reminderAt, reminderPending, scheduleVote, termEndOf, votingCloses } from './deadlines';

// The owners' meeting periods in Beijing time (docs/elections.md, "Periods"). 00:00 Beijing is 16:00 UTC the day before.
const BJ = 'Asia/Shanghai';
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const bj = (date: string) => startOfDate(date, BJ);

describe('the notice period: 15 days before the meeting (Regulations art. 14; Civil Code arts. 201, 203)', () => {
  test.each([
    ['00:00:00.000 Beijing on 1 Mar', '2026-02-28T16:00:00.000Z', '2026-03-17'],
    ['08:00 Beijing on 1 Mar', '2026-03-01T00:00:00.000Z', '2026-03-17'],
    ['23:59:59.999 Beijing on 1 Mar (15:59:59.999Z)', '2026-03-01T15:59:59.999Z', '2026-03-17'],
    ['00:00:00.000 Beijing on 2 Mar (16:00:00.000Z)', '2026-03-01T16:00:00.000Z', '2026-03-18'],
  ])('notice at %s: voting opens no earlier than 00:00 Beijing on %s', (_, noticeAt, opening) => {
    expect(earliestOpening(noticeAt, 15, BJ)).toBe(bj(opening));
    const schedule = scheduleVote(noticeAt, undefined, 7);
    expect(schedule).toMatchObject({ noticeAt, opensAt: bj(opening) });
  });

  test('a requested opening at exactly the earliest instant is taken; 1 ms sooner is refused, naming the earliest instant', () => {
    const noticeAt = '2026-03-01T15:59:59.999Z';
    expect(scheduleVote(noticeAt, '2026-03-16T16:00:00.000Z', 1)).toEqual({ noticeAt, opensAt: '2026-03-16T16:00:00.000Z', closesAt: '2026-03-17T16:00:00.000Z' });
    const refused = scheduleVote(noticeAt, '2026-03-16T15:59:59.999Z', 1);
    expect(refused).toEqual({ error: expect.stringContaining('at the earliest 2026-03-16T16:00:00.000Z') });
    // The old count (15 × 24 hours from the notice) would have let this one through, a day too soon.
    expect(scheduleVote('2026-03-01T02:00:00.000Z', '2026-03-16T02:00:00.000Z', 1)).toHaveProperty('error');
    // A later opening, at any hour, is taken as asked.
    expect(scheduleVote(noticeAt, '2026-03-20T02:30:00.000Z', 1)).toMatchObject({ opensAt: '2026-03-20T02:30:00.000Z' });
  });

  test('over a month end, a year end and a leap day', () => {
    expect(earliestOpening('2026-12-20T04:00:00.000Z', 15, BJ)).toBe(bj('2027-01-05'));
    expect(earliestOpening('2028-02-14T04:00:00.000Z', 15, BJ)).toBe(bj('2028-03-01')); // 15 Feb … 29 Feb are the 15 days
    expect(earliestOpening('2027-02-14T04:00:00.000Z', 15, BJ)).toBe(bj('2027-03-02')); // 15 Feb … 1 Mar
    expect(earliestOpening('2026-01-31T16:00:00.000Z', 15, BJ)).toBe(bj('2026-02-17')); // notice 00:00 1 Feb
  });

  test('a rest day at the end of the notice period does not move the opening (the 15 days are a minimum lead time)', () => {
    // Notice Fri 13 Nov 2026: the 15th day is Sat 28 Nov; voting may open 00:00 Sun 29 Nov.
    expect(earliestOpening('2026-11-13T02:00:00.000Z', 15, BJ)).toBe(bj('2026-11-29'));
  });

  test('property: the opening is 00:00 Beijing, noticeDays + 1 days after the notice day, whatever the hour of the notice', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2026-01-01'), max: new Date('2040-12-31'), noInvalidDate: true }), fc.integer({ min: 1, max: 60 }), (d, n) => {
        const noticeAt = d.toISOString();
        const opening = earliestOpening(noticeAt, n, BJ);
        expect(opening).toBe(bj(addDaysToDate(localDate(noticeAt, BJ), n + 1)));
        // At least n whole days between the notice and the opening, and less than n + 1 more.
        expect(Date.parse(opening) - Date.parse(noticeAt)).toBeGreaterThan(n * 86_400_000);
        expect(Date.parse(opening) - Date.parse(noticeAt)).toBeLessThanOrEqual((n + 1) * 86_400_000);
      }),
    );
  });

  test('the voting period is 1 to 60 days', () => {
    const notice = '2026-03-01T00:00:00.000Z';
    expect(scheduleVote(notice, undefined, 0)).toHaveProperty('error');
    expect(scheduleVote(notice, undefined, 61)).toHaveProperty('error');
    expect(scheduleVote(notice, undefined, 1.5)).toHaveProperty('error');
    expect(scheduleVote(notice, undefined, 60)).not.toHaveProperty('error');
    expect(DEFAULT_VOTE_RULES).toEqual({ noticeDays: 15, objectionDays: 7, maxVotingDays: 60 });
  });
});

describe('the voting period: ends at 24:00 Beijing of its last day (Civil Code arts. 201, 203)', () => {
  test('opening at 00:00 counts the opening day in full; opening later does not count it', () => {
    // Opening at 00:00 Fri 20 Mar 2026 for 7 days: 20 … 26 Mar, closes 00:00 27 Mar.
    expect(votingCloses(bj('2026-03-20'), 7, BJ)).toBe(bj('2026-03-27'));
    // Opening at 00:00:00.001 or 10:00: 21 … 27 Mar, closes 00:00 28 Mar.
    expect(votingCloses(plus(bj('2026-03-20'), 1), 7, BJ)).toBe(bj('2026-03-28'));
    expect(votingCloses('2026-03-20T02:00:00.000Z', 7, BJ)).toBe(bj('2026-03-28'));
    expect(votingCloses('2026-03-20T15:59:59.999Z', 7, BJ)).toBe(bj('2026-03-28'));
    expect(votingCloses('2026-03-20T16:00:00.000Z', 7, BJ)).toBe(bj('2026-03-28'));
    expect(votingCloses(bj('2026-03-20'), 1, BJ)).toBe(bj('2026-03-21'));
  });

  test('the announced close is not moved off a weekend; it runs over month ends, year ends and leap days', () => {
    // 00:00 Mon 23 Nov 2026 for 5 days: 23 … 27 Nov; for 6 days the last day is Sat 28 Nov and stays.
    expect(votingCloses(bj('2026-11-23'), 6, BJ)).toBe(bj('2026-11-29'));
    expect(votingCloses(bj('2026-12-25'), 7, BJ)).toBe(bj('2027-01-01'));
    expect(votingCloses(bj('2028-02-23'), 7, BJ)).toBe(bj('2028-03-01'));
    expect(votingCloses(bj('2027-02-23'), 7, BJ)).toBe(bj('2027-03-02'));
  });

  test('the default opening (the earliest) with 14 days', () => {
    const notice = '2026-03-01T00:00:00.000Z';
    expect(scheduleVote(notice, undefined, 14)).toEqual({ noticeAt: notice, opensAt: bj('2026-03-17'), closesAt: bj('2026-03-31') });
  });
});

describe('the reminder two days before the close', () => {
  test('48 hours before the close, only when that is after the opening: a 2-day vote from 00:00 has none', () => {
    const two = scheduleVote('2026-03-01T00:00:00.000Z', undefined, 2) as { opensAt: string; closesAt: string };
    expect(two.closesAt).toBe(plus(two.opensAt, 2 * 86_400_000));
    expect(reminderAt(two.closesAt)).toBe(two.opensAt);
    expect(reminderPending(two)).toBe(false);
    const three = scheduleVote('2026-03-01T00:00:00.000Z', undefined, 3) as { opensAt: string; closesAt: string };
    expect(reminderAt(three.closesAt)).toBe(bj('2026-03-18'));
    expect(reminderPending(three)).toBe(true);
    // A 2-day vote opening at 10:00 runs to 00:00 of the third day: its reminder falls after the opening.
    const late = scheduleVote('2026-03-01T00:00:00.000Z', '2026-03-17T02:00:00.000Z', 2) as { opensAt: string; closesAt: string };
    expect(late.closesAt).toBe(bj('2026-03-20'));
    expect(reminderPending(late)).toBe(true);
    expect(reminderPending({ ...three, reminderSentAt: bj('2026-03-18') })).toBe(false);
  });
});

describe('the objection period: 7 days after the preliminary result (Civil Code arts. 201, 203)', () => {
  test.each([
    // [result at, why, ends at (00:00 Beijing of)]
    ['2026-03-27T02:00:00.000Z', 'Fri 27 Mar: the 7th day after is Fri 3 Apr', '2026-04-04'],
    ['2026-03-26T16:00:00.000Z', '00:00:00.000 Fri 27 Mar: the day still does not count', '2026-04-04'],
    ['2026-03-27T15:59:59.999Z', '23:59:59.999 Fri 27 Mar', '2026-04-04'],
    ['2026-03-27T16:00:00.000Z', '00:00 Sat 28 Mar: the 7th day after is Sat 4 Apr, moved to Mon 6 Apr', '2026-04-07'],
    ['2026-03-29T02:00:00.000Z', 'Sun 29 Mar: Sun 5 Apr, moved to Mon 6 Apr', '2026-04-07'],
    ['2026-03-30T02:00:00.000Z', 'Mon 30 Mar: Mon 6 Apr', '2026-04-07'],
    ['2026-12-26T02:00:00.000Z', 'Sat 26 Dec 2026: Sat 2 Jan 2027, moved to Mon 4 Jan', '2027-01-05'],
    ['2026-12-24T02:00:00.000Z', 'Thu 24 Dec 2026: Thu 31 Dec', '2027-01-01'],
    ['2028-02-22T02:00:00.000Z', 'Tue 22 Feb 2028: Tue 29 Feb', '2028-03-01'],
    ['2027-02-22T02:00:00.000Z', 'Mon 22 Feb 2027: Mon 1 Mar', '2027-03-02'],
  ])('result at %s (%s) → objections end 00:00 Beijing %s', (resultAt, _, end) => {
    expect(objectionPeriodEnd(resultAt, 7, BJ)).toBe(bj(end));
  });
});

/**
 * The State Council's notice for 2026 (国务院办公厅关于2026年部分节假日安排的通知), as the bureau enters it
 * (PUT /disputes/calendar/2026), with New Year's Day 2027 (a statutory holiday, Fri 1 Jan, to Sun 3 Jan).
 */
const HOLIDAYS_2026: WorkingCalendar = {
  holidays: [
    ...['01-01', '01-02', '01-03'],
    ...['02-15', '02-16', '02-17', '02-18', '02-19', '02-20', '02-21', '02-22', '02-23'],
    ...['04-04', '04-05', '04-06'],
    ...['05-01', '05-02', '05-03', '05-04', '05-05'],
    ...['06-19', '06-20', '06-21'],
    ...['09-25', '09-26', '09-27'],
    ...['10-01', '10-02', '10-03', '10-04', '10-05', '10-06', '10-07'],
  ]
    .map((d) => `2026-${d}`)
    .concat(['2027-01-01', '2027-01-02', '2027-01-03']),
  workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};

describe('the objection period past public holidays and on make-up working days (Civil Code art. 203)', () => {
  test.each([
    // [result at, why, ends at (00:00 Beijing of)]
    ['2026-03-27T02:00:00.000Z', 'Fri 27 Mar: the 7th day after, Fri 3 Apr, is a working day', '2026-04-04'],
    ['2026-03-27T16:00:00.000Z', '00:00 Sat 28 Mar: Sat 4 Apr, Qingming (4-6 Apr off), moved to Tue 7 Apr', '2026-04-08'],
    ['2026-03-29T02:00:00.000Z', 'Sun 29 Mar: Sun 5 Apr, moved to Tue 7 Apr', '2026-04-08'],
    ['2026-03-30T02:00:00.000Z', 'Mon 30 Mar: Mon 6 Apr, a Qingming holiday, moved to Tue 7 Apr', '2026-04-08'],
    ['2026-03-30T15:59:59.999Z', '23:59:59.999 Mon 30 Mar', '2026-04-08'],
    ['2026-03-30T16:00:00.000Z', '00:00 Tue 31 Mar: Tue 7 Apr, a working day', '2026-04-08'],
    ['2026-04-24T02:00:00.000Z', 'Fri 24 Apr: Fri 1 May, Labour Day (1-5 May off), moved to Wed 6 May', '2026-05-07'],
    ['2026-05-02T02:00:00.000Z', 'Sat 2 May: Sat 9 May is a make-up working day (调休): not moved', '2026-05-10'],
    ['2026-10-03T02:00:00.000Z', 'Sat 3 Oct: Sat 10 Oct is a make-up working day', '2026-10-11'],
    ['2026-09-30T02:00:00.000Z', 'Wed 30 Sep: Wed 7 Oct, the National Day holiday’s last day, moved to Thu 8 Oct', '2026-10-09'],
    ['2026-02-08T02:00:00.000Z', 'Sun 8 Feb: Sun 15 Feb, Spring Festival (15-23 Feb), moved to Tue 24 Feb', '2026-02-25'],
    ['2026-12-25T02:00:00.000Z', 'Fri 25 Dec 2026: Fri 1 Jan 2027, New Year’s Day, moved past the weekend to Mon 4 Jan', '2027-01-05'],
  ])('result at %s (%s) → objections end 00:00 Beijing %s', (resultAt, _, end) => {
    expect(objectionPeriodEnd(resultAt, 7, BJ, HOLIDAYS_2026)).toBe(bj(end));
  });

  test('without a calendar for the year, Saturdays and Sundays only: Mon 6 Apr and Fri 1 Jan stay, Sat 9 May moves', () => {
    expect(objectionPeriodEnd('2026-03-30T02:00:00.000Z', 7, BJ)).toBe(bj('2026-04-07'));
    expect(objectionPeriodEnd('2026-12-25T02:00:00.000Z', 7, BJ)).toBe(bj('2027-01-02'));
    expect(objectionPeriodEnd('2026-05-02T02:00:00.000Z', 7, BJ)).toBe(bj('2026-05-12'));
  });

  test('property: the period ends at 24:00 of a working day, the 7th day after the result’s or the first working day after it', () => {
    const from = Date.parse('2025-12-20T00:00:00.000Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 375 * 86_400_000 }), (offset) => {
        const resultAt = new Date(from + offset).toISOString();
        const end = objectionPeriodEnd(resultAt, 7, BJ, HOLIDAYS_2026);
        expect(new Date(Date.parse(end) + 8 * 3_600_000).toISOString().slice(11)).toBe('00:00:00.000Z');
        const lastDay = addDaysToDate(localDate(end, BJ), -1);
        const seventh = addDaysToDate(localDate(resultAt, BJ), 7);
        expect(isWorkingDay(lastDay, HOLIDAYS_2026)).toBe(true);
        for (let day = seventh; day < lastDay; day = addDaysToDate(day, 1)) expect(isWorkingDay(day, HOLIDAYS_2026)).toBe(false);
        expect(lastDay >= seventh).toBe(true);
      }),
    );
  });
});

describe('the officers’ deadline: 7 days from the election (Guiding rules art. 32 para. 2; Civil Code arts. 201, 203)', () => {
  test('past a public holiday; a make-up working Saturday is not moved; a time zone other than Beijing', () => {
    expect(officersDueBy('2026-03-30T02:00:00.000Z', 7, BJ, HOLIDAYS_2026)).toBe(bj('2026-04-08'));
    expect(officersDueBy('2026-03-30T02:00:00.000Z', 7, BJ)).toBe(bj('2026-04-07'));
    expect(officersDueBy('2026-05-02T02:00:00.000Z', 7, BJ, HOLIDAYS_2026)).toBe(bj('2026-05-10'));
    // Urumqi time (UTC+6): elected 23:00 Beijing on Sun 29 Mar is 21:00 local on Sun 29 Mar → Sun 5 Apr, Qingming → 24:00 Tue 7 Apr local.
    expect(officersDueBy('2026-03-29T15:00:00.000Z', 7, 'Asia/Urumqi', HOLIDAYS_2026)).toBe(startOfDate('2026-04-08', 'Asia/Urumqi'));
  });
});

describe('a committee’s term (Civil Code arts. 201, 202)', () => {
  test('5 years from the day the result became final (not counted) to 24:00 of the corresponding day; 29 Feb has 28 Feb; no move off a weekend', () => {
    expect(termEndOf('2026-05-01T08:00:00.000Z', 5, BJ)).toBe(bj('2031-05-02'));
    expect(termEndOf('2028-02-29T02:00:00.000Z', 5, BJ)).toBe(bj('2033-03-01'));
    expect(termEndOf('2028-02-28T16:00:00.000Z', 4, BJ)).toBe(bj('2032-03-01')); // 00:00 29 Feb 2028 → 29 Feb 2032
    expect(termEndOf('2026-12-31T15:59:59.999Z', 2, BJ)).toBe(bj('2029-01-01'));
    expect(termEndOf('2026-12-31T16:00:00.000Z', 2, BJ)).toBe(bj('2029-01-02'));
    // Elected 27 Nov 2027: the last day, Sat 27 Nov 2032, stays.
    expect(termEndOf('2027-11-27T02:00:00.000Z', 5, BJ)).toBe(bj('2032-11-28'));
  });

  test('the term reminder 3 months before the end, on the calendar', () => {
    expect(addMonths(bj('2031-05-31'), -3, BJ)).toBe(bj('2031-02-28'));
    expect(addMonths(bj('2031-06-01'), -3, BJ)).toBe(bj('2031-03-01'));
    expect(addMonths('2027-01-31T08:00:00.000Z', 1, BJ)).toBe('2027-02-28T08:00:00.000Z');
    expect(addDays('2026-12-31T12:00:00.000Z', 1)).toBe('2027-01-01T12:00:00.000Z');
  });
});
