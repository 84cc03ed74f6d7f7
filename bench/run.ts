import { benchBallots } from './ballots';
import { benchBundles } from './bundles';
import { benchDisputes } from './disputes';
import { benchLedger } from './ledger';
import { benchMemory } from './memory';
import { benchRollImport } from './roll-import';
import { benchStartup } from './startup';
import { benchToken } from './token';
import { benchSweeps } from './sweeps';

/** `npm run bench [-- section ...]`: prints numbers; nothing here passes or fails. `memory` runs only when named. */
const sections: Record<string, () => Promise<void>> = {
  startup: () => benchStartup(),
  bundles: () => benchBundles(),
  ballots: () => benchBallots(),
  ledger: () => benchLedger(),
  disputes: () => benchDisputes(),
  token: () => benchToken(),
  // A one-minute soak: only when asked for (`npm run bench -- memory`).
  memory: () => benchMemory(),
  sweeps: () => benchSweeps(),
  'roll-import': () => benchRollImport(),
};
const defaults = ['startup', 'bundles', 'ballots', 'ledger', 'disputes', 'sweeps', 'token'];
const wanted = process.argv.slice(2).filter((a) => a in sections);
console.log(`gongzhi benchmarks on node ${process.version}, ${new Date().toISOString()}`);
for (const name of wanted.length ? wanted : defaults) await sections[name]!();
