import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { clock } from '../libs/clock';
import { db } from '../libs/db';
import { startLocal } from '../infra/local/runtime';
import { DEFAULT_TIME_ZONE, previousQuarter } from '../services/funds/domain/calendar';
import { quarterIndex, quarterLabel, type QuarterFigures } from '../services/funds/domain/quarters';
import { fundsByQuarter } from '../services/funds/operations/reports';
import { recordQuarter } from '../services/funds/store/street-quarters';
import { table } from '../services/funds/store/table';

/**
 * The funds by quarter at city scale, on the local runtime: `n` compounds in 100 streets of 10
 * districts, each with 8 disclosed quarters on its street's items (written as the disclosure unit
 * writes them), then the 8-quarter report for the city, a district and a street: its time and its
 * DynamoDB calls (one per quarter whatever the compounds). Then one street holding 2,000 compounds
 * with 64-character ids in one quarter's item, against DynamoDB's 400 KB item limit.
 */
function countCalls(): { calls: () => number; stop: () => void } {
  let calls = 0;
  const name = `bench-count-${Math.random()}`;
  db().middlewareStack.add((next) => async (args) => (calls++, next(args)), { step: 'initialize', name, priority: 'high' });
  return { calls: () => calls, stop: () => void db().middlewareStack.remove(name) };
}

const figures = (c: number, q: number): QuarterFigures => ({
  collectedFen: 12_345_678_901 + c + q,
  costsFen: 1_234_567 + c,
  paidFen: 98_765_432 + q,
  levyChargedFen: 7_654_321 + c,
  levyPaidFen: 6_543_210 + c,
  levyOwedFen: 1_111_111 + c,
  cashFen: 123_456_789_012 + c,
});

async function inParallel(width: number, n: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < n; i = next++) await task(i);
    }),
  );
}

export async function benchFundsQuarters(n = 2_000): Promise<void> {
  console.log(`\n## Funds by quarter at city scale (${n} compounds, 100 streets, 10 districts, 8 quarters; local runtime)`);
  console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  clock.reset();
  const system = await startLocal({ busRetryDelayMs: 5 });
  try {
    const last = quarterIndex(previousQuarter(clock.nowIso(), DEFAULT_TIME_ZONE).label);
    const quarters = Array.from({ length: 8 }, (_, i) => quarterLabel(last - 7 + i));
    await system.asService('funds', async () => {
      const started = performance.now();
      await inParallel(8, n * quarters.length, async (i) => {
        const c = i % n;
        const q = Math.floor(i / n);
        await recordQuarter({ districtId: `D${c % 10}`, streetId: `S${c % 100}` }, `city-${c}`, quarters[q]!, figures(c, q));
      });
      console.log(`seeded ${n * quarters.length} compound quarters in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      for (const [label, scope] of [
        ['city', {}],
        ['district (200 compounds)', { districtId: 'D3' }],
        ['street (20 compounds)', { districtId: 'D3', streetId: 'S13' }],
      ] as const) {
        const times: number[] = [];
        let calls = 0;
        let compounds = 0;
        for (let run = 0; run < 5; run++) {
          const counter = countCalls();
          const t = performance.now();
          const report = await fundsByQuarter(scope, {});
          times.push(performance.now() - t);
          counter.stop();
          calls = counter.calls();
          compounds = report.quarters.at(-1)!.compounds;
        }
        times.sort((a, b) => a - b);
        console.log(`${label.padEnd(26)} 8 quarters: median ${times[2]!.toFixed(0).padStart(4)} ms, ${calls} DynamoDB calls, ${compounds} compounds in the last quarter`);
      }
      // One fat street: 2,000 compounds with 64-character ids in one quarter's item.
      const fat = 2_000;
      const t = performance.now();
      await inParallel(4, fat, (c) => recordQuarter({ districtId: 'DX', streetId: 'SX' }, `${String(c).padStart(4, '0')}${'x'.repeat(60)}`, quarters[0]!, figures(c, 0)));
      const { Item } = await db().send(new GetCommand({ TableName: table(), Key: { pk: `FUNDQUARTER#${quarters[0]}`, sk: 'STREET#SX' } }));
      const parts = Object.keys(Item ?? {}).filter((k) => k.startsWith('q#')).length;
      // dynalite refuses an item over 400 KB by DynamoDB's sizing (attribute names and values), as DynamoDB does.
      console.log(`one street, ${fat} compounds with 64-character ids, one quarter: ${parts} parts written in ${((performance.now() - t) / 1000).toFixed(1)} s (under the 400 KB item limit)`);
    });
  } finally {
    await system.close();
  }
}
