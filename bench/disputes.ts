import { performance } from 'node:perf_hooks';
import { clock } from '../libs/clock';
import { batchPut } from '../libs/db';
import { startLocal } from '../infra/local/runtime';
import { CATEGORIES } from '../services/disputes/domain/categories';
import { countersFor, type Counters } from '../services/disputes/domain/statistics';
import { LEVELS, rowKey } from '../services/disputes/store/statistics';
import { registry, table } from '../services/disputes/store/table';
import { compoundSortKey, COMPOUNDS_PARTITION } from '../services/registry/kit/keys';
import { client } from '../test/helpers';

async function inParallel(width: number, count: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < count; i = next++) await task(i);
    }),
  );
  return performance.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * A generated city: 2,000 compounds in 10 districts of 10 streets, in the disputes service's copy
 * of the registry. Intake through the local runtime (HTTP, JWT, handler, token claim, conditional
 * put, outbox) with its events counted by the statistics consumer; then a year of ~10,000 cases as
 * the statistics consumer leaves them (monthly rows per compound, street, district and city) and the
 * report over it at each level.
 */
export async function benchDisputes(compounds = 2000, cases = 10_000, intake = 300, width = 8): Promise<void> {
  clock.reset();
  const system = await startLocal({ busRetryDelayMs: 5 });
  const call = client(system);
  try {
    const place = (n: number) => ({ compoundId: `city-${n}`, districtId: `d${n % 10}`, streetId: `d${n % 10}-s${Math.floor(n / 10) % 10}`, communityId: `d${n % 10}-k${Math.floor(n / 10) % 40}` });
    // The items the registry read model keeps (services/registry/kit), written in batches rather than one event at a time.
    const loadStarted = performance.now();
    await system.asService('disputes', () =>
      batchPut(
        table(),
        Array.from({ length: compounds }, (_, n) => ({
          pk: `COMPOUND#${place(n).compoundId}`,
          sk: 'META',
          ...place(n),
          name: `Compound ${n}`,
          developerId: 'dev',
          governance: 'committee',
          gsi1pk: COMPOUNDS_PARTITION,
          gsi1sk: compoundSortKey(place(n)),
        })),
        8,
      ),
    );
    const loadMs = performance.now() - loadStarted;
    if (!(await system.asService('disputes', () => registry.getCompound('city-1999')))) throw new Error('the city was not loaded');
    console.log('\n## Disputes: a city of', compounds, 'compounds');
    console.log(`compounds into the disputes copy of the registry: ${(loadMs / 1000).toFixed(1)} s`);

    // Intake through HTTP: owners of many compounds file at once.
    const tokens = await Promise.all(Array.from({ length: 100 }, (_, i) => system.token([`owner:city-${i * 17}:O${i}`], `owner-${i}`)));
    const latencies: number[] = [];
    const intakeMs = await inParallel(width, intake, async (i) => {
      const t = performance.now();
      const r = await call('POST', `/compounds/city-${(i % 100) * 17}/complaints`, {
        token: tokens[i % 100]!,
        body: { category: ['parking', 'noise', 'leaks_repairs', 'property_service', 'pets'][i % 5], description: `benchmark complaint number ${i}` },
      });
      if (r.status !== 201) throw new Error(`intake ${i}: ${r.status} ${r.text}`);
      latencies.push(performance.now() - t);
    });
    const drainStarted = performance.now();
    await system.idle();
    const drainMs = performance.now() - drainStarted;
    console.log(
      `intake through the local runtime: ${(intake / (intakeMs / 1000)).toFixed(0)} complaints/s (${intake} complaints, ${width} in flight, median ${median(latencies).toFixed(0)} ms each); events counted and listed ${(drainMs / 1000).toFixed(1)} s after the last answer`,
    );

    // A year of cases as the statistics consumer leaves them.
    const year = new Date(clock.now().getTime() + 8 * 3600_000).getUTCFullYear() - 1;
    const rows = new Map<string, { pk: string; sk: string; counters: Counters }>();
    const add = (n: number, detailType: string, occurredAt: string, data: Record<string, unknown>) => {
      const counted = countersFor({ detailType, occurredAt, data })!;
      for (const level of LEVELS) {
        const key = rowKey(level, place(n), counted.month);
        const id = `${key.pk}|${key.sk}`;
        const row = rows.get(id) ?? { ...key, counters: {} };
        for (const [k, v] of Object.entries(counted.add)) row.counters[k] = (row.counters[k] ?? 0) + v;
        rows.set(id, row);
      }
    };
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < cases; i++) {
      const n = Math.floor(random() * compounds);
      const chance = (p: number) => random() < p;
      const at = new Date(Date.UTC(year, i % 12, 1 + (i % 27), 2)).toISOString();
      add(n, 'ComplaintReceived', at, { category: CATEGORIES[i % CATEGORIES.length] });
      add(n, 'ComplaintAcknowledged', at, { onTime: i % 5 !== 0, minutesToAcknowledge: 60 + (i % 900) });
      // Quanzhou's proportions: about a quarter mediated successfully, court visits settling about half their cases.
      const mediated = chance(0.25);
      if (mediated || chance(0.1)) add(n, 'MediationOpened', at, {});
      if (mediated) add(n, 'MediationAgreementSigned', at, {});
      if (chance(0.03)) add(n, 'CaseReferredToCourt', at, {});
      add(n, 'ComplaintResolved', at, { resolution: mediated ? 'mediated' : 'handled', onTime: chance(0.85), minutesToResolve: 2000 + Math.floor(random() * 9000) });
      if (chance(0.05)) add(n, 'CourtVisitRecorded', at, { visitedOn: at.slice(0, 10), settledOnSite: chance(0.45) ? 1 : 0 });
      if (chance(0.1)) add(n, 'PetitionRecorded', at, { receivedOn: at.slice(0, 10), category: 'fees' });
    }
    const writeMs = performance.now();
    await system.asService('disputes', () =>
      batchPut(
        table(),
        [...rows.values()].map((r) => ({ pk: r.pk, sk: r.sk, ...r.counters })),
        8,
      ),
    );
    console.log(`a year of ${cases} cases as counters: ${rows.size} monthly rows written in ${((performance.now() - writeMs) / 1000).toFixed(1)} s`);

    const bureau = await system.token(['bureau']);
    for (const [label, query] of [
      ['city (parts: 10 districts)', ''],
      ['district (parts: 10 streets)', '&districtId=d3'],
      ['street (parts: 20 compounds)', '&streetId=d3-s4&districtId=d3'],
      ['compound', '&compoundId=city-3'],
      ['city, CSV', '&format=csv'],
    ] as const) {
      const times: number[] = [];
      let summary = '';
      for (let run = 0; run < 7; run++) {
        const t = performance.now();
        const r = await call('GET', `/reports/disputes?period=${year}${query}`, { token: bureau });
        times.push(performance.now() - t);
        if (r.status !== 200) throw new Error(`report ${label}: ${r.status} ${r.text}`);
        if (r.json)
          summary = `accepted ${r.json.figures.accepted}, mediated ${r.json.figures.mediatedSuccessfully}, court visits ${r.json.figures.courtVisits}, settled on site ${r.json.figures.settledOnSite}, petitions ${r.json.petitions.current}`;
      }
      console.log(`report for a year, ${label.padEnd(30)} median ${median(times).toFixed(0).padStart(4)} ms   ${summary}`);
    }
  } finally {
    await system.close();
  }
}
