import { benchBallots } from './ballots';
import { benchBundles } from './bundles';
import { benchLedger } from './ledger';
import { benchLevy } from './levy';
import { benchStartup } from './startup';

/** `npm run bench [-- section ...]`: prints numbers; nothing here passes or fails. */
const sections: Record<string, () => Promise<void>> = {
  startup: () => benchStartup(),
  bundles: () => benchBundles(),
  ballots: () => benchBallots(),
  ledger: () => benchLedger(),
  levy: () => benchLevy(),
};
const wanted = process.argv.slice(2).filter((a) => a in sections);
console.log(`gongzhi benchmarks on node ${process.version}, ${new Date().toISOString()}`);
for (const name of wanted.length ? wanted : Object.keys(sections)) await sections[name]!();
