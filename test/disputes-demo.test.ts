import type { LocalSystem } from '../infra/local/runtime';
import { DEMO, demoRollCsv } from '../infra/local/seed';
import { clock } from '../libs/clock';
import { seedDisputesDemo, type DemoCall } from '../services/disputes/demo';
import { client, registerAreas, startSystem } from './helpers';

/** The demo seeds a case in every state through the public API, and the figures show them. */
let system: LocalSystem;
let call: ReturnType<typeof client>;
beforeAll(async () => {
  clock.reset();
  ({ system, call } = await startSystem());
  const bureau = await system.token(['bureau']);
  await registerAreas(system, [{ districtId: DEMO.districtId, streetId: DEMO.streetId, communityId: DEMO.communityId }]);
  expect(
    (
      await call('POST', '/compounds', {
        token: bureau,
        body: { compoundId: DEMO.compoundId, name: '东湖花园 Donghu Garden', address: '1 Donghu Road', communityId: DEMO.communityId, governance: 'committee', developerId: DEMO.developerId },
      })
    ).status,
  ).toBe(201);
  await call('POST', `/compounds/${DEMO.compoundId}/roll`, { token: bureau, raw: demoRollCsv(2, 24), type: 'text/csv' });
  await system.idle();
});
afterAll(async () => {
  await system.close();
  clock.reset();
});

test('seedDisputesDemo leaves demo-donghu with a complaint in every state', async () => {
  const demoCall: DemoCall = async (method, path, grants, body, subject) => {
    const r = await call(method, path, { token: await system.token(grants, subject), body });
    return { status: r.status, json: r.json };
  };
  const demo = await seedDisputesDemo(demoCall);
  await system.idle();
  const bureau = await system.token(['bureau']);
  const status = async (id: string) => (await call('GET', `/complaints/${id}`, { token: bureau })).json.status;
  const states = Object.fromEntries(await Promise.all(Object.entries(demo.complaints).map(async ([name, id]) => [name, await status(id)])));
  expect(states).toEqual({
    received: 'received',
    acknowledged: 'acknowledged',
    in_progress: 'in_progress',
    in_mediation: 'in_mediation',
    mediated: 'resolved',
    resolved: 'resolved',
    referred_to_court: 'referred',
    referred_for_enforcement: 'referred',
    closed: 'closed',
    withdrawn: 'closed',
  });
  const year = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4);
  const report = await call('GET', `/reports/disputes?compoundId=${DEMO.compoundId}&period=${year}`, { token: bureau });
  expect(report.json).toMatchObject({
    figures: { accepted: 10, mediatedSuccessfully: 1, referredToCourt: 1, referredForEnforcement: 1, courtVisits: 1, settledOnSite: 2 },
    petitions: { current: 2, previous: 3 },
  });
  const open311 = await call('GET', `/open311/v2/requests.json?api_key=${encodeURIComponent(demo.apiKey)}`);
  expect(open311.json).toHaveLength(10);
  expect(system.bus.log.filter((e) => e['detail-type'] === 'ComplaintReferredForEnforcement')[0]!.detail.data).toMatchObject({ respondentOwnerId: 'O23' });
});
