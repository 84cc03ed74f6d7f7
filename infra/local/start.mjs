// `npm start`: compile the local runtime and every handler with esbuild, then run the result on
// plain Node. Code splitting keeps one copy of each shared module, so the runtime and the handlers
// share the same clock, bus and DynamoDB client, exactly as under tsx. The build is skipped when no
// source changed since the last one.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.cwd();
// Inside node_modules/.cache so that bare imports resolve from the project's node_modules.
const outdir = resolve(root, 'node_modules', '.cache', 'gongzhi-local');
const stamp = join(outdir, '.built');

function files(dir, keep) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path, keep));
    else if (keep(path)) out.push(path);
  }
  return out;
}

const isSource = (p) => p.endsWith('.ts') && !p.endsWith('.test.ts');
const sources = ['services', 'libs', 'events', 'infra/local'].flatMap((d) => files(join(root, d), isSource));
// The build also depends on this script and on the installed packages.
const inputs = [...sources, join(root, 'infra/local/start.mjs'), join(root, 'package-lock.json')];
const newest = Math.max(...inputs.map((p) => statSync(p).mtimeMs));

const stale = () => !existsSync(stamp) || statSync(stamp).mtimeMs < newest;

// Two starts at once (a second terminal, parallel tests) must not write the same files while the
// other imports them: whoever creates the lock directory builds, the others wait for it.
const lock = join(root, 'node_modules', '.cache', 'gongzhi-local.lock');
async function withBuildLock(task) {
  mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
  for (const deadline = Date.now() + 120_000; ; ) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A lock older than two minutes was left by a start that died while building.
      if (Date.now() > deadline || Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    await task();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (stale())
  await withBuildLock(async () => {
    if (!stale()) return; // built by the start we waited for
    const { build } = await import('esbuild');
    // Every handler entry: the services' modules, and the platform's own (the outbox sweep every publisher runs).
    const handlers = [...files(join(root, 'services'), (p) => isSource(p) && !p.includes('/domain/')).map((p) => relative(root, p)), 'libs/outbox-sweep.ts'];
    await build({
      entryPoints: ['infra/local/main.ts', ...handlers],
      outdir,
      outbase: root,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // Bundling the dependencies too spares Node loading hundreds of small files at every start
      // (the AWS SDK and zod ship as many ES modules). dynalite stays external: it loads a native addon.
      external: ['dynalite', 'esbuild', 'aws-cdk-lib', 'constructs', 'cdk-nag'],
      mainFields: ['module', 'main'],
      banner: { js: "import { createRequire as __gongzhiRequire } from 'module'; const require = __gongzhiRequire(import.meta.url);" },
      outExtension: { '.js': '.mjs' },
      logLevel: 'warning',
    });
    writeFileSync(stamp, new Date().toISOString());
  });
// The web application (web/) is rebuilt at every start: esbuild takes milliseconds for it.
await (await import('../../web/build.mjs')).buildWeb();
process.env.GONGZHI_BUILD_DIR = outdir;
await import(pathToFileURL(join(outdir, 'infra/local/main.mjs')).href);
