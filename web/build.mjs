// Builds the web application into web/dist with esbuild (no framework CLI): one minified ES module,
// one stylesheet, the page and a config.json the deployed site replaces (infra/cdk/web.ts).
// Imported by `npm start` (infra/local/start.mjs), the browser tests and the bench; takes milliseconds.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const WEB_DIST = join(here, 'dist');

/** The configuration of a local run: the API on the same origin, demo sign-in through /_local/token. */
export const LOCAL_CONFIG = { apiUrl: '', signIn: { kind: 'local' } };

/** Build once; returns the bytes of each output file (for the bench). */
export async function buildWeb({ outdir = WEB_DIST, minify = true, config = true } = {}) {
  const { build } = await import('esbuild');
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: { app: join(here, 'src/main.ts') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome109', 'safari15'],
    minify,
    sourcemap: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  copyFileSync(join(here, 'index.html'), join(outdir, 'index.html'));
  copyFileSync(join(here, 'src/style.css'), join(outdir, 'style.css'));
  if (config && !existsSync(join(outdir, 'config.json'))) writeFileSync(join(outdir, 'config.json'), JSON.stringify(LOCAL_CONFIG));
  return Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, out]) => [file.split('/').pop(), out.bytes]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // `node web/build.mjs [outdir] [--no-config]`: the CDK asset builds into its own folder and deploys its own config.json.
  const [outdir] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const sizes = await buildWeb({ outdir: outdir ?? WEB_DIST, config: !process.argv.includes('--no-config') });
  console.log(sizes);
}
