import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Minting one token from the command line, as `npm run token` does, against the ways around it. */
export async function benchToken(runs = 9): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-token-'));
  const env = { ...process.env, GONGZHI_DATA_DIR: dataDir };
  const args = ['--role', 'owner', '--compound', 'demo-donghu', '--owner', 'O2'];
  const variants: [string, string, string[]][] = [
    ['npm run --silent token', 'npm', ['run', '--silent', 'token', '--', ...args]],
    ['node infra/local/token-cli.mjs', process.execPath, ['infra/local/token-cli.mjs', ...args]],
    ['node --import tsx token-cli.ts (before)', process.execPath, ['--import', 'tsx', 'infra/local/token-cli.ts', ...args]],
    ['node -e 0 (bare node, reference)', process.execPath, ['-e', '0']],
  ];
  console.log('\n## Token CLI: one token, wall time per call (median of %d)', runs);
  try {
    for (const [label, command, argv] of variants) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        execFileSync(command, argv, { env, stdio: ['ignore', 'pipe', 'inherit'] });
        times.push(performance.now() - started);
      }
      console.log(`${label.padEnd(42)} median ${median(times).toFixed(0).padStart(5)} ms  (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
