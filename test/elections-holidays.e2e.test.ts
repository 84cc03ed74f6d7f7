import { addDaysToDate, localDate, startOfDate, weekday } from '../libs/calendar';
import { clock } from '../libs/clock';
import { reminderAt } from '../services/elections/domain/deadlines';
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
