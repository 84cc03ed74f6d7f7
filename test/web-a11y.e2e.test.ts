import type { Browser, Page } from 'playwright-core';
import type { LocalSystem } from '../infra/local/runtime';
import { DEMO } from '../infra/local/seed';
import { seedDisputesDemo } from '../services/disputes/demo';
import { services } from '../services/index';
import { axe, focused, headingFocused, markTabStops, othersNamed, tabTo } from './a11y';
import { advancePast } from './helpers';
import { demoCaller, PHONE, signedIn, startWebSystem, type Client, type WebSystem } from './web-kit';

/**
 * Accessibility and owners' privacy of the web application, checked in Chromium against the local
 * runtime (with the notifications service, for the inbox):
 * - axe-core (Deque's engine) runs with the WCAG 2.0/2.1 A and AA rules (and its best practices) on
 *   the main pages, in Chinese and in English; a violation of impact serious or critical, or of a
 *   rule of the page's structure (landmarks, headings) at any impact, fails the test and is printed
 *   with its rule, impact, elements and what to fix;
 * - an owner signs in and casts a ballot with the keyboard alone (Tab, Shift+Tab, Enter, Space):
 *   every element reached by Tab shows its focus, Tab goes round the page and out (no trap), and
 *   after each route change the focus is on the new page's heading;
 * - no owner page the test visits shows another owner's id or name from the roll (O<n>, "Owner <n>",
 *   "Buyer <n>"), in its text or in what a screen reader reads (aria-label, title, alt), except a
 *   committee election's candidates, whose names the announcement makes public (see docs/web.md).
 * Without a browser this FAILS. One runtime and one browser for the file; one page per person.
 */

// The page's document, for the functions that run in it (the tests compile without the DOM library).
declare const document: any;

const C = DEMO.compoundId;
const ME = { personId: 'O2', name: 'Owner 2' };
const CANDIDATES = [
  { personId: 'O3', name: 'Owner 3' },
  { personId: 'O4', name: 'Owner 4' },
  { personId: 'O7', name: 'Owner 7' },
];

let web: WebSystem;
let system: LocalSystem;
let call: Client;
let browser: Browser;
let voteId: string;
let electionId: string;
const pages = new Map<string, Page>();

beforeAll(async () => {
  // The demo roll, smaller: 2 buildings of 12 units (owners O1…O24 named "Owner <n>").
  web = await startWebSystem({ services, roll: { buildings: 2, unitsPerBuilding: 12 } });
  ({ system, call, browser } = web);
  const bureau = await system.token(['bureau'], 'seed');
  // Complaints filed by O2…O11 in every state: O2's page must show O2's alone.
  await seedDisputesDemo(demoCaller(system, call));
  // An expense in review (for the reviewer's queue and the owner's payments).
  const deposit = { clientRef: 'a11y-deposit', source: 'deposits', grossFen: 10_000_000, memo: 'maintenance fund', sourceDocument: { type: 'bank_statement', ref: 'BS-A11Y' } };
  expect((await call('POST', `/compounds/${C}/funds/maintenance/income`, { token: bureau, body: deposit })).status).toBe(201);
  const committee = await system.token([`committee:${C}`], 'committee-secretary');
  const street = await system.token([`street:${DEMO.streetId}`], 'street-donghu');
  const emergency = { projectId: 'flood-b02', fund: 'maintenance', category: 'basement_flooding', amountFen: 800_000, description: 'basement of B02 flooded after the typhoon' };
  expect((await call('POST', `/compounds/${C}/emergencies`, { token: committee, body: emergency })).status).toBe(201);
  expect((await call('POST', `/compounds/${C}/projects/flood-b02/confirm`, { token: street })).status).toBe(200);
  const expense = { expenseId: 'exp-a11y', payee: '泉州排水工程队', amountFen: 150_050, purpose: '抽排 B02 地下室积水' };
  expect((await call('POST', `/compounds/${C}/projects/flood-b02/expenses`, { token: committee, body: expense })).status).toBe(201);
  // O2's own complaint (the list shows an owner those filed under their sign-in).
  const mine = { category: 'leaks_repairs', description: 'B01 楼顶漏水，雨天顶楼走廊积水已经三天。' };
  expect((await call('POST', `/compounds/${C}/complaints`, { token: await system.token([`owner:${C}:O2`], 'owner-O2'), body: mine })).status).toBe(201);
  // A resolution and a committee election, announced (they open after the notice period).
  const vote = { kind: 'resolution', voteId: 'vote-a11y', matter: 'other_major', question: '是否允许外卖电动车进入小区？', votingDays: 7 };
  voteId = (await call('POST', `/compounds/${C}/votes`, { token: committee, body: vote })).json.voteId;
  const election = { kind: 'election', voteId: 'election-a11y', question: '选举业主委员会（3 席）', seats: 3, votingDays: 3 };
  electionId = (await call('POST', `/compounds/${C}/votes`, { token: committee, body: election })).json.voteId;
  for (const c of CANDIDATES) {
    expect((await call('POST', `/compounds/${C}/votes/${electionId}/candidates`, { token: committee, body: { ...c, source: 'owners' } })).status).toBe(201);
  }
  await system.idle();
}, 180_000);

