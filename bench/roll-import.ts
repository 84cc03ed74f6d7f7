import { performance } from 'node:perf_hooks';
import { clock } from '../libs/clock';
import { db } from '../libs/db';
import { startLocal } from '../infra/local/runtime';
import { client, compoundBody, registerAreas, rollCsv } from '../test/helpers';

/**
 * A 20,000-unit roll imported as a job (upload to the local file store, start, the queue worker),
 * against 2,000 units through the request: wall time, invocations, and the DynamoDB writes they
 * cost, as DynamoDB reports them (requests, items and write units, per table and command): the
 * registry's own, and its consumers' copies (elections, funds, audit) until the bus is idle.
 */
interface Tally {
  requests: number;
  items: number;
  wcu: number;
}

function countWrites(): Map<string, Tally> {
  const tallies = new Map<string, Tally>();
  const writes = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);
  db().middlewareStack.add(
    (next, context) => async (args) => {
      const command = String((context as { commandName?: string }).commandName);
      if (!writes.has(command)) return next(args);
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      const output = await next(args);
      const tableOf = String(input.TableName ?? Object.keys((input.RequestItems as object | undefined) ?? {})[0]).replace(/^gongzhi-local-/, '');
      const key = `${tableOf.padEnd(10)} ${command.replace(/Command$/, '')}`;
      const tally = tallies.get(key) ?? { requests: 0, items: 0, wcu: 0 };
      tally.requests++;
      const requestItems = input.RequestItems as Record<string, unknown[]> | undefined;
      tally.items += requestItems ? Object.values(requestItems).reduce((n, list) => n + list.length, 0) : 1;
      const consumed = (output.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
      tally.wcu += (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
      tallies.set(key, tally);
      return output;
    },
    { step: 'initialize', name: 'benchCountWrites' },
  );
  return tallies;
}

function print(label: string, tallies: Map<string, Tally>, ms: number, units: number) {
  const total = [...tallies.values()].reduce((a, t) => ({ requests: a.requests + t.requests, items: a.items + t.items, wcu: a.wcu + t.wcu }), { requests: 0, items: 0, wcu: 0 });
  console.log(`${label}: ${(ms / 1000).toFixed(1)} s, ${Math.round(units / (ms / 1000))} units/s`);
  for (const [key, t] of [...tallies.entries()].sort())
    console.log(`  ${key.padEnd(26)} ${String(t.requests).padStart(6)} requests ${String(t.items).padStart(7)} items ${String(Math.round(t.wcu)).padStart(8)} WCU`);
  const registry = [...tallies.entries()].filter(([k]) => k.startsWith('registry')).reduce((n, [, t]) => n + t.wcu, 0);
  console.log(
    `  ${'all tables'.padEnd(26)} ${String(total.requests).padStart(6)} requests ${String(total.items).padStart(7)} items ${String(Math.round(total.wcu)).padStart(8)} WCU; the registry's own: ${Math.round(registry)} WCU (${(registry / units).toFixed(2)} per unit)`,
  );
  tallies.clear();
}

export async function benchRollImport(units = 20_000): Promise<void> {
  clock.reset();
  const system = await startLocal({ busRetryDelayMs: 5 });
  const call = client(system);
  try {
    await registerAreas(system);
    const bureau = await system.token(['bureau'], 'bench');
    for (const id of ['bench-roll-job', 'bench-roll-request']) await call('POST', '/compounds', { token: bureau, body: compoundBody(id) });
    await system.idle();
    const tallies = countWrites();
    console.log('\n## Roll import (local runtime, dynalite)');

    const csv = rollCsv(units);
    let started = performance.now();
    const created = await call('POST', '/compounds/bench-roll-job/roll/imports', { token: bureau });
    const put = await fetch(created.json.upload.url, { method: 'PUT', headers: created.json.upload.headers, body: csv });
    if (put.status !== 200) throw new Error(`upload: ${put.status}`);
    const uploadedMs = performance.now() - started;
    const start = await call('POST', created.json.start, { token: bureau });
    if (start.status !== 202) throw new Error(`start: ${start.status} ${start.text}`);
    const importPath = `/compounds/bench-roll-job/roll/imports/${created.json.importId}`;
    let job = (await call('GET', importPath, { token: bureau })).json;
    for (; job.status !== 'completed' && job.status !== 'failed'; job = (await call('GET', importPath, { token: bureau })).json) await new Promise((r) => setTimeout(r, 250));
    const activatedMs = performance.now() - started;
    await system.idle();
    const ms = performance.now() - started;
    if (job.status !== 'completed') throw new Error(`import ended ${job.status}: ${JSON.stringify(job.failure)}`);
    console.log(
      `file: ${(Buffer.byteLength(csv) / 1e6).toFixed(2)} MB, uploaded in ${uploadedMs.toFixed(0)} ms; ${job.passes} worker invocation(s), ${job.chunkCount} chunks; roll active after ${(activatedMs / 1000).toFixed(1)} s`,
    );
    print(`${units} units as a job (upload → activated → chunks published)`, tallies, ms, units);

    const small = rollCsv(2000);
    started = performance.now();
    const direct = await call('POST', '/compounds/bench-roll-request/roll', { token: bureau, raw: small, type: 'text/csv' });
    if (direct.status !== 201) throw new Error(`request import: ${direct.status} ${direct.text}`);
    const requestMs = performance.now() - started;
    await system.idle();
    const allMs = performance.now() - started;
    console.log(`2000 units through the request: response in ${(requestMs / 1000).toFixed(1)} s`);
    print('2000 units through the request (response → chunks published)', tallies, allMs, 2000);
  } finally {
    await system.close();
  }
}
