import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveredEvent } from '../events/envelope';
import { fixtures } from '../events/fixtures';
import { clock } from '../libs/clock';
import { localRuntimeInstance } from '../libs/config';
import { ClaimHeld, consumeOnce } from '../libs/consume';
import { db } from '../libs/db';
import { LocalBus, type BusJournal, type PendingDelivery } from '../infra/local/bus';
import { LocalQueues, type QueueJournal, type QueueMessage } from '../infra/local/queues';
import type { LocalSystem } from '../infra/local/runtime';
import { crashProbe, crashProbeService } from './crash-probe';
import { client, startSystem } from './helpers';

/** A journal in memory, standing in for the runtime's table: what a restarted process would find. */
function memoryJournal() {
  const deliveries = new Map<string, PendingDelivery>();
  const dead: string[] = [];
  const journal: BusJournal = {
    save: async (list) => list.forEach((d) => deliveries.set(d.key, structuredClone(d))),
    done: async (d, deadLetter) => {
      if (deadLetter) dead.push(d.key);
      deliveries.delete(d.key);
    },
  };
  return { journal, deliveries, dead };
}

function memoryQueueJournal() {
  const messages = new Map<string, QueueMessage[]>();
  const journal: QueueJournal = {
    save: async (queue, list) => {
      const kept = (messages.get(queue) ?? []).filter((m) => !list.some((n) => n.key === m.key));
      messages.set(queue, [...kept, ...list.map((m) => structuredClone(m))]);
    },
    done: async (queue, list) =>
      void messages.set(
        queue,
        (messages.get(queue) ?? []).filter((m) => !list.some((n) => n.key === m.key)),
      ),
    deadLetter: async (queue, message) =>
      void messages.set(
        queue,
        (messages.get(queue) ?? []).filter((m) => m.key !== message.key),
      ),
  };
  return { journal, messages };
}

/** What libs/consume.ts throws while another invocation holds an event's claim. */
const held = (untilMs: number) => new ClaimHeld('held', { retryAfter: new Date(untilMs).toISOString() });

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

describe('nothing accepted is lost when the process stops', () => {
  test('a delivery is in the journal before put returns, leaves it once done or dead-lettered, and a new bus resumes what is left', async () => {
    const { journal, deliveries, dead } = memoryJournal();
    const first = new LocalBus({ journal, retryDelayMs: 1, maxAttempts: 2 });
    first.subscribe({ target: 'stuck', pattern: { 'detail-type': ['RollActivated'] }, invoke: () => new Promise(() => undefined) });
    first.subscribe({ target: 'ok', pattern: { 'detail-type': ['RollActivated'] }, invoke: async () => undefined });
    first.subscribe({ target: 'broken', pattern: { 'detail-type': ['RollActivated'] }, invoke: async () => Promise.reject(new Error('always')) });
    await first.put([fixtures.RollActivated!]);
    expect([...deliveries.values()].map((d) => d.target).sort()).toEqual(['broken', 'ok', 'stuck']);
    await waitFor(() => deliveries.size === 1 && dead.length === 1);
    expect([...deliveries.values()][0]).toMatchObject({ target: 'stuck', attempts: 0 });
    first.stop(); // the process dies with 'stuck' running

    const seen: string[] = [];
    const second = new LocalBus({ journal, retryDelayMs: 1 });
    second.subscribe({ target: 'stuck', pattern: { 'detail-type': ['RollActivated'] }, invoke: async (e) => void seen.push(e.detail.metadata.id) });
    second.resume([...deliveries.values()]);
    await second.idle();
    expect(seen).toEqual([fixtures.RollActivated!.detail.metadata.id]);
    expect(deliveries.size).toBe(0);
  });

  test('a put the journal cannot record fails (the events stay in their outbox) and delivers nothing', async () => {
    const seen: string[] = [];
    const bus = new LocalBus({ journal: { save: () => Promise.reject(new Error('store closed')), done: async () => undefined } });
    bus.subscribe({ target: 'any', pattern: { source: [{ prefix: 'gongzhi.' }] }, invoke: async (e) => void seen.push(e.id) });
    await expect(bus.put([fixtures.RollActivated!])).rejects.toThrow('store closed');
    await bus.idle();
    expect(seen).toEqual([]);
    expect(bus.log).toEqual([]);
  });

  test('a delivery whose claim another invocation holds waits for it without spending attempts; then it runs', async () => {
    const bus = new LocalBus({ retryDelayMs: 1, maxAttempts: 2 });
    let checks = 0;
    const until = clock.now().getTime() + 60_000;
    bus.subscribe({
      target: 'claims',
      pattern: { 'detail-type': ['RollActivated'] },
      invoke: async () => {
        if (++checks <= 6) throw held(until);
      },
    });
    await bus.put([fixtures.RollActivated!]);
    await bus.idle();
    expect(checks).toBe(7);
    expect(bus.deadLetters).toEqual([]);
  });

  test('queue messages: journaled before send returns, gone once done or dead-lettered, resumed by a new process; a held claim is not a receive', async () => {
    const { journal, messages } = memoryQueueJournal();
    const hang = new Set(['stuck']);
    const received: string[] = [];
    let heldChecks = 0;
    const until = clock.now().getTime() + 60_000;
    const decl = (invoke: (body: string) => Promise<void>) => ({
      id: 'probe/units',
      batchSize: 1,
      maxReceives: 2,
      maxConcurrency: 5,
      invoke: async (event: import('aws-lambda').SQSEvent) => {
        const failures: { itemIdentifier: string }[] = [];
        for (const r of event.Records) await invoke(r.body).catch((e) => (e instanceof ClaimHeld ? Promise.reject(e) : failures.push({ itemIdentifier: r.messageId })));
        return { batchItemFailures: failures };
      },
    });
    const first = new LocalQueues(
      [
        decl(async (body) => {
          if (hang.has(body)) return new Promise(() => undefined);
          if (body === 'bad') throw new Error('bad');
          if (body === 'held' && ++heldChecks <= 4) throw held(until);
          received.push(body);
        }),
      ],
      1,
      journal,
    );
    await first.send('probe/units', ['stuck', 'bad', 'good', 'held']);
    expect(messages.get('probe/units')!.map((m) => m.body)).toEqual(['stuck', 'bad', 'good', 'held']);
    await waitFor(() => messages.get('probe/units')!.length === 1);
    expect(first.deadLetters.map((d) => [d.messageId.length > 0, d.receives])).toEqual([[true, 2]]);
    expect(received.sort()).toEqual(['good', 'held']);
    first.stop();

    hang.clear();
    const second = new LocalQueues([decl(async (body) => void received.push(body))], 1, journal);
    second.resume(messages);
    await second.idle();
    expect(received.sort()).toEqual(['good', 'held', 'stuck']);
    expect(messages.get('probe/units')).toEqual([]);
  });
});

