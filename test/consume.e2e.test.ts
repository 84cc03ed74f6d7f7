import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveredEvent } from '../events/envelope';
import { fixtures } from '../events/fixtures';
import { clock } from '../libs/clock';
import { CLAIM_RETENTION_MS, ClaimHeld, consumeOnce, LEASE_MARGIN_MS } from '../libs/consume';
import { TTL_ATTRIBUTE } from '../libs/table';
import { db } from '../libs/db';
import type { ServiceTopology } from '../libs/topology';
import type { LocalSystem } from '../infra/local/runtime';
import { startSystem } from './helpers';
import { probeClaims } from './probe/claims';

const TIMEOUT_SECONDS = 30;

const probe: ServiceTopology = {
  name: 'probe',
  source: 'gongzhi.probe',
  ownsTable: true,
  consumers: [
    {
      name: 'claims',
      entry: 'test/probe/claims.ts',
      description: 'processes RollActivated once; can die mid-effect',
      pattern: { source: ['gongzhi.registry'], 'detail-type': ['RollActivated'] },
      timeoutSeconds: TIMEOUT_SECONDS,
    },
  ],
  schedules: [],
  publishes: [],
};

const base = fixtures.RollActivated!;
const busEvent = (id: string) => ({ ...base, detail: { ...base.detail, metadata: { ...base.detail.metadata, id } } });
const delivered = (id: string): DeliveredEvent => ({
  version: '0',
  id: `envelope-${id}`,
  'detail-type': base.detailType,
  source: base.source,
  account: '000000000000',
  time: new Date().toISOString(),
  region: 'local',
  resources: [],
  detail: busEvent(id).detail,
});

describe('a consumer that dies mid-effect loses nothing', () => {
  let system: LocalSystem;
  beforeAll(async () => ({ system } = await startSystem({ services: [probe] })));
  // The dying invocation never returns: stop without waiting for it.
  afterAll(() => system.close({ drainMs: 0 }));

  test('its claim holds redeliveries back until the lease (its timeout) ends, without dead-lettering them; then the event is processed once', async () => {
    probeClaims.dieNext = true;
    const startedAt = Date.now();
    // The first delivery claims the event and never comes back (the local runtime would time it out after 30 s).
    void system.invoke('probe', 'claims', delivered('evt-crash')).catch(() => undefined);
    const claim = await waitForClaim(system, 'evt-crash');
    expect(claim.status).toBe('IN_PROGRESS');
    // The lease is the invocation's remaining time (its timeout) plus a margin: never shorter than the run can last.
    const lease = (claim.claimedUntil as number) - Date.parse(claim.claimedAt as string);
    expect(lease).toBeGreaterThan(TIMEOUT_SECONDS * 1000 - (Date.now() - startedAt) - 1000);
    expect(lease).toBeLessThanOrEqual(TIMEOUT_SECONDS * 1000 + LEASE_MARGIN_MS);

    // Redelivered while the lease runs: the bus neither succeeds silently nor spends its attempts and
    // parks the event; it keeps checking, without counting the checks as failures.
    await system.bus.put([busEvent('evt-crash')]);
    await waitFor(() => system.bus.state().held === 1);
    expect(probeClaims.processed).toEqual([]);
    expect(system.bus.deadLetters).toEqual([]);

    // Ten seconds before the lease ends (moved by the clock, not by waiting), still held.
    const claimedUntil = claim.claimedUntil as number;
    await system.scheduler.advance(claimedUntil - clock.now().getTime() - 10_000);
    await expect(system.invoke('probe', 'claims', delivered('evt-crash'))).rejects.toBeInstanceOf(ClaimHeld);
    expect(system.bus.state()).toMatchObject({ pending: 1, held: 1 });

    // Once the clock has passed the lease, the waiting delivery takes over and processes the event, once.
    await system.scheduler.advance(Math.max(0, claimedUntil - clock.now().getTime() + 1));
    await system.idle();
    expect(probeClaims.processed).toEqual(['evt-crash']);
    await system.bus.put([busEvent('evt-crash')]);
    await system.idle();
    expect(probeClaims.processed).toEqual(['evt-crash']);
    expect(system.bus.deadLetters).toEqual([]);
    expect((await readClaim(system, 'evt-crash'))?.status).toBe('DONE');
  });

  test('racing deliveries: one processes, the others fail retryably while it runs, and see a duplicate after', async () => {
    const table = system.tables.probe!;
    let effects = 0;
    let release!: () => void;
    const running = new Promise<void>((done) => (release = done));
    const effect = async () => {
      effects++;
      await running;
    };
    const first = system.asService('probe', () => consumeOnce(table, 'race', delivered('evt-race'), effect));
    await waitFor(() => effects === 1);
    const racers = await Promise.allSettled(Array.from({ length: 10 }, () => system.asService('probe', () => consumeOnce(table, 'race', delivered('evt-race'), effect))));
    expect(racers.every((r) => r.status === 'rejected' && r.reason instanceof ClaimHeld)).toBe(true);
    release();
    expect(await first).toBe('processed');
    expect(await system.asService('probe', () => consumeOnce(table, 'race', delivered('evt-race'), effect))).toBe('duplicate');
    expect(effects).toBe(1);
  });

  test('a handled event is remembered 30 days past any redelivery, then DynamoDB may delete the claim (TTL)', async () => {
    const table = system.tables.probe!;
    const before = clock.now().getTime();
    expect(await system.asService('probe', () => consumeOnce(table, 'ttl', delivered('evt-ttl'), async () => undefined))).toBe('processed');
    const claim = await readClaim(system, 'evt-ttl', 'ttl');
    expect(claim).toMatchObject({ status: 'DONE' });
    const ttl = claim![TTL_ATTRIBUTE] as number;
    expect(ttl).toBeGreaterThanOrEqual(Math.floor((before + CLAIM_RETENTION_MS) / 1000));
    expect(ttl).toBeLessThanOrEqual(Math.ceil((clock.now().getTime() + CLAIM_RETENTION_MS) / 1000));
  });
});

async function readClaim(system: LocalSystem, id: string, consumer = 'probe-claims') {
  return system.asService('probe', async () => (await db().send(new GetCommand({ TableName: system.tables.probe!, Key: { pk: `CONSUMED#${consumer}`, sk: id }, ConsistentRead: true }))).Item);
}

async function waitForClaim(system: LocalSystem, id: string): Promise<Record<string, unknown>> {
  let found: Record<string, unknown> | undefined;
  await waitFor(async () => (found = await readClaim(system, id)) !== undefined);
  return found!;
}

/** Polls a condition that the code under test makes true (never a timing assertion). */
async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the condition never held');
}
