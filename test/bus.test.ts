import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveredEvent } from '../events/envelope';
import { fixtures } from '../events/fixtures';
import { ClaimHeld, consumeOnce } from '../libs/consume';
import { db } from '../libs/db';
import { LocalBus } from '../infra/local/bus';
import type { LocalSystem } from '../infra/local/runtime';
import { startSystem } from './helpers';

describe('local bus', () => {
  test('delivers matching events asynchronously, retries failures and parks what keeps failing', async () => {
    const bus = new LocalBus({ maxAttempts: 3, retryDelayMs: 1 });
    const seen: string[] = [];
    let flaky = 2;
    bus.subscribe({ target: 'ok', pattern: { source: ['gongzhi.registry'] }, invoke: async (e) => void seen.push(`ok:${e['detail-type']}`) });
    bus.subscribe({
      target: 'flaky',
      pattern: { 'detail-type': ['RollActivated'] },
      invoke: async () => {
        if (flaky-- > 0) throw new Error('transient');
        seen.push('flaky:done');
      },
    });
    bus.subscribe({ target: 'broken', pattern: { 'detail-type': ['CompoundRegistered'] }, invoke: async () => Promise.reject(new Error('always')) });
    bus.subscribe({ target: 'never', pattern: { source: ['gongzhi.funds'] }, invoke: async () => void seen.push('never') });

    await bus.put([fixtures.RollActivated!, fixtures.CompoundRegistered!]);
    expect(seen).toEqual([]); // nothing is delivered inside put
    await bus.idle();
    expect(seen.sort()).toEqual(['flaky:done', 'ok:CompoundRegistered', 'ok:RollActivated']);
    expect(bus.deadLetters).toEqual([expect.objectContaining({ target: 'broken', attempts: 3, error: 'always' })]);
    expect(bus.deadLetters[0]!.event.detail.metadata.id).toBe(fixtures.CompoundRegistered!.detail.metadata.id);
  });

  test('refuses, like EventBridge, an event over 256 KB, and delivers nothing of that call', async () => {
    const bus = new LocalBus();
    const seen: string[] = [];
    bus.subscribe({ target: 'any', pattern: { source: [{ prefix: 'gongzhi.' }] }, invoke: async (e) => void seen.push(e['detail-type']) });
    const big = structuredClone(fixtures.RollActivated!);
    (big.detail as { data: unknown }).data = { padding: 'x'.repeat(256 * 1024) };
    await expect(bus.put([fixtures.CompoundRegistered!, big])).rejects.toThrow(/at most 262144/);
    await bus.idle();
    expect(seen).toEqual([]);
  });
});

describe('idempotent consumption', () => {
  let system: LocalSystem;
  beforeAll(async () => ({ system } = await startSystem()));
  afterAll(() => system.close());

  const delivered = (id: string) => ({ detail: { ...fixtures.RollActivated!.detail, metadata: { ...fixtures.RollActivated!.detail.metadata, id } } }) as DeliveredEvent;

  test('a duplicate delivery has one effect, even when the duplicates race', async () => {
    const table = system.tables.registry!;
    let effects = 0;
    const effect = async () => {
      effects++;
      await db().send(new PutCommand({ TableName: table, Item: { pk: 'TEST', sk: `effect-${effects}` } }));
    };
    // Losers of the race either see the claim held (a retryable failure: the bus retries them) or, once it is done, a duplicate.
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => consumeOnce(table, 'test-consumer', delivered('evt-1'), effect)));
    expect(effects).toBe(1);
    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'processed')).toHaveLength(1);
    expect(outcomes.every((o) => o.status === 'fulfilled' || o.reason instanceof ClaimHeld)).toBe(true);
    expect(await consumeOnce(table, 'test-consumer', delivered('evt-1'), effect)).toBe('duplicate');
    // Another consumer of the same event has its own record.
    expect(await consumeOnce(table, 'other-consumer', delivered('evt-1'), effect)).toBe('processed');
    expect(effects).toBe(2);
  });

  test('a failed effect releases its claim so the retry runs it', async () => {
    const table = system.tables.registry!;
    let attempts = 0;
    const effect = async () => {
      attempts++;
      if (attempts === 1) throw new Error('downstream unavailable');
    };
    await expect(consumeOnce(table, 'test-consumer', delivered('evt-2'), effect)).rejects.toThrow('downstream unavailable');
    expect(await consumeOnce(table, 'test-consumer', delivered('evt-2'), effect)).toBe('processed');
    expect(await consumeOnce(table, 'test-consumer', delivered('evt-2'), effect)).toBe('duplicate');
    expect(attempts).toBe(2);
  });
});
