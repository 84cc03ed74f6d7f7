// `npm start`: compile the local runtime and every handler with esbuild (tens of milliseconds),
// then run the result on plain Node. Code splitting keeps one copy of each shared module, so the
// runtime and the handlers share the same clock, bus and DynamoDB client, exactly as under tsx.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = process.cwd();
// Inside node_modules/.cache so that bare imports resolve from the project's node_modules.
const outdir = resolve(root, 'node_modules', '.cache', 'gongzhi-local');

function handlerEntries(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'domain') out.push(...handlerEntries(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) {
      out.push(relative(root, path));
    }
  }
  return out;
}

await build({
  entryPoints: ['infra/local/main.ts', ...handlerEntries(join(root, 'services'))],
  outdir,
  outbase: root,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
});
process.env.GONGZHI_BUILD_DIR = outdir;
await import(pathToFileURL(join(outdir, 'infra/local/main.mjs')).href);
