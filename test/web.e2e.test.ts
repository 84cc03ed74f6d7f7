import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { LocalSystem } from '../infra/local/runtime';
import { DEMO } from '../infra/local/seed';
import { seedDisputesDemo } from '../services/disputes/demo';
import { seedEnforcementDemo } from '../services/enforcement/demo';
import { advancePast } from './helpers';
import { demoCaller, expectText, PHONE, shot, signedIn, startWebSystem, type Client, type WebSystem } from './web-kit';

/**
 * The web application in a real browser (Chromium, see test/web-kit.ts) against the local runtime:
 * an owner votes and verifies the receipt in the browser, files a complaint with a photo; the
 * committee calls the vote and submits an expense; a community reviewer approves it; the bureau's
 * dashboard draws its charts and downloads the CSV.
 */
const C = DEMO.compoundId;

let web: WebSystem;
let system: LocalSystem;
let call: Client;
let browser: Browser;
let voteId: string;

beforeAll(async () => {
  // The demo compound with a smaller roll (8 buildings, 192 units): enough for the demos, lighter on a shared machine.
  web = await startWebSystem({ roll: { buildings: 8, unitsPerBuilding: 24 } });
  ({ system, call, browser } = web);
  // The city's figures for the dashboard: cases in every state, a campaign with findings.
  await seedDisputesDemo(demoCaller(system, call));
  await seedEnforcementDemo(system);
  // Money in the maintenance fund and people in the reserve pool, for the funds and pool charts.
  const deposit = {
    clientRef: 'deposit-2026-001',
    source: 'deposits',
    grossFen: 60_000_000,
    memo: 'maintenance fund transferred by the city fund centre',
    sourceDocument: { type: 'bank_statement', ref: 'BS-2026-001' },
  };
  // The maintenance fund is held by the city's fund centre: the bureau records what comes in.
  const bureau = await system.token(['bureau'], 'seed');
  expect((await call('POST', `/compounds/${C}/funds/maintenance/income`, { token: bureau, body: deposit })).status).toBe(201);
  const street = await system.token([`street:${DEMO.streetId}`], 'street-donghu');
  for (const [personId, name, partyMember] of [
    ['P-chen', '陈明', true],
    ['P-lin', '林芳', false],
    ['P-wu', '吴建国', true],
  ] as const) {
    expect((await call('POST', '/pool', { token: street, body: { personId, name, attributes: { partyMember }, compounds: [C] } })).status).toBe(201);
  }
  await system.idle();
}, 180_000);

afterAll(() => web?.close());

test('the local runtime serves the built app at / and nothing outside its folder', async () => {
  const index = await fetch(`${system.url}/`);
  expect(index.headers.get('content-type')).toMatch(/text\/html/);
  expect(await index.text()).toContain('<script type="module" src="app.js">');
  expect((await fetch(`${system.url}/app.js`)).headers.get('content-type')).toMatch(/javascript/);
  expect(await (await fetch(`${system.url}/config.json`)).json()).toEqual({ apiUrl: '', signIn: { kind: 'local' } });
  expect((await fetch(`${system.url}/%2e%2e/package.json`)).status).toBe(404);
  expect((await fetch(`${system.url}/health`)).headers.get('content-type')).toMatch(/json/);
  expect((await fetch(`${system.url}/`, { method: 'POST' })).status).toBe(404);
});

test('the sign-in page lists the demo people, in Chinese, switchable to English', async () => {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  await page.goto(system.url);
  await expectText(page, 'h1', '登录');
  await shot(page, 'sign-in');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expectText(page, 'h1', 'Sign in');
  await context.close();
});

test('the committee calls a vote in the browser', async () => {
  const page = await signedIn(browser, system, 'committee-secretary');
  await page.goto(`${system.url}/#/committee`);
  await page.getByLabel('表决事项').fill('是否允许外卖电动车进入小区？');
  await page.getByRole('button', { name: '发起表决' }).click();
  voteId = (await page.locator('[data-created]').getAttribute('data-created'))!;
  expect(voteId).toMatch(/^vote-/);
  await shot(page, 'committee');
  await page.context().close();
  // Fifteen whole days' notice, then the vote opens at 00:00 Beijing (the schedule opens it).
  await advancePast(system, (await call('GET', `/compounds/${C}/votes/${voteId}`, { token: await system.token([`committee:${C}`], 'committee-secretary') })).json.opensAt);
});

