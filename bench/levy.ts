import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { UnitRecord } from '../events/catalogue';
import { clock } from '../libs/clock';
import { db } from '../libs/db';
import { startLocal, type LocalSystem } from '../infra/local/runtime';
import { fundsReport } from '../services/funds/operations/reports';
import { startLevy } from '../services/funds/operations/levy';
import * as ledger from '../services/funds/store/ledger';
import { recordLocation } from '../services/funds/store/summaries';
import { registry } from '../services/funds/store/table';

/**
 * The levy and the funds report at city scale, on the local runtime (everything in this process:
 * dynalite, the queues, the workers; wall time depends on what else the machine runs, so the CPU
 * time this process used is printed too): `n` generated compounds of
 * `units` units each (the funds service's copy of the registry is written directly), each with a
 * levy and one public-revenue entry. Prints the time of one monthly levy run (the schedule fans out
 * one unit per compound through the queue) and of the city report, for 200 and 2,000 compounds:
 * t(2000)/t(200) near 10 means the work grows linearly with the compounds, none of it city-wide.
 */
const UNITS = 50;

function countCalls(): { calls: () => number; stop: () => void } {
  let calls = 0;
  const name = `bench-count-${Math.random()}`;
  db().middlewareStack.add((next) => async (args) => (calls++, next(args)), { step: 'initialize', name, priority: 'high' });
  return { calls: () => calls, stop: () => void db().middlewareStack.remove(name) };
}

async function seed(system: LocalSystem, n: number): Promise<void> {
  await system.asService('funds', async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let c = next++; c < n; c = next++) {
          const compoundId = `city-${c}`;
          const location = { compoundId, districtId: `D${c % 4}`, streetId: `S${c % 40}`, communityId: `K${c % 200}` };
          await registry.putCompound({ ...location, name: compoundId, developerId: 'DEV', governance: 'committee' });
          const units: UnitRecord[] = Array.from({ length: UNITS }, (_, u) => ({
            unitId: `B${String(Math.floor(u / 10)).padStart(2, '0')}-${String(u % 10).padStart(3, '0')}`,
            buildingId: `B${String(Math.floor(u / 10)).padStart(2, '0')}`,
            area: 6_000 + ((c * 7 + u * 13) % 6_000),
            areaSource: 'register',
            holding: u % 25 === 0 ? 'unsold' : u % 25 === 1 ? 'sold_undelivered' : 'owned',
            ownerId: u % 25 === 0 ? 'DEV' : `O${u}`,
            registered: true,
          }));
          await registry.putRollChunk(compoundId, 1, 0, units);
          await registry.activateRoll(compoundId, 1, 1, UNITS);
          await recordLocation(location);
          await ledger.append(compoundId, 'public_revenue', {
            kind: 'income',
            postings: [
              { account: 'cash', amountFen: 100_000 + c },
              { account: 'income:advertising', amountFen: -(100_000 + c) },
            ],
            memo: 'lift advertising',
            sourceDocument: { type: 'contract', ref: `AD-${c}` },
            actor: 'bench',
            clientRef: `ads-${c}`,
            at: clock.nowIso(),
          });
          await startLevy({ compoundId, rateFenPerM2Month: 30, voteId: `levy-${c}`, decidedAt: clock.nowIso() });
        }
      }),
    );
  });
}

async function runCity(n: number): Promise<{ levyMs: number; levyCpuMs: number; levyCalls: number; reportMs: number; reportCalls: number; charged: number }> {
  clock.reset();
  const system = await startLocal({ busRetryDelayMs: 5 });
  try {
    await seed(system, n);
    await system.idle();
    // To 02:00 Beijing on the 1st of next month, without firing anything on the way; then the one run.
    const now = new Date(clock.now().getTime() + 8 * 3600_000);
    const target = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 2) - 8 * 3600_000;
    clock.advance(target - clock.now().getTime());
    const levyCounter = countCalls();
    const started = performance.now();
    const cpu = process.cpuUsage();
    await system.scheduler.fire('funds/levy-clock');
    await system.idle();
    const levyMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const levyCpuMs = (used.user + used.system) / 1000;
    levyCounter.stop();
    const charged = system.bus.log.filter((e) => e['detail-type'] === 'LevyMonthCharged').length;
    const dead = system.queues.deadLetters.length;
    if (charged !== n || dead) throw new Error(`levy charged ${charged} of ${n} compounds, ${dead} dead letters`);

    const reportCounter = countCalls();
    const reportStarted = performance.now();
    const report = await system.asService('funds', () => fundsReport({}));
    const reportMs = performance.now() - reportStarted;
    reportCounter.stop();
    if (report.compounds !== n) throw new Error(`the report counted ${report.compounds} compounds of ${n}`);
    return { levyMs, levyCpuMs, levyCalls: levyCounter.calls(), reportMs, reportCalls: reportCounter.calls(), charged };
  } finally {
    await system.close();
  }
}

export async function benchLevy(sizes: readonly number[] = [200, 2000]): Promise<void> {
  console.log(`\n## The levy and the funds report at city scale (${UNITS} units per compound; local runtime, queue concurrency 5)`);
  console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const results: Record<number, Awaited<ReturnType<typeof runCity>>> = {};
  for (const n of sizes) {
    const r = (results[n] = await runCity(n));
    console.log(
      `${String(n).padStart(5)} compounds (${n * UNITS} units): levy run ${(r.levyMs / 1000).toFixed(1)} s (${(r.levyCpuMs / 1000).toFixed(1)} s of this process's CPU), ${(r.levyCalls / n).toFixed(1)} DynamoDB calls per compound; ` +
        `city report ${r.reportMs.toFixed(0)} ms, ${r.reportCalls} DynamoDB calls (${(r.reportCalls / n).toFixed(3)} per compound)`,
    );
  }
  const [small, large] = sizes;
  if (small && large && results[small] && results[large]) {
    console.log(
      `ratio t(${large})/t(${small}): levy ${(results[large].levyMs / results[small].levyMs).toFixed(1)} (CPU ${(results[large].levyCpuMs / results[small].levyCpuMs).toFixed(1)}), report ${(results[large].reportMs / results[small].reportMs).toFixed(1)} (compounds ×${large / small}; wall times move with the machine's other load, CPU time much less)`,
    );
  }
}
