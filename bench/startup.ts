import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** Time from launching the local runtime to its first 200 on /health (fresh data dir, no seeding). */
async function once(command: string, args: string[], port: number): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-'));
  const started = performance.now();
  const child = spawn(command, args, {
    env: { ...process.env, PORT: String(port), GONGZHI_DATA_DIR: dataDir, GONGZHI_SEED: 'off' },
    stdio: 'ignore',
    detached: true, // its own process group: npm's children go down with it
  });
  try {
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`);
        if (response.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 30_000) throw new Error('no 200 within 30 s');
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    await new Promise((r) => setTimeout(r, 200));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchStartup(runs = 5): Promise<void> {
  const variants: [string, string, string[]][] = [
    ['npm start', 'npm', ['start', '--silent']],
    ['node infra/local/start.mjs', process.execPath, ['infra/local/start.mjs']],
    ['node --import tsx main.ts', process.execPath, ['--import', 'tsx', 'infra/local/main.ts']],
  ];
  console.log('\n## Startup: launch → first 200 on GET /health (fresh .data, median of %d)', runs);
  for (const [label, command, args] of variants) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await once(command, args, 3900 + i));
    console.log(`${label.padEnd(28)} median ${median(times).toFixed(0)} ms  (runs: ${times.map((t) => t.toFixed(0)).join(', ')})`);
  }
  console.log('reference: a tiny Architect sandbox app answers its first request ~300 ms after start');
}
