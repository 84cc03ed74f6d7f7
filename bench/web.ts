import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { startLocal } from '../infra/local/runtime';
import { DEMO_SEED } from '../infra/local/seed';
import { buildWeb } from '../web/build.mjs';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/**
 * `npm run bench -- web`: the web app's bundle (raw, gzip, brotli: what a phone downloads) and the
 * first page's load time in Chromium against the local runtime, cold (a new browser context each
 * run: nothing cached), then an owner's first page after signing in.
 */
export async function benchWeb(runs = 7): Promise<void> {
  console.log('\n## web');
  const out = mkdtempSync(join(tmpdir(), 'gongzhi-web-'));
  const builds: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await buildWeb({ outdir: out });
    builds.push(performance.now() - started);
  }
  let total = 0;
  let totalGzip = 0;
  for (const file of ['index.html', 'app.js', 'style.css']) {
    const bytes = readFileSync(join(out, file));
    const gz = gzipSync(bytes, { level: 9 }).length;
    total += bytes.length;
    totalGzip += gz;
    console.log(`${file.padEnd(12)} ${kb(bytes.length).padStart(9)} raw ${kb(gz).padStart(9)} gzip ${kb(brotliCompressSync(bytes).length).padStart(9)} brotli`);
  }
  rmSync(out, { recursive: true, force: true });
  console.log(`${'total'.padEnd(12)} ${kb(total).padStart(9)} raw ${kb(totalGzip).padStart(9)} gzip   (esbuild build: median ${median(builds).toFixed(0)} ms)`);

  await buildWeb();
  const { chromium } = await import('playwright-core');
  const system = await startLocal({ seed: DEMO_SEED });
  const seeded = await system.seed.finished;
  if (seeded.state !== 'done') throw new Error(`the demo seed ended ${seeded.state}`);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const first: number[] = [];
    const signedIn: number[] = [];
    const domReady: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(system.url);
      await page.locator('[data-person]').first().waitFor();
      first.push(performance.now() - started);
      // Runs in the page (DOM types are not in this project's lib): the navigation entry's DOMContentLoaded.
      domReady.push(await page.evaluate(() => (globalThis as any).performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd as number));
      const clicked = performance.now();
      await page.locator('[data-person="owner-O2"]').click();
      await page.locator('main table td').first().waitFor();
      signedIn.push(performance.now() - clicked);
      await context.close();
    }
    console.log(`first page (sign-in), cold: median ${median(first).toFixed(0)} ms, max ${Math.max(...first).toFixed(0)} ms over ${runs} runs (DOMContentLoaded ${median(domReady).toFixed(0)} ms)`);
    console.log(`owner's home after signing in (token, compound, units): median ${median(signedIn).toFixed(0)} ms`);
  } finally {
    await browser.close();
    await system.close();
  }
}
