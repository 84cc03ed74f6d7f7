import type { LocalSystem } from '../infra/local/runtime';
import { DEMO, DEMO_SEED, demoRollCsv } from '../infra/local/seed';
import type { SeedStep } from '../infra/local/seeding';
import { clock } from '../libs/clock';
import { seedDisputesDemo, type DemoCall } from '../services/disputes/demo';
import { client, registerAreas, startSystem } from './helpers';

/**
 * Moving the local clock while the demo is seeding. The seed makes its cases one step after another
 * at the server's time (a mediation agreement, its judicial confirmation, the court's decision): the
 * clock route refuses (409, with the reason and how to wait) until the seed is done, and the seed's
 * steps read the server's clock, so a seed that runs on a clock moved earlier (kept across restarts)
 * still completes.
 */
const BUREAU = ['bureau'] as const;
const demoStep = (name: string) => DEMO_SEED.find((s) => s.name === name)!;

describe('the clock route while the demo is seeding', () => {
  let system: LocalSystem;
  let call: ReturnType<typeof client>;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  // The demo's first steps with a small roll, a step held open by the test, then the disputes demo.
  const seed: SeedStep[] = [
    demoStep('areas'),
    demoStep('compound'),
    { name: 'roll', run: async ({ call }) => void (await call('POST', `/compounds/${DEMO.compoundId}/roll`, BUREAU, demoRollCsv(2, 24), undefined, 'text/csv')) },
    { name: 'held-by-the-test', run: () => gate },
    demoStep('disputes'),
  ];

  beforeAll(async () => {
    clock.reset();
    ({ system, call } = await startSystem({ seed }));
  });
  afterAll(async () => {
    release();
    await system.close();
    clock.reset();
  });

  test('refused with 409 and the reason until /_local/ready reports ready; then the clock moves', async () => {
    const before = (await call('GET', '/_local/clock')).json;
    const refused = await call('POST', '/_local/clock/advance', { body: { days: 10 } });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.json.detail).toMatch(/^the demo is still being seeded \(steps left: .*held-by-the-test, disputes\); move the clock once it is done: curl -X POST '.*\/_local\/ready\?wait=120'$/);
    expect((await call('GET', '/_local/clock')).json.offsetMs).toBe(before.offsetMs);
    expect((await call('GET', '/_local/ready')).status).toBe(503);

    release();
    const ready = await call('POST', '/_local/ready?wait=120');
    expect(ready.json).toMatchObject({ ready: true, seed: { state: 'done', left: [] } });
    const moved = await call('POST', '/_local/clock/advance', { body: { days: 10 } });
    expect(moved.status).toBe(200);
    expect((await call('GET', '/_local/clock')).json.offsetMs).toBe(before.offsetMs + 10 * 86_400_000);
  });
});

describe('the disputes demo on a moved clock', () => {
  let system: LocalSystem;
  let call: ReturnType<typeof client>;
  beforeAll(async () => {
    clock.reset();
    ({ system, call } = await startSystem());
    await registerAreas(system, [{ districtId: DEMO.districtId, streetId: DEMO.streetId, communityId: DEMO.communityId }]);
    const bureau = await system.token([...BUREAU]);
    const body = { compoundId: DEMO.compoundId, name: 'Donghu', address: '1 Donghu Road', communityId: DEMO.communityId, governance: 'committee', developerId: DEMO.developerId };
    expect((await call('POST', '/compounds', { token: bureau, body })).status).toBe(201);
    expect((await call('POST', `/compounds/${DEMO.compoundId}/roll`, { token: bureau, raw: demoRollCsv(2, 24), type: 'text/csv' })).status).toBe(201);
    await system.idle();
  });
  afterAll(async () => {
    await system.close();
    clock.reset();
  });

  test('the mediated case is confirmed by the court at the server’s time, the clock moved 20 days before the seed and 2 more during it', async () => {
    await system.scheduler.advance(20 * 86_400_000);
    const demoCall: DemoCall = async (method, path, grants, body, subject) => {
      const r = await call(method, path, { token: await system.token(grants, subject), body });
      // Moved again while the case is under way (within the 30 days an application may take).
      if (path.endsWith('/mediation/agreement') && method === 'POST') await system.scheduler.advance(2 * 86_400_000);
      return { status: r.status, json: r.json };
    };
    const demo = await seedDisputesDemo(demoCall);
    const bureau = await system.token([...BUREAU]);
    const mediated = (await call('GET', `/complaints/${demo.complaints.mediated}`, { token: bureau })).json;
    expect(mediated.status).toBe('resolved');
    expect(mediated.judicialConfirmation).toMatchObject({ decision: 'confirmed' });
    expect(mediated.judicialConfirmation.decidedAt).toBe(mediated.judicialConfirmation.appliedAt);
    expect(Date.parse(mediated.judicialConfirmation.decidedAt)).toBeGreaterThan(Date.now() + 21 * 86_400_000);
    const inMediation = (await call('GET', `/complaints/${demo.complaints.in_mediation}`, { token: bureau })).json;
    // The next session is 3 days ahead of the server's clock, not of this process's.
    expect(Date.parse(inMediation.mediation.sessions[0].scheduledAt)).toBeGreaterThan(Date.parse(clock.nowIso()));
  });
});
