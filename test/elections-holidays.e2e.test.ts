import { WorkingCalendarSet } from '../events/catalogue';
import { addDaysToDate, localDate, startOfDate, weekday } from '../libs/calendar';
import { clock } from '../libs/clock';
import { reminderAt } from '../services/elections/domain/deadlines';
import { calendarOfYears } from '../services/elections/store/calendar';
import type { LocalSystem } from '../infra/local/runtime';
import { advancePast, client, compoundBody, startSystem } from './helpers';

/**
 * The objection period after a preliminary result is moved past the bureau's public holidays, and not
 * off a make-up working Saturday (Civil Code art. 203; docs/elections.md, "Periods"), through the API:
 * the bureau enters the years' calendars in disputes (PUT /disputes/calendar/{year}), elections keeps
 * them from WorkingCalendarSet, and the count reads them. The clock starts at real time, so the dates
 * are read from the API and the holidays are placed where the votes' periods end:
 * - vote `qingming` is counted on a Monday D; D+5 to D+7 (Sat to Mon) are holidays, as Qingming 2026
 *   (4-6 Apr): its 7th day, Monday D+7, is a holiday, and the period runs to 24:00 of Tuesday D+8;
 * - vote `makeup` is counted on a Saturday E; E+7 is a make-up working Saturday (调休): the period ends
 *   at 24:00 of E+7, not of the Monday after it.
 */
const C = 'hol';
const ROLL = ['building,unit,area,area_source,holding,owner_id,owner_name,registered', ...[1, 2, 3].map((n) => `B1,0${n},100.00,register,owned,H${n},Holiday Owner ${n},yes`)].join('\n');

let system: LocalSystem;
let call: ReturnType<typeof client>;
let bureau: string;
let street: string;

beforeAll(async () => {
  clock.reset();
  ({ system, call } = await startSystem());
  bureau = await system.token(['bureau'], 'bureau');
  street = await system.token(['street:S1'], 'street-officer');
  expect((await call('POST', '/compounds', { token: bureau, body: compoundBody(C) })).status).toBe(201);
  expect((await call('POST', `/compounds/${C}/roll`, { token: bureau, raw: ROLL, type: 'text/csv' })).status).toBe(201);
  await system.idle();
});
afterAll(async () => {
  await system.close();
  clock.reset();
});

const vote = async (voteId: string) => (await call('GET', `/compounds/${C}/votes/${voteId}`, { token: street })).json;
/** The vote clock takes one step of a vote per run: past the opening, past the reminder two days before the close, past the close (the count). */
async function countVote(voteId: string) {
  const { opensAt, closesAt } = await vote(voteId);
  for (const at of [opensAt, reminderAt(closesAt), closesAt]) await advancePast(system, at);
}

test('a 7th day on a public holiday moves the end of objections to the next working day; a make-up Saturday does not move it', async () => {
  // Voting opens at 00:00 Beijing two days after the earliest opening (16 days after today), so a
  // clock crossing midnight meanwhile changes nothing; the close is 00:00 of opening day + voting days.
  const opening = addDaysToDate(localDate(clock.nowIso()), 17);
  const daysTo = (weekdayWanted: number, atLeast: number) => atLeast + ((weekdayWanted - weekday(addDaysToDate(opening, atLeast)) + 7) % 7);
  const votes = { qingming: daysTo(1, 7), makeup: daysTo(6, 21) };
  for (const [voteId, votingDays] of Object.entries(votes)) {
    const created = await call('POST', `/compounds/${C}/votes`, {
      token: street,
      body: { kind: 'resolution', voteId, matter: 'other_major', question: `Holiday periods: ${voteId}`, opensAt: startOfDate(opening), votingDays },
    });
    expect(created.status).toBe(201);
  }
  const qingming = localDate((await vote('qingming')).closesAt);
  const makeup = localDate((await vote('makeup')).closesAt);
  expect([weekday(qingming), weekday(makeup)]).toEqual([1, 6]);
  expect((await vote('qingming')).closesAt).toBe(startOfDate(qingming));

  // The bureau enters the calendars of the years these periods run in (this year's and the next).
  const holidays = [5, 6, 7].map((n) => addDaysToDate(qingming, n));
  const workdays = [addDaysToDate(makeup, 7)];
  const year = Number(qingming.slice(0, 4));
  for (const y of [year, year + 1]) {
    const put = await call('PUT', `/disputes/calendar/${y}`, {
      token: bureau,
      body: { holidays: holidays.filter((d) => d.startsWith(`${y}-`)), workdays: workdays.filter((d) => d.startsWith(`${y}-`)) },
    });
    expect(put.status).toBe(200);
  }
  await system.idle();

  await countVote('qingming');
  const counted = await vote('qingming');
  expect(counted.status).toBe('preliminary');
  expect(localDate(counted.closedAt)).toBe(qingming);
  // Monday D+7 is a holiday: the period runs to 24:00 of Tuesday D+8 (weekends only, it would end at 24:00 of D+7).
  expect(counted.objectionEndsAt).toBe(startOfDate(addDaysToDate(qingming, 9)));

  // An owner objects on the holiday Monday, after the day the period would have ended on without the calendar.
  const owner = await system.token([`owner:${C}:H1`], 'person-H1');
  await advancePast(system, startOfDate(addDaysToDate(qingming, 7)), 9 * 3_600_000);
  expect(localDate(clock.nowIso())).toBe(addDaysToDate(qingming, 7));
  const objected = await call('POST', `/compounds/${C}/votes/qingming/objections`, { token: owner, body: { reason: 'objection on the Qingming holiday, still in time' } });
  expect(objected.status).toBe(201);

  await countVote('makeup');
  const madeUp = await vote('makeup');
  expect(madeUp.status).toBe('preliminary');
  expect(localDate(madeUp.closedAt)).toBe(makeup);
  // Saturday E+7 is a make-up working day: not moved to Monday E+9.
  expect(madeUp.objectionEndsAt).toBe(startOfDate(addDaysToDate(makeup, 8)));
});

