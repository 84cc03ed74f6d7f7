import { performance } from 'node:perf_hooks';
import { clock } from '../libs/clock';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchPut, db } from '../libs/db';
import { startLocal } from '../infra/local/runtime';
import type { LocalSystem } from '../infra/local/runtime';
import { COMPOUNDS_PARTITION, compoundSortKey } from '../services/registry/kit/keys';
import { addDaysToDate, localDate } from '../services/enforcement/domain/time';
import { feedQuanzhouYear } from './sweeps-feed';
import { client } from '../test/helpers';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Generated compounds straight into the enforcement service's copy of the registry (what its
 * registry consumer would write), with varied risk: a third swept 100 days ago and clean (not due),
 * every seventh with open hazards, building years spread over fifty years.
 */
async function generate(system: LocalSystem, districtId: string, count: number): Promise<void> {
  await system.asService('enforcement', async () => {
    const table = system.tables.enforcement!;
    const swept = new Date(clock.now().getTime() - 100 * 86_400_000).toISOString();
    const items: Record<string, unknown>[] = [];
    for (let n = 0; n < count; n++) {
      const location = { compoundId: `${districtId}-c${n}`, districtId, streetId: `${districtId}-s${n % 20}`, communityId: `${districtId}-k${n % 60}` };
      items.push({
        pk: `COMPOUND#${location.compoundId}`,
        sk: 'META',
        ...location,
        name: `Compound ${n}`,
        developerId: 'DEV',
        governance: 'committee',
        gsi1pk: COMPOUNDS_PARTITION,
        gsi1sk: compoundSortKey(location),
      });
      const risk: Record<string, unknown> = {
        pk: `COMPOUND#${location.compoundId}`,
        sk: 'RISK',
        compoundId: location.compoundId,
        builtYear: 1975 + (n % 50),
        openHazards: n % 7 === 0 ? 2 : 0,
        previousFindings: n % 5,
        openReferrals: n % 11 === 0 ? 1 : 0,
      };
      if (n % 3 === 0) risk.lastSweptAt = swept;
      items.push(risk);
    }
    await batchPut(table, items, 8);
  });
}

/**
 * `npm run bench -- sweeps`: a campaign planned over 200 and over 2,000 generated compounds — the
 * due index selects it, its compounds are paged onto the planning queue, each compound's risk is
 * read, its day and departments chosen and its sweep written with its event (and the audit service
 * records each), all to completion — then the statistics query over a year of Quanzhou-sized counts.
 */
