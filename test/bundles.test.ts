import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE } from '../infra/cdk/functions';
import { functionsOf } from '../libs/topology';
import { services } from '../services/index';

/**
 * Every handler bundles as Lambda gets it (infra/cdk/functions.ts LAMBDA_BUNDLE: an ES module with
 * its dependencies inside, the AWS SDK v3 left to the runtime) and the bundle loads in a plain Node
 * process and exports `handler`. This is what CDK's synthesis would catch only by failing to bundle
 * (and cannot catch at all when a bundle builds but fails to load: a CommonJS dependency calling
 * require() in an ES module, a top-level await on something absent); test/cdk.test.ts synthesizes
 * with bundling skipped and relies on this file for the bundles.
 */
const OUT = join(process.cwd(), 'node_modules', '.cache', 'gongzhi-bundle-test');

const entries = [...new Set(services.flatMap((s) => functionsOf(s)).map((fn) => fn.entry))].sort();

beforeAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
});
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

test(`each of the ${entries.length} handler entries bundles as for Lambda and loads, exporting handler`, async () => {
  expect(entries.length).toBeGreaterThan(40);
  const outfiles = await Promise.all(
    entries.map(async (entry, i) => {
      const outfile = join(OUT, `${i}-${entry.replace(/[^\w]+/g, '_')}.mjs`);
      const result = await build({
        entryPoints: [join(process.cwd(), entry)],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: LAMBDA_BUNDLE.target,
        minify: LAMBDA_BUNDLE.minify,
        sourcemap: LAMBDA_BUNDLE.sourceMap,
        mainFields: [...LAMBDA_BUNDLE.mainFields],
        external: [...LAMBDA_BUNDLE.external],
        banner: { js: LAMBDA_BUNDLE.banner },
        logLevel: 'silent',
      });
      expect(result.errors).toEqual([]);
      return { entry, outfile };
    }),
  );
  // One plain Node process loads them all, with the environment a deployed function has (names only:
  // nothing is called at load time).
  const loader = `
    const files = JSON.parse(process.argv[1]);
    const out = {};
    for (const { entry, outfile } of files) {
      try { out[entry] = typeof (await import(outfile)).handler; } catch (error) { out[entry] = 'load failed: ' + (error && error.message); }
    }
    console.log(JSON.stringify(out));
  `;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', loader, JSON.stringify(outfiles)], {
    env: { ...process.env, STAGE: 'dev', TABLE_NAME: 'gongzhi-dev-x', BUCKET_NAME: 'gongzhi-dev-x', EVENT_BUS_NAME: 'gongzhi-dev', AWS_REGION: 'ap-east-1', NODE_OPTIONS: '' },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const loaded = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, string>;
  expect(loaded).toEqual(Object.fromEntries(entries.map((e) => [e, 'function'])));
});