describe('the runtime keeps its journal, dead letters and clock in its data folder', () => {
  const dirs: string[] = [];
  afterAll(() => {
    clock.reset();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('what was running or waiting when it stopped is delivered after the next start; dead letters and the moved clock stay', async () => {
    clock.reset();
    const dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-bus-'));
    dirs.push(dataDir);
    const event = (id: string) => ({ ...fixtures.RollActivated!, detail: { ...fixtures.RollActivated!.detail, metadata: { ...fixtures.RollActivated!.detail.metadata, id } } });
    Object.assign(crashProbe, { hang: false, started: [], done: [], failing: new Set(['event:evt-bad']) });

    let { system } = await startSystem({ dataDir, services: [crashProbeService] });
    await system.bus.put([event('evt-bad')]);
    await system.idle();
    expect(system.bus.deadLetters).toHaveLength(1);
    await system.scheduler.advance(3 * 86_400_000);
    crashProbe.hang = true;
    crashProbe.started = [];
    await system.bus.put([event('evt-1')]);
    await system.queues.send('crashprobe/work', ['u1', 'u2']);
    // The event's consumer and the batch's first unit are running (and hang).
    await waitFor(() => crashProbe.started.includes('event:evt-1') && crashProbe.started.some((id) => id.startsWith('unit:')));
    // Stopped without waiting for them (as Ctrl-C after its bound, or kill -9).
    await system.close({ drainMs: 0 });
    clock.reset();

    crashProbe.hang = false;
    ({ system } = await startSystem({ dataDir, services: [crashProbeService] }));
    try {
      expect(clock.offsetMs()).toBe(3 * 86_400_000);
      await system.idle();
      expect(crashProbe.done.sort()).toEqual(['event:evt-1', 'unit:u1', 'unit:u2']);
      const call = client(system);
      expect((await call('GET', '/_local/bus')).json).toMatchObject({ bus: { pending: 0, deadLetters: 1 } });
      expect((await call('GET', '/_local/dead-letters')).json.events).toEqual([expect.objectContaining({ target: 'crashprobe-events', attempts: 4, error: 'event:evt-bad always fails' })]);
    } finally {
      await system.close();
    }
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

  test('a claim left by an earlier run of the runtime (killed) is taken over at once; one of this run waits for its lease', async () => {
    const table = system.tables.registry!;
    const claim = (id: string, claimedBy: string) =>
      system.asService('registry', () =>
        db().send(
          new PutCommand({
            TableName: table,
            Item: { pk: 'CONSUMED#test-consumer', sk: id, status: 'IN_PROGRESS', claimId: 'old', claimedAt: clock.nowIso(), claimedUntil: clock.now().getTime() + 3600_000, claimedBy },
          }),
        ),
      );
    let effects = 0;
    const effect = async () => void effects++;
    await claim('evt-dead', 'an-earlier-run');
    expect(await system.asService('registry', () => consumeOnce(table, 'test-consumer', delivered('evt-dead'), effect))).toBe('processed');
    const { Item } = await system.asService('registry', () => db().send(new GetCommand({ TableName: table, Key: { pk: 'CONSUMED#test-consumer', sk: 'evt-dead' } })));
    expect(Item).toMatchObject({ status: 'DONE', claimedBy: localRuntimeInstance() });
    await claim('evt-alive', localRuntimeInstance()!);
    await expect(system.asService('registry', () => consumeOnce(table, 'test-consumer', delivered('evt-alive'), effect))).rejects.toBeInstanceOf(ClaimHeld);
    expect(effects).toBe(1);
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

/** Polls a condition that the code under test makes true (never a timing assertion). */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the condition never held');
}
