import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { clock } from '../libs/clock';
import { db } from '../libs/db';
import { startLocal } from '../infra/local/runtime';
import { receiptOf } from '../services/elections/domain/ballot-log';
import { tally } from '../services/elections/lifecycle';
import * as store from '../services/elections/store';
import { client, compoundBody, registerAreas, rollCsv } from '../test/helpers';

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

/**
 * Casting ballots through the local runtime (HTTP, JWT, handler, three DynamoDB calls) against raw
 * conditional PutItems on the same dynalite, in one run; then tallying 5,000 ballots.
 */
export async function benchBallots(count = 2000, width = 16): Promise<void> {
  clock.reset();
  const system = await startLocal({ busRetryDelayMs: 5 });
  const call = client(system);
  try {
    const bureau = await system.token(['bureau']);
    await registerAreas(system);
    await call('POST', '/compounds', { token: bureau, body: compoundBody('bench') });
    await call('POST', '/compounds/bench/roll', { token: bureau, raw: rollCsv(6000), type: 'text/csv' });
    await system.idle();
    const committee = await system.token(['committee:bench']);
    await call('POST', '/compounds/bench/votes', { token: committee, body: { kind: 'resolution', voteId: 'v1', matter: 'other_major', question: 'Benchmark question?', votingDays: 7 } });
    await system.scheduler.advance(15 * DAY);
    const owners = Array.from({ length: 6000 }, (_, i) => i + 2).filter((n) => n % 40 !== 0 && n % 500 !== 1).map((n) => `O${n}`);
    const tokens = await Promise.all(owners.slice(0, count).map((o) => system.token([`owner:bench:${o}`], o)));

    const table = store.table();
    const rawMs = await inParallel(width, count, async (i) => {
      await db().send(new PutCommand({ TableName: table, Item: { pk: 'BENCH#raw', sk: `BALLOT#${i}`, choice: 'for', area: 8000, headcount: 1 }, ConditionExpression: 'attribute_not_exists(pk)' }));
    });
    const httpMs = await inParallel(width, count, async (i) => {
      const r = await call('POST', '/compounds/bench/votes/v1/ballots', { token: tokens[i]!, body: { choice: i % 3 ? 'for' : 'against' } });
      if (r.status !== 201) throw new Error(`ballot ${i}: ${r.status} ${r.text}`);
    });
    console.log(`\n## Ballots: ${count} each, ${width} in flight`);
    console.log(`raw conditional PutItem on dynalite   ${(count / (rawMs / 1000)).toFixed(0).padStart(6)} /s  (${(rawMs / count).toFixed(2)} ms each)`);
    console.log(`POST …/ballots through local runtime  ${(count / (httpMs / 1000)).toFixed(0).padStart(6)} /s  (${(httpMs / count).toFixed(2)} ms each)`);
    console.log(`ratio (runtime / raw time)            ${(httpMs / rawMs).toFixed(2)}×`);

    // Fill up to 5,000 ballots with real ballot records, then tally them as the close does.
    const vote = (await store.getVote('bench', 'v1', true))!;
    await inParallel(width, 5000 - count, async (i) => {
      const voter = (await store.getVoter(vote, owners[count + i]!))!;
      const record = { voteId: 'v1', voterId: voter.voterId, choice: 'for', area: voter.area, headcount: 1, castAt: clock.nowIso(), nonce: randomBytes(16).toString('hex') };
      await store.putBallot(vote, { ...record, receipt: receiptOf(record), castBy: voter.voterId });
    });
    const consumed = { units: 0 };
    const started = performance.now();
    const { ballots, result, log } = await tally(vote, consumed);
    const tallyMs = performance.now() - started;
    console.log(`\n## Tally of ${ballots.length} ballots (read all, count exactly, build the hash chain)`);
    console.log(`time ${tallyMs.toFixed(0)} ms, DynamoDB read capacity ${consumed.units.toFixed(1)} RCU (strongly consistent), ${log.length} log entries, outcome ${JSON.stringify(result.outcome)}`);
  } finally {
    await system.close();
    clock.reset();
  }
}
