import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { LocalSystem } from '../infra/local/runtime';
import { DEMO } from '../infra/local/seed';
import { clock } from '../libs/clock';
import { quarterOf } from '../services/funds/domain/calendar';
import { seedDisputesDemo } from '../services/disputes/demo';
import { seedEnforcementDemo } from '../services/enforcement/demo';
import { services } from '../services/index';
import { demoCaller, expectText, shot, signedIn, startWebSystem, type Client, type WebSystem } from './web-kit';

/**
 * The web application's later pages in Chromium against the local runtime (with the notifications
 * service, which test/web.e2e.test.ts runs without): an election run in the browser — the
 * committee calls it and nominates owners, the street office nominates from the vetted pool, an
 * owner reads the announcement in the inbox, votes for at most as many candidates as there are
 * seats, verifies the receipt and sees who is elected, the street office sees the committee on
 * record; the dashboard's months and its funds by quarter; the map of the street's compounds.
 * Without a browser this FAILS.
 * The clock is moved past the times the API gives (opensAt, closesAt, objectionEndsAt) with a day
 * or two to spare, never by an exact number of days, so the vote-period rules may change freely.
 */
const DAY = 86_400_000;
const C = DEMO.compoundId;

let web: WebSystem;
let system: LocalSystem;
let call: Client;
let browser: Browser;
let electionId: string;

beforeAll(async () => {
  // The demo compound with a small roll (8 buildings as the demos want, 96 units: at most 100 households, so 3 seats
  // are allowed), and two neighbours under other governance for the map.
  web = await startWebSystem({ services, roll: { buildings: 8, unitsPerBuilding: 12 } });
  ({ system, call, browser } = web);
  const bureau = await system.token(['bureau'], 'seed');
  const neighbours = [
    { compoundId: 'demo-xihu', name: '西湖苑 Xihu Court', governance: 'temporary_committee' },
    { compoundId: 'demo-nanshan', name: '南山里 Nanshan Lane', governance: 'none' },
  ];
  for (const c of neighbours) {
    const body = { ...c, address: `${c.name}, Fengze District, Quanzhou`, communityId: DEMO.communityId, developerId: DEMO.developerId };
    expect((await call('POST', '/compounds', { token: bureau, body })).status).toBe(201);
  }
  await system.idle();
  // This month's cases and sweep (the dashboard's last month); the demo places Donghu Garden.
  await seedDisputesDemo(demoCaller(system, call));
  await seedEnforcementDemo(system);
  const street = await system.token([`street:${DEMO.streetId}`], 'street-donghu');
  for (const [compoundId, lat, long] of [
    ['demo-xihu', 24.9032, 118.6021],
    ['demo-nanshan', 24.9155, 118.6188],
  ] as const) {
    expect((await call('PUT', `/compounds/${compoundId}/place`, { token: street, body: { lat, long, radiusMetres: 300 } })).status).toBe(200);
  }
  // Two vetted people who may sit on Donghu Garden's committee without owning a unit there.
  for (const [personId, name, partyMember] of [
    ['P-lin', '林芳', true],
    ['P-wu', '吴建国', false],
  ] as const) {
    const body = { personId, name, attributes: { partyMember }, compounds: [C], nonOwnerException: '社区推荐，经街道党工委审核' };
    expect((await call('POST', '/pool', { token: street, body })).status).toBe(201);
  }
  await system.idle();
}, 180_000);

afterAll(() => web?.close());

/** Move the runtime's clock to a day past `iso` (a time the API computed) and let the schedules run. */
async function pastTime(iso: string): Promise<void> {
  const ms = Date.parse(iso) - clock.now().getTime() + DAY;
  if (ms > 0) await system.scheduler.advance(ms);
  await system.idle();
}

const election = async () => (await call('GET', `/compounds/${C}/votes/${electionId}`, { token: await system.token([`street:${DEMO.streetId}`], 'street-donghu') })).json;

