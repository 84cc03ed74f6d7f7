import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { LocalOptions, LocalSystem } from '../infra/local/runtime';
import { DEMO, demoCompound, demoRollCsv } from '../infra/local/seed';
import { clock } from '../libs/clock';
import type { DemoCall } from '../services/disputes/demo';
import { buildWeb } from '../web/build.mjs';
import { client, startSystem } from './helpers';

/**
 * What the browser tests (test/web*.e2e.test.ts) share: the web app built into a folder of its own,
 * the local runtime with the demo compound on a roll of the file's size, Chromium (Debian's, driven
 * by playwright-core; without it the files FAIL, CI installs it: .ci/run), pages signed in as the
 * demo people, and screenshots (GONGZHI_SCREENSHOTS=docs/screenshots writes them there).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = process.env.GONGZHI_SCREENSHOTS ?? join(tmpdir(), 'gongzhi-web-screenshots');
/** A phone's screen: the pages are drawn for it first. */
export const PHONE = { width: 390, height: 844 };

export type Client = ReturnType<typeof client>;

export interface WebSystem {
  system: LocalSystem;
  call: Client;
  browser: Browser;
  /** For afterAll: the browser, the runtime, the clock and the built app's folder, whatever of them started. */
  close(): Promise<void>;
}

/**
 * The built app served by the local runtime, the demo's district, street and community, the demo
 * compound (as infra/local/seed.ts registers it) with a demo roll of `roll`'s size, and Chromium.
 * `services` as startSystem's (every service but notifications when not named).
 */
export async function startWebSystem(options: { services?: LocalOptions['services']; roll: { buildings: number; unitsPerBuilding: number } }): Promise<WebSystem> {
  clock.reset();
  // Built into a folder of its own, so that an `npm start` rebuilding web/dist meanwhile (another test) cannot race it.
  const webDir = mkdtempSync(join(tmpdir(), 'gongzhi-web-'));
  process.env.GONGZHI_WEB_DIR = webDir;
  let system: LocalSystem | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await system?.close();
    clock.reset();
    rmSync(webDir, { recursive: true, force: true });
    delete process.env.GONGZHI_WEB_DIR;
  };
  try {
    await buildWeb({ outdir: webDir });
    const started = await startSystem(options.services ? { services: options.services } : {});
    system = started.system;
    const { call } = started;
    const bureau = await system.token(['bureau'], 'seed');
    await registerDemoArea(call, bureau);
    expect((await call('POST', '/compounds', { token: bureau, body: demoCompound })).status).toBe(201);
    const roll = demoRollCsv(options.roll.buildings, options.roll.unitsPerBuilding);
    expect((await call('POST', `/compounds/${DEMO.compoundId}/roll`, { token: bureau, raw: roll, type: 'text/csv' })).status).toBe(201);
    await system.idle();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    return { system, call, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The demo's district, street and community (Fengze, Donghu), registered by the bureau (`token`). */
export async function registerDemoArea(call: Client, token: string): Promise<void> {
  for (const [path, body] of [
    ['/districts', { districtId: DEMO.districtId, name: '丰泽区 Fengze District' }],
    ['/streets', { streetId: DEMO.streetId, districtId: DEMO.districtId, name: '东湖街道 Donghu Street' }],
    ['/communities', { communityId: DEMO.communityId, streetId: DEMO.streetId, name: '东湖社区 Donghu Community' }],
  ] as const) {
    expect((await call('POST', path, { token, body })).status).toBe(201);
  }
}

/** The demos' way to call the API (services/*\/demo.ts), over the local runtime with a token per call. */
export function demoCaller(system: LocalSystem, call: Client): DemoCall {
  return async (method, path, grants, body, subject) => {
    const r = await call(method, path, { token: await system.token(grants, subject), body });
    return { status: r.status, json: r.json };
  };
}

/**
 * A page signed in as one of the demo people (`person`, the sign-in page's data-person), in a
 * context of its own (its own storage), phone-sized unless `width` says otherwise. An error thrown
 * in the page fails the test.
 */
export async function signedIn(browser: Browser, system: LocalSystem, person: string, options: { width?: number } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { ...PHONE, width: options.width ?? PHONE.width }, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(system.url);
  await page.locator(`[data-person="${person}"]`).click();
  await page.locator('nav[aria-label]').waitFor();
  return page;
}

/** The whole page as `<name>.png` in the screenshots folder. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Waits for an element of `selector` that says `text`; if none comes, fails with what the page says. */
export async function expectText(page: Page, selector: string, text: string): Promise<void> {
  const locator = page.locator(selector).filter({ hasText: text }).first();
  await locator.waitFor({ timeout: 15_000 }).catch(async () => {
    throw new Error(`no ${selector} with “${text}”; the page says: ${(await page.locator('main').textContent())?.slice(0, 600)}`);
  });
}
