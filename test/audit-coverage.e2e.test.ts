import type { LocalSystem } from '../infra/local/runtime';
import { clock } from '../libs/clock';
import { client, compoundBody, rollCsv, startSystem } from './helpers';

/**
 * The mutating routes no other test happens to call with success, called here as their users would,
 * each leaving its record in the compound's audit trail (the suite's reporter checks every route).
 */
let system: LocalSystem;
let call: ReturnType<typeof client>;
const DAY = 24 * 3600_000;

beforeAll(async () => {
  clock.reset();
  ({ system, call } = await startSystem());
  const bureau = await system.token(['bureau'], 'bureau-officer');
  expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('cov-a') })).status).toBe(201);
  expect((await call('POST', '/compounds/cov-a/roll', { token: bureau, raw: rollCsv(20), type: 'text/csv' })).status).toBe(201);
  await system.idle();
});
afterAll(async () => {
  await system.close();
  clock.reset();
});

const audit = async (type: string) => {
  await system.idle();
  const bureau = await system.token(['bureau'], 'bureau-officer');
  const page = await call('GET', '/compounds/cov-a/audit?limit=200', { token: bureau });
  return (page.json.items as { type: string }[]).filter((r) => r.type === type);
};

test('the committee opens and closes a vote by hand when its times have come (the schedule would too)', async () => {
  const committee = await system.token(['committee:cov-a'], 'committee-chair');
  const created = await call('POST', '/compounds/cov-a/votes', {
    token: committee,
    body: { kind: 'resolution', voteId: 'by-hand', matter: 'other_major', question: 'Repaint the gates?', votingDays: 3 },
  });
  expect(created.status).toBe(201);
  // The clock alone, without firing the schedules: the opening is left to the committee.
  clock.advance(Date.parse(created.json.opensAt) - clock.now().getTime() + 1_000);
  expect((await call('POST', '/compounds/cov-a/votes/by-hand/open', { token: committee })).status).toBe(200);
  expect(await audit('VoteOpened')).toHaveLength(1);
  clock.advance(Date.parse(created.json.closesAt) - clock.now().getTime() + 2 * 60_000);
  expect((await call('POST', '/compounds/cov-a/votes/by-hand/close', { token: committee })).status).toBe(200);
  expect(await audit('VoteClosed')).toHaveLength(1);
});

test('a handler closes a duplicate complaint, the complainant attaches a photo, the bureau sets the holiday calendar', async () => {
  const owner = await system.token(['owner:cov-a:O5'], 'owner-5');
  const property = await system.token(['property:cov-a'], 'property-manager');
  const file = async () => {
    const r = await call('POST', '/compounds/cov-a/complaints', {
      token: owner,
      body: { category: 'leaks_repairs', description: 'Water comes through the ceiling of B01-005.', location: { buildingId: 'B01', unitId: 'B01-005' } },
    });
    expect(r.status).toBe(201);
    return r.json.complaint.complaintId as string;
  };
  const first = await file();
  const second = await file();
  const attached = await call('POST', `/complaints/${first}/attachments`, { token: owner, body: { filename: 'ceiling.jpg', contentType: 'image/jpeg', size: 5 } });
  expect(attached.status).toBe(201);
  expect((await call('POST', `/complaints/${second}/close`, { token: property, body: { reason: 'duplicate', note: `the same leak as ${first}` } })).status).toBe(200);
  expect((await call('GET', `/complaints/${second}`, { token: property })).json.status).toBe('closed');
  const bureau = await system.token(['bureau'], 'bureau-officer');
  const calendar = await call('PUT', `/disputes/calendar/${new Date(clock.now().getTime() + 400 * DAY).getUTCFullYear()}`, { token: bureau, body: { holidays: [], workdays: [] } });
  expect(calendar.status).toBe(200);
});
