import { performance } from 'node:perf_hooks';
import { clock } from '../libs/clock';
import { db } from '../libs/db';
import { startLocal } from '../infra/local/runtime';
import * as store from '../services/funds/store/ledger';
import { client, compoundBody, registerAreas } from '../test/helpers';

/**
 * Journal appends through the local runtime:
 *   - one hot ledger under 100 mixed clients (appends and reads of the same compound): appends/s,
 *     p50 and p99 of an append, with the per-instance queue and group commit;
 *   - 100 ledgers round robin;
 *   - one hot ledger raced by separate instances (no shared queue): appends/s, p99, Busy answers;
 *   - DynamoDB calls per journal entry.
 */
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const ms = (n: number) => `${n.toFixed(0)} ms`;

function countCalls(): { calls: () => number; stop: () => void } {
  let calls = 0;
  const name = `bench-count-${Math.random()}`;
  db().middlewareStack.add((next) => async (args) => (calls++, next(args)), { step: 'initialize', name, priority: 'high' });
  return { calls: () => calls, stop: () => void db().middlewareStack.remove(name) };
}

export async function benchLedger(clients = 100, seconds = 15): Promise<void> {
  clock.reset();
  const system = await startLocal({ busRetryDelayMs: 5 });
  const call = client(system);
  try {
    const bureau = await system.token(['bureau']);
    await registerAreas(system);
    for (let c = 0; c < 100; c++) await call('POST', '/compounds', { token: bureau, body: compoundBody(`ledger-${c}`) });
    await system.idle();
    const tokens = await Promise.all(Array.from({ length: 100 }, (_, c) => system.token([`property:ledger-${c}`], `property-${c}`)));
    const owner = await system.token(['owner:ledger-0:O1'], 'O1');
    let serial = 0;
    const body = () => {
      const i = serial++;
      return { clientRef: `r-${i}`, source: 'parking', grossFen: 1000 + (i % 7), memo: `parking ${i}`, sourceDocument: { type: 'receipt', ref: `P-${i}` } };
    };

    console.log('\n## Ledger appends through the local runtime (POST …/funds/public_revenue/income)');
    console.log(
      `machine: ${(await import('node:os')).cpus().length} cores, load average ${(await import('node:os'))
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );

    // One hot ledger, 100 clients for `seconds`: 4 in 5 requests append, 1 in 5 reads the compound's funds or journal.
    // A client told 503 Busy waits as Retry-After says (1 s) and tries again.
    {
      const latencies: number[] = [];
      let reads = 0;
      let refused = 0;
      const counter = countCalls();
      const started = performance.now();
      const until = started + seconds * 1000;
      await Promise.all(
        Array.from({ length: clients }, async (_, k) => {
          for (let n = 0; performance.now() < until; n++) {
            if ((k + n) % 5 === 4) {
              const r = await call('GET', n % 2 ? '/compounds/ledger-0/funds' : '/compounds/ledger-0/funds/public_revenue/entries?limit=20', { token: owner });
              if (r.status !== 200) throw new Error(`read: ${r.status} ${r.text}`);
              reads++;
              continue;
            }
            const t = performance.now();
            const r = await call('POST', '/compounds/ledger-0/funds/public_revenue/income', { token: tokens[0]!, body: body() });
            if (r.status === 503) {
              refused++;
              await new Promise((done) => setTimeout(done, 1000 * Number(r.headers.get('retry-after') ?? 1)));
              continue;
            }
            if (r.status !== 201) throw new Error(`append: ${r.status} ${r.text}`);
            latencies.push(performance.now() - t);
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      counter.stop();
      latencies.sort((a, b) => a - b);
      console.log(
        `one hot ledger, ${clients} mixed clients, ${seconds} s: ${(latencies.length / elapsed).toFixed(0)} appends/s (and ${(reads / elapsed).toFixed(0)} reads/s); ` +
          `accepted append p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1) ?? 0)}; ${refused} answered 503 Busy at once (${((100 * refused) / (refused + latencies.length)).toFixed(0)}% of append attempts)`,
      );
      console.log(`  DynamoDB calls, all requests included: ${(counter.calls() / latencies.length).toFixed(1)} per append`);
    }

    // 100 ledgers round robin: no contention, the per-request cost.
    {
      const latencies: number[] = [];
      const count = 1000;
      let next = 0;
      const counter = countCalls();
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = next++; i < count; i = next++) {
            const c = 1 + (i % 99);
            const t = performance.now();
            const r = await call('POST', `/compounds/ledger-${c}/funds/public_revenue/income`, { token: tokens[c]!, body: body() });
            if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
            latencies.push(performance.now() - t);
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      counter.stop();
      latencies.sort((a, b) => a - b);
      console.log(
        `100 ledgers round robin, 16 in flight: ${(count / elapsed).toFixed(0)} appends/s; p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}; ${(counter.calls() / count).toFixed(1)} DynamoDB calls per request`,
      );
    }

    // Separate instances racing for one ledger (as concurrent Lambda instances would): bounded retries, then Busy.
    await system.asService('funds', async () => {
      const racers = 20;
      const per = 10;
      const latencies: number[] = [];
      let busy = 0;
      const stats = { attempts: 0, writeUnits: 0 };
      const started = performance.now();
      await Promise.all(
        Array.from({ length: racers }, async (_, k) => {
          for (let n = 0; n < per; n++) {
            const i = serial++;
            for (;;) {
              const t = performance.now();
              try {
                await store.append(
                  'ledger-1',
                  'neighbours',
                  {
                    kind: 'donation',
                    postings: [
                      { account: 'cash', amountFen: 100 },
                      { account: 'income:donations', amountFen: -100 },
                    ],
                    memo: `race ${k}/${n}`,
                    sourceDocument: { type: 'receipt', ref: `X-${i}` },
                    actor: 'bench',
                    clientRef: `race-${i}`,
                    at: clock.nowIso(),
                  },
                  { serialize: false, stats },
                );
                latencies.push(performance.now() - t);
                break;
              } catch (error) {
                if ((error as { kind?: string }).kind !== 'busy') throw error;
                busy++;
                await new Promise((r) => setTimeout(r, 100));
              }
            }
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      console.log(
        `one ledger raced by ${racers} separate instances: ${((racers * per) / elapsed).toFixed(0)} appends/s; p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}; ${busy} Busy (503) answers retried; ${(stats.attempts / (racers * per)).toFixed(1)} conditional puts per entry`,
      );
    });

    // Calls of one append alone: reference claim, head, block put, reference done, outbox publish, summary.
    await system.asService('funds', async () => {
      const counter = countCalls();
      const stats = { attempts: 0, writeUnits: 0 };
      await store.append(
        'ledger-2',
        'public_revenue',
        {
          kind: 'income',
          postings: [
            { account: 'cash', amountFen: 5 },
            { account: 'income:parking', amountFen: -5 },
          ],
          memo: 'probe',
          sourceDocument: { type: 'receipt', ref: 'probe' },
          actor: 'bench',
          clientRef: 'probe',
          at: clock.nowIso(),
        },
        { stats },
      );
      counter.stop();
      console.log(`one append alone: ${counter.calls()} DynamoDB calls (claim, head, block put, claim done, outbox read and clear, summary), ${stats.writeUnits} WCU for the block`);
    });
    const check = await call('GET', '/compounds/ledger-0/funds/public_revenue/verify', { token: tokens[0]! });
    console.log(`hot ledger after the run: ${check.json.entries} entries, chain ${check.json.ok ? 'verifies' : 'BROKEN'}`);
  } finally {
    await system.close();
  }
}