afterAll(() => web?.close());

/** One page per demo person, signed in once and reused (a route change is a new hash). */
async function pageOf(person: string, width = PHONE.width): Promise<Page> {
  const known = pages.get(person);
  if (known) return known;
  const page = await signedIn(browser, system, person, { width });
  pages.set(person, page);
  return page;
}

/** Go to a route and wait until its heading is drawn and nothing is loading. */
async function visit(page: Page, route: string, ready?: string): Promise<void> {
  await page.goto(`${system.url}/#/${route}`);
  await settled(page, ready);
}

async function settled(page: Page, ready?: string): Promise<void> {
  if (ready) await page.locator(ready).first().waitFor();
  await page.waitForFunction(() => !!document.querySelector('main h1') && !document.querySelector('main .loading'));
}

/** axe in Chinese, then in English (the language switch in the header), back to Chinese. */
async function axeBoth(page: Page, where: string, ready?: string): Promise<string[]> {
  const found = await axe(page, `${where} [zh]`);
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await settled(page, ready);
  found.push(...(await axe(page, `${where} [en]`)));
  await page.getByRole('button', { name: '切换到中文' }).click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await settled(page, ready);
  return found;
}

/** axe on an owner's page in both languages, and the privacy check on it (in both languages too). */
async function ownerPage(page: Page, route: string, ready?: string, publicPeople: { personId: string; name: string }[] = []): Promise<{ violations: string[]; named: string[] }> {
  await visit(page, route, ready);
  const named = (await othersNamed(page, [ME, ...publicPeople])).map((x) => `#/${route} [zh]: ${x}`);
  const violations = await axe(page, `#/${route} [zh]`);
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await settled(page, ready);
  named.push(...(await othersNamed(page, [ME, ...publicPeople])).map((x) => `#/${route} [en]: ${x}`));
  violations.push(...(await axe(page, `#/${route} [en]`)));
  await page.getByRole('button', { name: '切换到中文' }).click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  return { violations, named };
}

test('the sign-in page has no serious accessibility violation, in Chinese or English', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(system.url);
  await page.locator('[data-person]').first().waitFor();
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
  expect(await axeBoth(page, 'sign-in')).toEqual([]);
  // The privacy check sees names: the sign-in page (no owner's page) lists the demo people, O3 among them.
  expect(await othersNamed(page, [ME])).toContain('O3');
  await context.close();
});

test('the committee’s and the officials’ pages have no serious accessibility violation', async () => {
  const found: string[] = [];
  const committee = await pageOf('committee-secretary');
  await visit(committee, 'committee');
  found.push(...(await axeBoth(committee, '#/committee (committee)')));
  await visit(committee, 'elections', `a[href*="${electionId}"]`);
  found.push(...(await axeBoth(committee, '#/elections (committee)')));
  // The election while it is announced: its candidates and the form to nominate.
  await visit(committee, `elections/${C}/${electionId}`, 'tr[data-candidate="O7"]');
  found.push(...(await axeBoth(committee, '#/elections/… (committee)', 'tr[data-candidate="O7"]')));

  const reviewer = await pageOf('reviewer-donghu-k1');
  await visit(reviewer, 'review', '[data-review="exp-a11y"]');
  found.push(...(await axeBoth(reviewer, '#/review (community)', '[data-review="exp-a11y"]')));

  const street = await pageOf('street-donghu');
  await visit(street, `elections/${C}/${electionId}`, '[data-pool], #pool-h');
  found.push(...(await axeBoth(street, '#/elections/… (street)', '#pool-h')));
  await visit(street, 'map', 'figure.map svg');
  found.push(...(await axeBoth(street, '#/map (street)', 'figure.map svg')));

  // The dashboard with its charts by area, its months and its quarters (the page over time).
  const bureau = await pageOf('bureau', 1024);
  const drawn = '[data-quarters] table';
  await visit(bureau, 'dashboard', '[data-trends] figure.chart');
  await bureau.locator(drawn).waitFor();
  found.push(...(await axeBoth(bureau, '#/dashboard (bureau)', drawn)));
  expect(found).toEqual([]);
}, 120_000);

