import { performance } from 'node:perf_hooks';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { clock } from '../libs/clock';
import { db } from '../libs/db';
import { startLocal } from '../infra/local/runtime';
import { closeVote, tally } from '../services/elections/lifecycle';
import { table } from '../services/elections/store/keys';
import { getVote } from '../services/elections/store/votes';
import { RollActivated, RollChunkPublished, type UnitRecord } from '../events/catalogue';
import { publish } from '../libs/bus';
import { client, compoundBody, registerAreas } from '../test/helpers';

const DAY = 86_400_000;

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

/** The units of test/helpers.ts rollCsv(count): every 40th unsold, O1 holding every 500th, the rest O<n>. */
async function publishRoll(compoundId: string, count: number): Promise<void> {
  const units: UnitRecord[] = Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const building = `B${String(Math.ceil(n / 100)).padStart(2, '0')}`;
    const unitId = `${building}-${String(((n - 1) % 100) + 1).padStart(3, '0')}`;
    const area = (60 + (n % 90)) * 100 + (n % 100);
    return n % 40 === 0
      ? { unitId, buildingId: building, area, areaSource: 'contract', holding: 'unsold', ownerId: 'DEV', registered: false }
      : { unitId, buildingId: building, area, areaSource: 'register', holding: 'owned', ownerId: n % 500 === 1 ? 'O1' : `O${n}`, registered: true };
  });
  const chunks = Math.ceil(count / 500);
  const at = { compoundId, actor: 'bench', occurredAt: clock.nowIso() };
  for (let c = 0; c < chunks; c++) {
    await publish([RollChunkPublished.create({ compoundId, rollVersion: 1, chunkIndex: c, chunkCount: chunks, units: units.slice(c * 500, (c + 1) * 500) }, { ...at, id: `bench-roll-${c}` })]);
  }
  await publish([RollActivated.create({ compoundId, rollVersion: 1, chunkCount: chunks, unitCount: count, totalArea: units.reduce((s, u) => s + u.area, 0) }, { ...at, id: 'bench-roll-active' })]);
}

/** Counts every command the process's DynamoDB document client sends (handlers and bench share it). */
function countCommands() {
  const counts = { total: 0, byCommand: {} as Record<string, number> };
  db().middlewareStack.add(
    (next, context) => async (args) => {
      counts.total++;
      const name = (context as { commandName?: string }).commandName ?? 'unknown';
      counts.byCommand[name] = (counts.byCommand[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchCountCommands' },
  );
  return {
    counts,
    reset() {
      counts.total = 0;
      counts.byCommand = {};
    },
  };
}

/**
 * Casting ballots through the local runtime (HTTP, JWT, handler, one conditional PutItem) against
 * raw conditional PutItems on the same dynalite, in one run, alternating so that both see the same
 * machine; then every owner of a 20,000-unit roll votes, and the vote is counted and its log written.
 */
export async function benchBallots(count = 2000, width = 16): Promise<void> {
  clock.reset();
  const system = await startLocal({ busRetryDelayMs: 5 });
  const call = client(system);
  try {
    const bureau = await system.token(['bureau']);
    await registerAreas(system);
    await call('POST', '/compounds', { token: bureau, body: compoundBody('bench') });
    // The roll reaches elections as the registry publishes it (chunks, then activation); publishing it
    // here keeps the registry's own import (and its API timeout) out of this measurement.
    await publishRoll('bench', 20_000);
    await system.idle();
    const committee = await system.token(['committee:bench']);
    await call('POST', '/compounds/bench/votes', { token: committee, body: { kind: 'resolution', voteId: 'v1', matter: 'other_major', question: 'Benchmark question?', votingDays: 7 } });
    await system.scheduler.advance(15 * DAY);
    await system.idle();
    const owners = Array.from({ length: 20_000 }, (_, i) => i + 1)
      .filter((n) => n % 40 !== 0 && n % 500 !== 1)
      .map((n) => `O${n}`);
    owners.push('O1');
    const tokens = await Promise.all(owners.map((o) => system.token([`owner:bench:${o}`], o)));
    const ballot = async (i: number) => {
      const r = await call('POST', '/compounds/bench/votes/v1/ballots', { token: tokens[i]!, body: { choice: i % 3 ? 'for' : 'against' } });
      if (r.status !== 201) throw new Error(`ballot ${i}: ${r.status} ${r.text}`);
    };
    // Warm the instance (it loads the frozen electorate once), then measure.
    await ballot(0);
    const name = await system.asService('elections', async () => table());
    const counter = countCommands();

    // Raw and runtime in alternating halves, so that neither gets the quieter half of a shared machine.
    let rawMs = 0;
    let httpMs = 0;
    let httpCalls = 0;
    const half = count / 2;
    for (const round of [0, 1]) {
      rawMs += await inParallel(width, half, async (i) => {
        await db().send(
          new PutCommand({ TableName: name, Item: { pk: 'BENCH#raw', sk: `BALLOT#${round}-${i}`, choice: 'for', area: 8000, headcount: 1 }, ConditionExpression: 'attribute_not_exists(pk)' }),
        );
      });
      counter.reset();
      httpMs += await inParallel(width, half, (i) => ballot(1 + round * half + i));
      httpCalls += counter.counts.total;
    }
    const rawRate = count / (rawMs / 1000);
    const httpRate = count / (httpMs / 1000);
    console.log(`\n## Ballots: ${count} each, ${width} in flight (a warm instance; alternating halves)`);
    console.log(`raw conditional PutItem on dynalite   ${rawRate.toFixed(0).padStart(6)} /s  (${(rawMs / count).toFixed(2)} ms each)`);
    console.log(`POST …/ballots through local runtime  ${httpRate.toFixed(0).padStart(6)} /s  (${(httpMs / count).toFixed(2)} ms each)`);
    console.log(`runtime / raw throughput              ${((100 * httpRate) / rawRate).toFixed(0).padStart(6)} %`);
    console.log(`DynamoDB calls per ballot             ${(httpCalls / count).toFixed(2).padStart(6)}    (${JSON.stringify(counter.counts.byCommand)})`);

    // Every other owner of the 20,000-unit roll votes.
    const rest = owners.length - (count + 1);
    const restMs = await inParallel(width, rest, (i) => ballot(count + 1 + i));
    console.log(`\n## ${owners.length} ballots in all (20,000-unit roll): the last ${rest} at ${(rest / (restMs / 1000)).toFixed(0)} /s`);

    await system.asService('elections', async () => {
      const vote = (await getVote('bench', 'v1', true))!;
      const consumed = { units: 0 };
      let started = performance.now();
      const { ballots, result, log } = await tally(vote, consumed);
      const tallyMs = performance.now() - started;
      console.log(
        `tally of ${ballots.length} ballots (read all, count exactly, build the hash chain): ${tallyMs.toFixed(0)} ms, ${consumed.units.toFixed(1)} RCU (strongly consistent), ${log.length} log entries, outcome ${JSON.stringify(result.outcome)}`,
      );
      clock.advance(8 * DAY);
      started = performance.now();
      const closed = await closeVote(vote, 'bench');
      console.log(`count at the close (tally + ${closed.logChunks} log chunks written + the transition): ${(performance.now() - started).toFixed(0)} ms`);
    });
    const page = await call('GET', '/compounds/bench/votes/v1/log', { token: committee });
    console.log(`a page of the public log: ${page.json.entries.length} entries, ${(page.text.length / 1024).toFixed(0)} kB (of ${page.json.pages} pages)`);
  } finally {
    await system.close();
    clock.reset();
  }
}