test('the dashboard draws the area’s last twelve months and downloads them as CSV', async () => {
  const page = await signedIn(browser, system, 'bureau', { width: 1024 });
  await page.goto(`${system.url}/#/dashboard`);
  const trends = page.locator('[data-trends]');
  await trends.locator('figure.chart').first().waitFor();
  expect(await trends.locator('figure.chart').count()).toBe(2);
  // Twelve points per line, two lines per chart.
  expect(await trends.locator('circle.point').count()).toBe(48);
  const months = await trends.locator('tr[data-month]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-month')));
  expect(months).toHaveLength(12);
  expect(months).toEqual([...months].sort());
  // The demo's cases were accepted and its compound swept this (server) month: the last row has them.
  const last = trends.locator('tr[data-month]').last();
  const cells = (await last.locator('td').allTextContents()).map(Number);
  expect(cells[0]).toBeGreaterThan(0); // accepted
  expect(cells[2]).toBeGreaterThan(0); // swept
  await trends.scrollIntoViewIfNeeded();
  await shot(page, 'dashboard-months');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载按月 CSV' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
  expect(csv[0]).toBe('\ufeffmonth,accepted,mediated,swept,rectified');
  expect(csv[12]).toBe(`${months[11]},${cells.join(',')}`);
  await page.context().close();
});

test('the street office sees its compounds on a map drawn without tiles, coloured by governance, with a table', async () => {
  const page = await signedIn(browser, system, 'street-donghu');
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.getByRole('link', { name: '小区地图' }).click();
  await page.locator('figure.map svg').waitFor();
  expect((await page.locator('figure.map .compound').evaluateAll((marks) => marks.map((m) => m.getAttribute('data-governance')))).sort()).toEqual(['committee', 'none', 'temporary_committee']);
  expect(await page.locator('tr[data-compound]').count()).toBe(3);
  await expectText(page, 'tr[data-compound="demo-xihu"]', '临时管理委员会');
  await expectText(page, `tr[data-compound="${C}"]`, '24.9101');
  // Everything came from the page's own origin: no map tiles, no other server.
  expect(requests.filter((u) => !u.startsWith(system.url))).toEqual([]);
  await shot(page, 'map');
  await page.context().close();
});

test('the committee calls an election and nominates owners from the roll; the street office nominates from the vetted pool', async () => {
  const committee = await signedIn(browser, system, 'committee-secretary');
  await committee.getByRole('link', { name: '选举' }).click();
  await committee.getByLabel('席位').fill('3');
  await committee.getByLabel('投票天数').fill('3');
  await committee.getByRole('button', { name: '发起业委会选举' }).click();
  electionId = (await committee.locator('[data-election]').getAttribute('data-election'))!;
  expect(electionId).toMatch(/^election-/);
  await committee.locator(`[data-election] a`).click();
  await expectText(committee, 'main', '尚无候选人');
  // Someone who owns no unit on the roll is refused with the API's reason.
  await committee.getByLabel('业主编号（名册）').fill('O50');
  await committee.getByLabel('姓名').fill('Owner 50');
  await committee.getByRole('button', { name: '提名', exact: true }).click();
  await expectText(committee, '[role="alert"]', 'owns no unit in this compound');
  for (const n of [3, 4]) {
    await committee.getByLabel('业主编号（名册）').fill(`O${n}`);
    await committee.getByLabel('姓名').fill(`Owner ${n}`);
    await committee.getByRole('button', { name: '提名', exact: true }).click();
    await committee.locator(`[data-nominated="O${n}"]`).waitFor();
    await committee.locator(`tr[data-candidate="O${n}"]`).waitFor();
  }
  // The roll this service holds carries no names: the page says the name was not checked.
  await expectText(committee, 'tr[data-candidate="O3"]', '名册无姓名，未核对');
  await expectText(committee, 'tr[data-candidate="O3"]', '本小区业主 B01-');
  // The committee cannot browse the pool (officials only): the page says whom to ask.
  await expectText(committee, 'main', '人才库由街道办审核维护');
  await committee.context().close();

  const street = await signedIn(browser, system, 'street-donghu');
  await street.goto(`${system.url}/#/elections/${C}/${electionId}`);
  for (const name of ['林芳', '吴建国']) {
    await street.getByRole('button', { name: `提名 ${name}` }).click();
  }
  await street.locator('tr[data-candidate="P-wu"]').waitFor();
  await expectText(street, 'tr[data-candidate="P-lin"]', '人才库人选（街道审核）');
  await expectText(street, 'tr[data-candidate="P-lin"]', '异地担任：社区推荐');
  await expectText(street, '[data-pool="P-lin"]', '已提名');
  await shot(street, 'election-nominations');
  // Opening before its day is refused with the API's reason.
  await street.getByRole('button', { name: '开始投票' }).click();
  await expectText(street, '[role="alert"]', 'opens at');
  await street.context().close();
  const candidates = (await call('GET', `/compounds/${C}/votes/${electionId}/candidates`, { token: await system.token([`owner:${C}:O2`], 'owner-O2') })).json.items;
  expect(candidates.map((c: { personId: string }) => c.personId).sort()).toEqual(['O3', 'O4', 'P-lin', 'P-wu']);
});