test('an owner sees live turnout, votes, keeps the receipt, and after the close verifies it in the browser', async () => {
  const page = await signedIn(browser, system, 'owner-O2');
  await shot(page, 'owner-home');
  await expectText(page, 'main', 'B01-102');
  await page.getByRole('link', { name: '表决' }).first().click();
  await page.locator(`a[href="#/votes/${voteId}"]`).click();
  await expectText(page, 'main', '投票中');
  await page.getByLabel('同意').check();
  await page.getByRole('button', { name: '提交选票' }).click();
  const receipt = (await page.locator('[data-receipt]').textContent())!;
  expect(receipt).toMatch(/^[0-9a-f]{64}$/);
  await shot(page, 'owner-vote');

  // Other owners vote; the turnout the owner sees grows (read from the page after a reload).
  for (const [owner, choice] of [
    ['O3', 'against'],
    ['O4', 'for'],
    ['O5', 'abstain'],
    ['O6', 'for'],
  ] as const) {
    const r = await call('POST', `/compounds/${C}/votes/${voteId}/ballots`, { token: await system.token([`owner:${C}:${owner}`], `person-${owner}`), body: { choice } });
    expect(r.status).toBe(201);
  }
  await system.scheduler.advance(60_000); // the turnout snapshot is at most half a minute old
  // The snapshot is refreshed by a read; the page is reloaded once the server's figure is the new one.
  const ownerToken = await system.token([`owner:${C}:O2`], 'owner-O2');
  let turnout = (await call('GET', `/compounds/${C}/votes/${voteId}`, { token: ownerToken })).json.turnout;
  for (let i = 0; i < 50 && turnout.participatingHeadcount !== 5; i++) {
    await new Promise((r) => setTimeout(r, 100));
    turnout = (await call('GET', `/compounds/${C}/votes/${voteId}`, { token: ownerToken })).json.turnout;
  }
  expect(turnout.participatingHeadcount).toBe(5);
  await page.reload();
  await expectText(page, '.meter-track[aria-label="按人数"] + .meter-value', `${turnout.headcountPercent}%`);

  await advancePast(system, (await call('GET', `/compounds/${C}/votes/${voteId}`, { token: ownerToken })).json.closesAt);
  await page.reload();
  await expectText(page, 'main', '未通过');
  await page.getByRole('button', { name: '在浏览器中核验' }).click();
  await page.locator('[data-verdict]').waitFor();
  expect(await page.locator('[data-verdict]').getAttribute('data-verdict')).toBe('ok');
  expect(await page.locator('[data-check]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-check'), e.getAttribute('data-ok')]))).toEqual([
    ['chain', 'true'],
    ['head', 'true'],
    ['tally', 'true'],
    ['receiptRecomputed', 'true'],
    ['receiptFound', 'true'],
    ['choice', 'true'],
    ['commitment', 'true'],
  ]);
  await expectText(page, 'tr.mine', receipt.slice(0, 16));
  await shot(page, 'owner-verify');
  await page.context().close();
});

test('a receipt altered on the device fails the check in the browser', async () => {
  const page = await signedIn(browser, system, 'owner-O2');
  const mine = (await call('GET', `/compounds/${C}/votes/${voteId}/ballots/mine`, { token: await system.token([`owner:${C}:O2`], 'owner-O2') })).json;
  // The kept receipt with another nonce: its receipt no longer recomputes from the ballot.
  await page.evaluate(
    ([key, kept]) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem(key!, kept!),
    [
      `gongzhi.receipt.${C}.${voteId}.O2`,
      JSON.stringify({ voteId, voterId: 'O2', receipt: mine.receipt, nonce: '00', areaSalt: mine.areaSalt, choice: mine.choice, area: mine.area, headcount: mine.headcount, castAt: mine.castAt }),
    ],
  );
  await page.goto(`${system.url}/#/votes/${voteId}`);
  await page.getByRole('button', { name: '在浏览器中核验' }).click();
  await page.locator('[data-verdict]').waitFor();
  expect(await page.locator('[data-verdict]').getAttribute('data-verdict')).toBe('failed');
  expect(await page.locator('[data-check="receiptRecomputed"]').getAttribute('data-ok')).toBe('false');
  expect(await page.locator('[data-check="chain"]').getAttribute('data-ok')).toBe('true');
  await page.context().close();
});

