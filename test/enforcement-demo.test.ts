import type { LocalSystem } from '../infra/local/runtime';
import { DEMO_SEED } from '../infra/local/seed';
import { ENFORCEMENT_DEMO, seedEnforcementDemo } from '../services/enforcement/demo';
import { client, startSystem } from './helpers';

/** The demo campaign seeds (infra/local/seed.ts) through the public API on top of the demo compound, once. */
describe('the enforcement demo for demo-donghu', () => {
  let system: LocalSystem;
  let call: ReturnType<typeof client>;
  // The demo without the disputes part (its referral would add to what this test counts).
  beforeAll(async () => ({ system, call } = await startSystem({ seed: DEMO_SEED.filter((step) => step.name !== 'disputes') })), 300_000);
  afterAll(() => system.close());

  test('seeds a campaign, a completed joint sweep, three findings and a rectification; a second run does nothing', async () => {
    // The local runtime's seed runs it after the demo compound, its roll and the disputes demo.
    expect(await system.seed.finished).toMatchObject({ state: 'done', done: ['areas', 'compound', 'roll', 'grid-roles', 'enforcement'] });
    await system.idle();
    const street = await system.token([`street:${ENFORCEMENT_DEMO.streetId}`]);
    const sweep = await call('GET', `/enforcement/campaigns/${ENFORCEMENT_DEMO.campaignId}/sweeps/demo-donghu`, { token: street });
    expect(sweep.json).toMatchObject({ status: 'completed', departments: ['fire-rescue', 'urban-management'] });
    const findings = (await call('GET', '/enforcement/compounds/demo-donghu/findings', { token: street })).json.items;
    expect(Object.fromEntries(findings.map((f: { findingId: string; status: string }) => [f.findingId, f.status]))).toEqual({ 'lane-b03': 'open', 'ebike-b07': 'rectified', 'roof-b01': 'open' });
    const roof = await call('GET', '/enforcement/compounds/demo-donghu/findings/roof-b01', { token: street });
    expect(roof.json.evidence[0]).toMatchObject({ uploaded: true });
    const negative = await call('GET', `/people/${ENFORCEMENT_DEMO.owner}/disqualifications`, { token: street });
    expect(negative.json.items).toEqual([expect.objectContaining({ reason: 'unrectified_violation', sourceRef: 'enforcement/finding/roof-b01', active: true })]);
    expect((await call('GET', '/enforcement/compounds/demo-donghu/risk', { token: street })).json).toMatchObject({ builtYear: 2003, openHazards: 2 });
    expect(await seedEnforcementDemo(system)).toBe(false);
  }, 300_000);
});