test('an owner’s pages, with the votes open, are accessible and name no other owner', async () => {
  const announced = await call('GET', `/compounds/${C}/votes/${voteId}`, { token: await system.token([`committee:${C}`], 'committee-secretary') });
  await advancePast(system, announced.json.opensAt);
  const page = await pageOf('owner-O2');
  const results = [
    await ownerPage(page, '', '[data-notice]'),
    await ownerPage(page, 'votes', `a[href="#/votes/${voteId}"]`),
    await ownerPage(page, `votes/${voteId}`, 'input[name="choice"]'),
    // An election's candidates are announced to every owner (their names are public): exempt, and only they.
    await ownerPage(page, `votes/${electionId}`, 'input[name="candidate"]', CANDIDATES),
  ];
  // The exemption is needed there (the ballot names the candidates), and covers no one but them.
  await settled(page, 'input[name="candidate"]');
  expect((await othersNamed(page, [ME])).sort()).toEqual(CANDIDATES.map((c) => c.name).sort());
  results.push(await ownerPage(page, 'funds', '[data-expense="exp-a11y"]'), await ownerPage(page, 'complaints', '[data-complaint]'), await ownerPage(page, 'inbox', '[data-notice]'));
  // The complaints the demo filed for O3…O11 exist (the privacy check has something to miss).
  const complaints = await call('GET', `/compounds/${C}/complaints`, { token: await system.token([`community:${DEMO.communityId}`], 'reviewer-donghu-k1') });
  expect(complaints.json.items?.length ?? 0).toBeGreaterThan(1);
  expect(results.flatMap((r) => r.named)).toEqual([]);
  expect(results.flatMap((r) => r.violations)).toEqual([]);
}, 120_000);

test('an owner signs in and votes with the keyboard alone: focus always shown, never trapped, and on each new page’s heading', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  const page = await context.newPage();
  const unseen: string[] = [];
  await page.goto(system.url);
  await page.locator('[data-person]').first().waitFor();
  // The skip link is the first stop.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('#main');
  await tabTo(page, '[data-person="owner-O2"]', unseen);
  await page.keyboard.press('Enter');
  await page.locator('nav[aria-label]').waitFor();
  expect(await headingFocused(page, '我的小区')).toBe(true);
  // The navigation is before the page: back with Shift+Tab.
  await tabTo(page, 'nav a[href="#/votes"]', unseen, 'Shift+Tab');
  await page.keyboard.press('Enter');
  expect(await headingFocused(page, '表决')).toBe(true);
  await tabTo(page, `main a[href="#/votes/${voteId}"]`, unseen);
  await page.keyboard.press('Enter');
  // This heading comes with the vote's data: the focus waits for it.
  expect(await headingFocused(page, '外卖电动车')).toBe(true);
  await page.locator('input[name="choice"]').first().waitFor();

  // No trap: Tab from the heading goes through every stop of the page, out of it and round to the heading again.
  const stops = await markTabStops(page);
  const visited = new Set<string>();
  for (let i = 0; i < stops + 3; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now.probe !== null) visited.add(now.probe);
    if (now.what !== 'body' && !now.shown) unseen.push(now.what);
  }
  expect(visited.size).toBe(stops);

  await tabTo(page, 'input[name="choice"]', unseen);
  expect(await page.evaluate(() => document.activeElement.value)).toBe('for');
  await page.keyboard.press('Space');
  expect(await page.locator('input[name="choice"][value="for"]').isChecked()).toBe(true);
  await tabTo(page, 'main button[type="submit"]', unseen);
  await page.keyboard.press('Enter');
  expect(await page.locator('[data-receipt]').textContent()).toMatch(/^[0-9a-f]{64}$/);
  expect(unseen).toEqual([]);
  expect(await othersNamed(page, [ME])).toEqual([]);
  await context.close();
}, 120_000);

test('after the close, the result pages are accessible and name no other owner', async () => {
  // Two other owners vote: their ballots are in the log, their names nowhere.
  for (const [owner, choice] of [
    ['O3', 'against'],
    ['O5', 'abstain'],
  ] as const) {
    expect((await call('POST', `/compounds/${C}/votes/${voteId}/ballots`, { token: await system.token([`owner:${C}:${owner}`], `person-${owner}`), body: { choice } })).status).toBe(201);
  }
  const read = async (id: string) => (await call('GET', `/compounds/${C}/votes/${id}`, { token: await system.token([`committee:${C}`], 'committee-secretary') })).json;
  const [vote, election] = [await read(voteId), await read(electionId)];
  await advancePast(system, [vote.closesAt, election.closesAt].sort().at(-1));
  expect((await read(voteId)).status).not.toBe('open');

  const page = await pageOf('owner-O2');
  const results = [await ownerPage(page, `votes/${voteId}`, '#result-h'), await ownerPage(page, `votes/${electionId}`, '[data-seats]', CANDIDATES)];
  // The ballot log checked in the browser, with its verdict.
  await visit(page, `votes/${voteId}`, '#log-h');
  await page.getByRole('button', { name: '在浏览器中核验' }).click();
  await page.locator('[data-verdict]').waitFor();
  const verdict = { violations: await axe(page, `#/votes/${voteId} verified`), named: (await othersNamed(page, [ME])).map((x) => `#/votes/${voteId} verified: ${x}`) };
  results.push(verdict);
  expect(results.flatMap((r) => r.named)).toEqual([]);
  expect(results.flatMap((r) => r.violations)).toEqual([]);
}, 120_000);
