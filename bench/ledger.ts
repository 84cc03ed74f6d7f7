import { performance } from 'node:perf_hooks';
import { clock } from '../libs/clock';
import { startLocal } from '../infra/local/runtime';
import * as store from '../services/funds/store';
import { client, compoundBody, registerAreas } from '../test/helpers';

/** Journal appends through the local runtime: one hot ledger vs 100 ledgers, with write units per entry. */
export async function benchLedger(count = 1000, width = 16): Promise<void> {
  clock.reset();
  const system = await startLocal({ busRetryDelayMs: 5 });
  const call = client(system);
  try {
    const bureau = await system.token(['bureau']);
    await registerAreas(system);
    for (let c = 0; c < 100; c++) await call('POST', '/compounds', { token: bureau, body: compoundBody(`ledger-${c}`) });
    await system.idle();
    const tokens = await Promise.all(Array.from({ length: 100 }, (_, c) => system.token([`property:ledger-${c}`], `property-${c}`)));
    const body = (i: number) => ({ clientRef: `r-${i}`, source: 'parking', grossFen: 1000 + (i % 7), memo: `parking ${i}`, sourceDocument: { type: 'receipt', ref: `P-${i}` } });

    async function runCase(label: string, compoundOf: (i: number) => number) {
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: width }, async () => {
          for (let i = next++; i < count; i = next++) {
            const c = compoundOf(i);
            const r = await call('POST', `/compounds/ledger-${c}/funds/public_revenue/income`, { token: tokens[c]!, body: body(i) });
            if (r.status !== 201) throw new Error(`${label} ${i}: ${r.status} ${r.text}`);
          }
        }),
      );
      const ms = performance.now() - started;
      console.log(`${label.padEnd(34)} ${(count / (ms / 1000)).toFixed(0).padStart(6)} entries/s  (${count} entries, ${width} in flight)`);
    }
    console.log('\n## Ledger appends through the local runtime (POST …/funds/public_revenue/income)');
    await runCase('one ledger (every append contends)', () => 0);
    await runCase('100 ledgers (round robin)', (i) => 1 + (i % 99));

    // Write units of one entry as DynamoDB reports them: the conditional put of the entry (its size:
    // postings, running balances, hashes) plus the client-reference claim and its completion.
    const stats = { attempts: 0, writeUnits: 0 };
    await store.append('ledger-0', 'public_revenue', { kind: 'income', postings: [{ account: 'cash', amountFen: 5 }, { account: 'income:parking', amountFen: -5 }], memo: 'probe', sourceDocument: { type: 'receipt', ref: 'probe' }, actor: 'bench', clientRef: 'probe', at: clock.nowIso() }, { stats });
    console.log(`write units of the entry put itself: ${stats.writeUnits} WCU; with the client-reference claim and its completion, 3 writes per entry`);
    const check = await call('GET', '/compounds/ledger-0/funds/public_revenue/verify', { token: tokens[0]! });
    console.log(`hot ledger after the run: ${check.json.entries} entries, chain ${check.json.ok ? 'verifies' : 'BROKEN'}`);
  } finally {
    await system.close();
  }
}