test('an owner finds the election’s announcement in the inbox, reads it, and it is marked read', async () => {
  const page = await signedIn(browser, system, 'owner-O2');
  // The home page shows the newest notices; the inbox page all of them.
  await expectText(page, '[data-notice]', '【表决公告】');
  await page.getByRole('link', { name: '消息' }).first().click();
  const notice = page.locator('[data-notice]').filter({ hasText: '【表决公告】' }).first();
  await notice.waitFor();
  expect(await notice.getAttribute('data-read')).toBe('false');
  await notice.locator('summary').click();
  await expectText(page, '.notice-body', '选举业主委员会（3 席）');
  await shot(page, 'owner-inbox');
  // Opening it marked it read (the server's read state, after a reload).
  const noticeId = (await notice.getAttribute('data-notice'))!;
  for (let i = 0; i < 50; i++) {
    await page.reload();
    await page.locator(`[data-notice="${noticeId}"]`).waitFor();
    if ((await page.locator(`[data-notice="${noticeId}"]`).getAttribute('data-read')) === 'true') break;
  }
  expect(await page.locator(`[data-notice="${noticeId}"]`).getAttribute('data-read')).toBe('true');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expectText(page, `[data-notice="${noticeId}"]`, 'Notice of an owners’ vote');
  await page.context().close();
});

