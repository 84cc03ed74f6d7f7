import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { build } from 'esbuild';
import { functionName } from '../libs/topology';
import { services } from '../services/index';

/**
 * Bundles every deployed function the way CDK does (esbuild, ESM, minified, AWS SDK external as on
 * the nodejs24.x runtime) and measures its size and its module-init time in a fresh Node process,
 * against a bare handler that only creates a DynamoDBDocumentClient, as a ratio within this run.
 */
const BARE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
export const handler = async () => client;
`;

async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*', '@smithy/*'],
    banner: { js: "import { createRequire as __gongzhiRequire } from 'module'; const require = __gongzhiRequire(import.meta.url);" },
    logLevel: 'silent',
  });
}

/** Wall time of `import(bundle)` in a fresh process (the Lambda INIT phase, module part). */
function initOnce(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', script], {
    env: { ...process.env, AWS_REGION: 'eu-west-1', GONGZHI_SERVICE: 'bench', TABLE_NAME: 'x', POWERTOOLS_LOG_LEVEL: 'WARN' },
    cwd: process.cwd(),
  });
  return Number(out.toString());
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Medians for the function and the baseline, measured alternately so that machine noise hits both alike. */
function initPair(file: string, bare: string, runs: number): { init: number; bare: number } {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    b.push(initOnce(bare));
    a.push(initOnce(file));
  }
  return { init: median(a), bare: median(b) };
}

export async function benchBundles(runs = 15): Promise<void> {
  // Inside the project so that the external AWS SDK resolves from node_modules, as on Lambda.
  const dir = mkdtempSync(join(process.cwd(), '.bench-'));
  try {
    const bareEntry = join(dir, 'bare.mjs');
    writeFileSync(bareEntry, BARE);
    const bareOut = join(dir, 'bare.out.mjs');
    await bundle(bareEntry, bareOut);
    const functions: { name: string; entry: string }[] = [];
    for (const s of services) {
      if (s.api) functions.push({ name: functionName(s.name, 'api'), entry: s.api.entry });
      for (const c of s.consumers) functions.push({ name: functionName(s.name, c.name), entry: c.entry });
      for (const d of s.schedules) functions.push({ name: functionName(s.name, d.name), entry: d.entry });
    }
    console.log('\n## Deployed functions: bundle size and module-init time vs a bare DynamoDBDocumentClient handler');
    console.log(`(median of ${runs} fresh processes each; goal: init ratio ≤ 1.3)`);
    console.log(`${'function'.padEnd(32)}${'bundle'.padStart(10)}${'init ms'.padStart(10)}${'bare ms'.padStart(10)}${'ratio'.padStart(8)}`);
    for (const fn of functions) {
      const out = join(dir, `${fn.name}.mjs`);
      await bundle(join(process.cwd(), fn.entry), out);
      const { init, bare } = initPair(out, bareOut, runs);
      const size = `${(statSync(out).size / 1024).toFixed(1)} kB`;
      console.log(`${fn.name.padEnd(32)}${size.padStart(10)}${init.toFixed(1).padStart(10)}${bare.toFixed(1).padStart(10)}${(init / bare).toFixed(2).padStart(8)}`);
    }
    console.log(`${'(bare handler)'.padEnd(32)}${`${(statSync(bareOut).size / 1024).toFixed(1)} kB`.padStart(10)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