export async function benchSweeps(sizes = [200, 2000]): Promise<void> {
  clock.reset();
  const system = await startLocal({ busRetryDelayMs: 5 });
  const call = client(system);
  try {
    const bureau = await system.token(['bureau'], 'bench-bureau');
    // Calibration: what this machine's dynalite does right now, so the numbers below can be read against it.
    const raw = await system.asService('enforcement', async () => {
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = next++; i < 500; i = next++)
            await db().send(new PutCommand({ TableName: system.tables.enforcement!, Item: { pk: 'BENCH#raw', sk: String(i) }, ConditionExpression: 'attribute_not_exists(pk)' }));
        }),
      );
      return 500 / ((performance.now() - started) / 1000);
    });
    console.log(`\ncalibration: raw conditional PutItem on this dynalite ${raw.toFixed(0)}/s (16 in flight)`);
    console.log('\n## Sweep planning: selection (due index) → campaign pages → one unit per compound → idempotent worker, to completion');
    const timings: Record<number, number> = {};
    for (const size of sizes) {
      const district = `bench${size}`;
      const generating = performance.now();
      await generate(system, district, size);
      console.log(`  (generated ${size} compounds with risk profiles in ${((performance.now() - generating) / 1000).toFixed(1)} s)`);
      const today = localDate(clock.nowIso());
      const campaign = {
        campaignId: `sweep-${size}`,
        theme: 'Fire lanes, e-bikes, illegal construction on common parts, water cut-offs',
        categories: ['fire_lane_blocked', 'ebike_indoor_charging', 'illegal_construction_common_part', 'water_power_cutoff'],
        departments: ['fire-rescue', 'urban-management', 'housing-bureau'],
        startsOn: today,
        endsOn: addDaysToDate(today, 90),
        scope: { kind: 'district', districtId: district },
        selection: 'due',
      };
      const created = await call('POST', '/enforcement/campaigns', { token: bureau, body: campaign });
      if (created.status !== 201) throw new Error(`campaign: ${created.status} ${created.text}`);
      await system.idle();
      const eventsBefore = system.bus.log.length;
      const started = performance.now();
      await system.scheduler.fire('enforcement/sweep-planner');
      await system.idle();
      const seconds = (performance.now() - started) / 1000;
      timings[size] = seconds;
      const planned = system.bus.log.slice(eventsBefore).filter((e) => e['detail-type'] === 'SweepPlanned').length;
      const state = (await call('GET', `/enforcement/campaigns/${campaign.campaignId}`, { token: bureau })).json;
      const dead = system.queues.deadLetters.filter((d) => d.queue.startsWith('enforcement/')).length;
      console.log(`sweep-plan compounds=${size} seconds=${seconds.toFixed(2)}`);
      console.log(
        `  in scope ${state.compoundsInScope}, sweeps planned ${planned}, not due ${size - planned}, campaign ${state.status}, dead letters ${dead}, ${(size / seconds).toFixed(0)} compounds/s`,
      );
    }
    if (timings[200] && timings[2000]) console.log(`t(2000)/t(200) = ${(timings[2000] / timings[200]).toFixed(2)} (goal ≤ 11; 2,000 in under 60 s)`);

    const scale = Number(process.env.SWEEPS_FEED_SCALE ?? 0.1);
    console.log(`\n## Statistics: ${scale === 1 ? 'a year' : `${scale} of a year`} of Quanzhou's activity fed through the statistics consumer (SWEEPS_FEED_SCALE=1 for all of it), then the query`);
    const feed = await feedQuanzhouYear(system, 'bench2000', scale);
    console.log(
      `fed ${feed.events} events (${feed.sweeps} inspections, ${feed.findings} findings, their rectifications and escalations) in ${feed.seconds.toFixed(1)} s, ${(feed.events / feed.seconds).toFixed(0)} events/s`,
    );
    const year = feed.year;
    const queries: [string, string][] = [
      ['city, year, JSON', `level=city&period=${year}`],
      ['city, year, CSV', `level=city&period=${year}&format=csv`],
      ['city, quarter', `level=city&period=${year}-Q2`],
      ['city, month', `level=city&period=${year}-05`],
      ['district, year', `level=district&districtId=bench2000&period=${year}`],
      ['street, year', `level=street&streetId=bench2000-s3&period=${year}`],
      ['compound, year', `level=compound&compoundId=bench2000-c3&period=${year}`],
    ];
    for (const [label, query] of queries) {
      const times: number[] = [];
      for (let i = 0; i < 21; i++) {
        const t = performance.now();
        const r = await call('GET', `/enforcement/statistics?${query}`, { token: bureau });
        if (r.status !== 200) throw new Error(`${query}: ${r.status} ${r.text}`);
        times.push(performance.now() - t);
      }
      console.log(`statistics ${label.padEnd(18)} median ${median(times).toFixed(1)} ms (21 calls)`);
    }
    const city = (await call('GET', `/enforcement/statistics?level=city&period=${year}`, { token: bureau })).json;
    const m = city.measures;
    const fireCases = ['fire_lane_blocked', 'ebike_indoor_charging', 'fire_equipment_faulty'].reduce((n, c) => n + (m.casesFiled.byCategory[c] ?? 0), 0);
    console.log(
      `city ${year}: compounds swept ${city.compoundsSwept} (for illegal construction ${city.compoundsSweptByCategory.illegal_construction_common_part ?? 0}), ` +
        `fire-safety hazards found ${city.hazardsFoundByClass.fire_safety ?? 0} with ${fireCases} cases, illegal-construction cases ${m.casesFiled.byCategory.illegal_construction_common_part ?? 0}, ` +
        `recommendations ${m.recommendations.total}, public-safety hazards rectified ${city.hazardsRectifiedByClass.public_safety ?? 0}, water restored ${m.hazardsRectified.byCategory.water_power_cutoff ?? 0}, ` +
        `illegal construction handled ${m.hazardsRectified.byCategory.illegal_construction_common_part ?? 0} (demolished ${m.demolitions.total}), police ${m.policeCriminal.total} criminal / ${m.policeAdministrative.total} administrative`,
    );
  } finally {
    await system.close();
  }
}