test('an owner files a complaint with a photo, uploaded by the presigned URL', async () => {
  const page = await signedIn(browser, system, 'owner-O2');
  await page.goto(`${system.url}/#/complaints`);
  await page.getByLabel('描述').fill('B01 楼顶漏水，雨天顶楼走廊积水已经三天。');
  const photo = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  await page.getByLabel('照片（可选）').setInputFiles({ name: 'roof.png', mimeType: 'image/png', buffer: photo });
  await page.getByRole('button', { name: '提交' }).click();
  const complaintId = (await page.locator('[data-filed]').getAttribute('data-filed'))!;
  await page.locator(`[data-complaint="${complaintId}"]`).waitFor();
  await shot(page, 'owner-complaint');
  await page.context().close();
  const bureau = await system.token(['bureau']);
  const complaint = (await call('GET', `/complaints/${complaintId}`, { token: bureau })).json;
  expect(complaint).toMatchObject({ category: 'leaks_repairs', complainant: { ownerId: 'O2' } });
  const download = await call('GET', `/complaints/${complaintId}/attachments/${complaint.attachments[0].attachmentId}`, { token: bureau });
  expect(Buffer.from(await (await fetch(download.json.url)).arrayBuffer())).toEqual(photo);
});

test('the committee submits an expense, the community reviewer approves it, the owner sees the approval', async () => {
  const committee = await system.token([`committee:${C}`], 'committee-secretary');
  expect(
    (
      await call('POST', `/compounds/${C}/emergencies`, {
        token: committee,
        body: { projectId: 'flood-b02', fund: 'maintenance', category: 'basement_flooding', amountFen: 800_000, description: 'basement of B02 flooded after the typhoon' },
      })
    ).status,
  ).toBe(201);
  expect((await call('POST', `/compounds/${C}/projects/flood-b02/confirm`, { token: await system.token([`street:${DEMO.streetId}`], 'street-donghu') })).status).toBe(200);

  const page = await signedIn(browser, system, 'committee-secretary');
  await page.goto(`${system.url}/#/committee`);
  await page.getByLabel('收款方').fill('泉州排水工程队');
  await page.getByLabel('金额（元）').fill('1500.50');
  await page.getByLabel('用途').fill('抽排 B02 地下室积水');
  await page.getByRole('button', { name: '提交支出' }).click();
  const expenseId = (await page.locator('[data-submitted]').getAttribute('data-submitted'))!;
  await page.context().close();

  const reviewer = await signedIn(browser, system, 'reviewer-donghu-k1');
  await reviewer.getByRole('link', { name: '审核' }).click();
  const item = reviewer.locator(`[data-review="${expenseId}"]`);
  await item.getByLabel('意见').fill('合同与发票已核对');
  await shot(reviewer, 'review-queue');
  await item.getByRole('button', { name: '批准' }).click();
  await expectText(reviewer, 'main', '没有待审核的支出');
  await reviewer.context().close();

  const expense = (await call('GET', `/compounds/${C}/expenses`, { token: committee })).json.items.find((e: { expenseId: string }) => e.expenseId === expenseId);
  expect(expense).toMatchObject({ amountFen: 150_050, status: 'approved' });

  const owner = await signedIn(browser, system, 'owner-O2');
  await owner.goto(`${system.url}/#/funds`);
  await expectText(owner, `[data-expense="${expenseId}"]`, '社区审核员');
  // The owner checks the maintenance fund's ledger here, from every page of the export.
  await owner.getByRole('button', { name: '在浏览器中核验' }).click();
  await expectText(owner, '[role="status"] [data-verdict="ok"][data-fund="maintenance"]', '核验通过');
  await shot(owner, 'owner-funds');
  await owner.context().close();
});

test('the bureau’s dashboard draws its charts by district and street and downloads them as CSV', async () => {
  const page = await signedIn(browser, system, 'bureau', { width: 1024 });
  await page.goto(`${system.url}/#/dashboard`);
  // The months' and quarters' charts may draw first: wait for the bar charts by area themselves.
  await page.locator('section[aria-labelledby="dash-h"] figure.chart').first().waitFor();
  // Five bar charts by area (the months' line charts below them are test/web-election.e2e.test.ts's).
  expect(await page.locator('section[aria-labelledby="dash-h"] figure.chart').count()).toBe(5);
  expect(await page.locator('figure.chart svg rect.bar').count()).toBeGreaterThan(0);
  // The demo's cases and sweep show in Fengze's bars (width > 0).
  expect(await page.locator('figure.chart rect.bar').evaluateAll((bars) => bars.filter((b) => Number(b.getAttribute('width')) > 0).length)).toBeGreaterThan(2);
  await shot(page, 'dashboard');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 CSV' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv.split('\r\n')[0]).toBe('\ufeffdistrict,name,formal,temporary,partyMajority,pooled,serving,collectedYuan,repairsPaidYuan,accepted,mediated,swept,rectified');
  expect(csv).toContain('fengze,');
  await page.getByLabel('统计口径').selectOption('street');
  await expectText(page, 'figure.chart', '东湖');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expectText(page, 'h1', 'City dashboard');
  await shot(page, 'dashboard-en');
  await page.context().close();
});