test('owners vote for at most as many candidates as seats; after the count the owner verifies and sees who is elected; once final, the committee is on record', async () => {
  await pastTime((await election()).opensAt);
  expect((await election()).status).toBe('open');

  const page = await signedIn(browser, system, 'owner-O2');
  await page.goto(`${system.url}/#/votes/${electionId}`);
  await expectText(page, 'legend', '最多 3 名');
  for (const id of ['O3', 'O4', 'P-lin']) await page.locator(`input[name="candidate"][value="${id}"]`).check();
  // The seats are filled: the fourth waits until one is unticked.
  expect(await page.locator('input[name="candidate"][value="P-wu"]').isDisabled()).toBe(true);
  await expectText(page, '[data-chosen="3"]', '已选 3 / 3');
  await page.locator('input[name="candidate"][value="P-lin"]').uncheck();
  expect(await page.locator('input[name="candidate"][value="P-wu"]').isDisabled()).toBe(false);
  await page.locator('input[name="candidate"][value="P-lin"]').check();
  await shot(page, 'owner-election-ballot');
  await page.getByRole('button', { name: '提交选票' }).click();
  expect(await page.locator('[data-receipt]').textContent()).toMatch(/^[0-9a-f]{64}$/);

  // Most owners vote for the same three (the quorum is two-thirds of the owners and of the area).
  for (let n = 3; n <= 80; n++) {
    if (n === 50 || n === 61) continue; // unsold, and a unit of O1's
    const r = await call('POST', `/compounds/${C}/votes/${electionId}/ballots`, { token: await system.token([`owner:${C}:O${n}`], `owner-O${n}`), body: { candidates: ['O3', 'O4', 'P-lin'] } });
    expect(r.status).toBe(201);
  }
  await pastTime((await election()).closesAt);
  const counted = await election();
  expect(counted.status).toBe('preliminary');

  await page.reload();
  const seats = page.locator('[data-seats]');
  await seats.locator('[data-elected]').first().waitFor();
  expect((await seats.locator('[data-elected]').evaluateAll((els) => els.map((e) => e.getAttribute('data-elected')))).sort()).toEqual(['O3', 'O4', 'P-lin']);
  await expectText(page, '[data-seats]', '林芳');
  await expectText(page, '[data-seats] h2', '初步结果');
  // The ballot log in the browser: the chain, the per-candidate tally and this owner's receipt.
  await page.getByRole('button', { name: '在浏览器中核验' }).click();
  await page.locator('[data-verdict]').waitFor();
  expect(await page.locator('[data-verdict]').getAttribute('data-verdict')).toBe('ok');
  await shot(page, 'owner-election-result');
  await page.context().close();

  await pastTime(counted.objectionEndsAt);
  expect((await election()).status).toBe('final');
  const street = await signedIn(browser, system, 'street-donghu');
  await street.goto(`${system.url}/#/elections/${C}/${electionId}`);
  await street.locator('[data-on-record] li').first().waitFor();
  expect(await street.locator('[data-on-record] li').count()).toBe(3);
  await expectText(street, '[data-seats] h2', '当选的业主委员会');
  await expectText(street, '[data-on-record]', '林芳');
  await shot(street, 'election-elected');
  await street.context().close();
}, 180_000);

test('the dashboard draws the funds by quarter from the compounds’ disclosures and downloads them as CSV', async () => {
  const property = await system.token([`property:${C}`], 'property-donghu');
  const body = { clientRef: 'web-parking', source: 'parking', grossFen: 1_234_500, memo: 'parking this quarter', sourceDocument: { type: 'receipt', ref: 'WEB-P1' } };
  expect((await call('POST', `/compounds/${C}/funds/public_revenue/income`, { token: property, body })).status).toBe(201);
  // Past the quarter's end (and its disclosure at 04:00 Beijing the next day).
  const ended = quarterOf(clock.nowIso(), 'Asia/Shanghai');
  await pastTime(ended.to);
  const page = await signedIn(browser, system, 'bureau', { width: 1024 });
  await page.goto(`${system.url}/#/dashboard`);
  const quarters = page.locator('[data-quarters]');
  await quarters.locator('figure.chart').waitFor();
  const labels = await quarters.locator('tr[data-quarter]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-quarter')));
  expect(labels).toHaveLength(8);
  expect(labels.at(-1)).toBe(ended.label);
  // Compounds disclosed, collected, paid out.
  expect((await quarters.locator('tr[data-quarter]').last().locator('td').allTextContents()).slice(0, 3)).toEqual(['1', '12,345.00', '0.00']);
  await quarters.scrollIntoViewIfNeeded();
  await shot(page, 'dashboard-quarters');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载按季度 CSV' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
  expect(csv[0]).toBe('\ufeffquarter,compounds_disclosed,collected_yuan,paid_out_yuan,costs_yuan,levy_charged_yuan,levy_paid_yuan,levy_owed_at_end_yuan,held_at_end_yuan');
  expect(csv[8]).toBe(`${ended.label},1,12345.00,0.00,0.00,0.00,0.00,0.00,12345.00`);
  await page.context().close();
});