test('the officers’ deadline, 7 days from the day the result became final, is moved past a public holiday', async () => {
  const opening = addDaysToDate(localDate(clock.nowIso()), 17);
  expect((await call('POST', `/compounds/${C}/votes`, { token: street, body: { kind: 'election', voteId: 'committee', seats: 3, opensAt: startOfDate(opening), votingDays: 1 } })).status).toBe(201);
  const committee = await system.token([`committee:${C}`], 'committee-secretary');
  for (const n of [1, 2, 3]) {
    const nominated = await call('POST', `/compounds/${C}/votes/committee/candidates`, {
      token: committee,
      body: { personId: `H${n}`, name: `Holiday Owner ${n}`, source: 'owners', unitId: `B1-0${n}` },
    });
    expect(nominated.status).toBe(201);
  }
  await advancePast(system, (await vote('committee')).opensAt);
  for (const n of [1, 2, 3]) {
    const owner = await system.token([`owner:${C}:H${n}`], `person-H${n}`);
    expect((await call('POST', `/compounds/${C}/votes/committee/ballots`, { token: owner, body: { candidates: ['H1', 'H2', 'H3'] } })).status).toBe(201);
  }
  await advancePast(system, (await vote('committee')).closesAt);
  // The result becomes final just after the objection period, early on day F. Before that the bureau
  // makes the first weekday on or after F+7 a holiday (F+7 itself, unless it falls on a weekend).
  const { objectionEndsAt } = await vote('committee');
  const final = localDate(objectionEndsAt);
  const weekdayOnOrAfter = (date: string): string => ([0, 6].includes(weekday(date)) ? weekdayOnOrAfter(addDaysToDate(date, 1)) : date);
  const holidays = [weekdayOnOrAfter(addDaysToDate(final, 7))];
  const due = weekdayOnOrAfter(addDaysToDate(holidays[0]!, 1));
  for (const y of new Set(holidays.map((d) => Number(d.slice(0, 4))))) {
    const put = await call('PUT', `/disputes/calendar/${y}`, { token: bureau, body: { holidays: holidays.filter((d) => d.startsWith(`${y}-`)), workdays: [] } });
    expect(put.status).toBe(200);
  }
  await system.idle();
  await advancePast(system, objectionEndsAt);
  const onRecord = (await call('GET', `/compounds/${C}/committee`, { token: street })).json;
  expect(onRecord.members.map((m: { personId: string }) => m.personId)).toEqual(['H1', 'H2', 'H3']);
  expect(localDate(onRecord.termStart)).toBe(final);
  // Due by 24:00 of the first working day after the holiday (without the calendar: 24:00 of the holiday).
  expect(onRecord.officersDueBy).toBe(startOfDate(addDaysToDate(due, 1)));
});

test('elections keeps the latest list of a year: a list set earlier and delivered late, a redelivery, or an event without dates changes nothing', async () => {
  const at = (iso: string, id: string, data: Parameters<typeof WorkingCalendarSet.create>[0]) => WorkingCalendarSet.create(data, { compoundId: null, actor: 'bureau', occurredAt: iso, id });
  const newer = at('2090-11-02T00:00:00.000Z', 'calendar-2091-newer', { year: 2091, holidays: 1, workdays: 1, holidayDates: ['2091-01-01'], workdayDates: ['2091-01-06'] });
  const older = at('2090-11-01T00:00:00.000Z', 'calendar-2091-older', { year: 2091, holidays: 1, workdays: 0, holidayDates: ['2091-01-02'], workdayDates: [] });
  const undated = at('2090-11-03T00:00:00.000Z', 'calendar-2091-undated', { year: 2091, holidays: 3, workdays: 0 });
  await system.bus.put([newer]);
  await system.idle();
  await system.bus.put([older, newer, undated]);
  await system.idle();
  const kept = await system.asService('elections', () => calendarOfYears([2091, 2092]));
  expect(kept).toEqual({ holidays: ['2091-01-01'], workdays: ['2091-01-06'] });
});
