import { benchBallots } from './ballots';
import { benchBundles } from './bundles';
import { benchDisputes } from './disputes';
import { benchFundsQuarters } from './funds-quarters';
import { benchLedger } from './ledger';
import { benchLevy } from './levy';
import { benchMemory } from './memory';
import { benchNotifications } from './notifications';
import { benchRollImport } from './roll-import';
import { benchStartup } from './startup';
import { benchToken } from './token';
import { benchSweeps } from './sweeps';
import { benchWeb } from './web';

/** `npm run bench [-- section ...]`: prints numbers; nothing here passes or fails. `memory` runs only when named. */
const sections: Record<string, () => Promise<void>> = {
  startup: () => benchStartup(),
  bundles: () => benchBundles(),
  ballots: () => benchBallots(),
  ledger: () => benchLedger(),
  levy: () => benchLevy(),
  'funds-quarters': () => benchFundsQuarters(),
  disputes: () => benchDisputes(),
  token: () => benchToken(),
  // A one-minute soak: only when asked for (`npm run bench -- memory`).
  memory: () => benchMemory(),
  sweeps: () => benchSweeps(),
  'roll-import': () => benchRollImport(),
  // Needs Chromium (as the browser tests do): only when asked for.
  web: () => benchWeb(),
  notifications: () => benchNotifications(),
};
const defaults = ['startup', 'bundles', 'ballots', 'ledger', 'levy', 'disputes', 'sweeps', 'token'];
const wanted = process.argv.slice(2).filter((a) => a in sections);
console.log(`gongzhi benchmarks on node ${process.version}, ${new Date().toISOString()}`);
for (const name of wanted.length ? wanted : defaults) await sections[name]!();
