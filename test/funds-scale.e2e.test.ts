import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clock } from '../libs/clock';
import { discloseCompound } from '../services/funds/operations/disclosure';
import * as ledgerStore from '../services/funds/store/ledger';
import { crashOn, DAY, fundsWorld, recordCommands, SMALL_ROLL, type FundsWorld } from './funds-kit';

/**
 * The funds service at city scale: scheduled work fans out one unit per compound and catches up
 * what a late or failed run missed; reports read one item per street, never journals; the
 * ledger export comes in pages the verify CLI follows.
 */
const run = promisify(execFile);
let w: FundsWorld;
beforeAll(async () => {
  w = await fundsWorld();
  await w.compound('sa');
  await w.compound('sc');
  await w.compound('sd', { streetId: 'S2', communityId: 'K2' });
  // sb is registered without its roll yet.
  expect(
    (
      await w.call('POST', '/compounds', {
        token: w.tokens.bureau,
        body: { compoundId: 'sb', name: 'Compound sb', address: '2 Test Road', communityId: 'K1', governance: 'committee', developerId: 'DEV' },
      })
    ).status,
  ).toBe(201);
  await w.system.idle();
  w.tokens.committee = await w.system.token(['committee:sa', 'committee:sb', 'committee:sc', 'committee:sd'], 'committee-chair');
  w.tokens.property = await w.system.token(['property:sa', 'property:sb', 'property:sc', 'property:sd'], 'property-co');
});
afterAll(() => w.close());

const entriesOf = (compoundId: string, fund: 'small_maintenance' | 'public_revenue') => w.system.asService('funds', () => ledgerStore.allEntries(compoundId, fund));
const chargedMonths = async (compoundId: string) => (await entriesOf(compoundId, 'small_maintenance')).filter((e) => e.kind === 'levy_charge').map((e) => e.detail!.period!);
const beijing = () => new Date(clock.now().getTime() + 8 * 3600_000);
const month = (d: Date, plus: number) => {
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plus, 1));
  return `${m.getUTCFullYear()}-${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
};

describe('the levy fans out per compound and catches up', () => {
  test('two skipped months are charged by one run, each once; a compound that fails twice is retried alone; one not ready waits', async () => {
    const start = beijing();
    for (const c of ['sa', 'sb', 'sc']) {
      expect(
        (
          await w.call('POST', `/compounds/${c}/funds/public_revenue/income`, {
            token: w.tokens.property,
            body: { clientRef: `ads-${c}`, source: 'advertising', grossFen: 500_000, memo: 'lift advertising', sourceDocument: { type: 'contract', ref: `AD-${c}` } },
          })
        ).status,
      ).toBe(201);
    }
    for (const c of ['sa', 'sb', 'sc']) await w.resolution(c, `v-levy-${c}`, 'maintenance_fund_raise', { levyFenPerSquareMetreMonth: 30 });
    // The clock moves past two month starts with no schedule firing (a scheduler outage), to the 10th of the second month.
    const target = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 2, 10, 12) - 8 * 3600_000;
    clock.advance(target - clock.now().getTime());
    const crash = crashOn((command, input) => command === 'PutItemCommand' && input.includes('LEVY#sc') && input.includes('SHEET#'), 2);
    await w.system.scheduler.fire('funds/levy-clock');
    await w.system.idle();
    expect(crash.count()).toBe(2);
    const expected = [month(start, 1), month(start, 2)];
    expect(await chargedMonths('sa')).toEqual(expected);
    expect(await chargedMonths('sc')).toEqual(expected);
    expect(await chargedMonths('sb')).toEqual([]);
    const waiting = await w.call('GET', '/compounds/sb/levy', { token: w.tokens.committee });
    expect(waiting.status).toBe(200);
    expect(waiting.json).toMatchObject({ units: 0, chargedFen: 0, reconciled: true });
    expect(waiting.json.chargedThrough).toBeUndefined();
    expect(w.system.queues.deadLetters.filter((d) => d.queue === 'funds/levy-compounds')).toEqual([]);
    const units = (await w.call('GET', '/compounds/sa/levy', { token: w.tokens.committee })).json;
    expect(units).toMatchObject({ units: 12, chargedThrough: expected[1], reconciled: true });
    expect(units.chargedFen).toBe(2 * (await entriesOf('sa', 'small_maintenance')).find((e) => e.kind === 'levy_charge')!.postings[0]!.amountFen);

    // A repeated run changes nothing; the roll arriving lets the waiting compound catch up too.
    await w.system.scheduler.fire('funds/levy-clock');
    await w.system.idle();
    expect(await chargedMonths('sa')).toEqual(expected);
    expect((await w.call('POST', '/compounds/sb/roll', { token: w.tokens.bureau, raw: SMALL_ROLL, type: 'text/csv' })).status).toBeLessThan(300);
    await w.system.idle();
    await w.system.scheduler.fire('funds/levy-clock');
    await w.system.idle();
    expect(await chargedMonths('sb')).toEqual(expected);
    expect(w.events('LevyMonthCharged').filter((e) => (e.detail.data as { compoundId: string }).compoundId === 'sa')).toHaveLength(2);
  });
});

describe('disclosures fan out per compound and catch up', () => {
  test('every quarter ended since the last one is published once, oldest first', async () => {
    const before = w
      .events('DisclosurePublished')
      .filter((e) => (e.detail.data as { compoundId: string }).compoundId === 'sa')
      .map((e) => (e.detail.data as { period: string }).period);
    // Seven months without the disclosure clock: at least two quarters end unpublished.
    clock.advance(7 * 31 * DAY);
    await w.system.scheduler.fire('funds/disclosure-clock');
    await w.system.idle();
    const periods = w
      .events('DisclosurePublished')
      .filter((e) => (e.detail.data as { compoundId: string }).compoundId === 'sa')
      .map((e) => (e.detail.data as { period: string }).period);
    const added = periods.slice(before.length);
    expect(added.length).toBeGreaterThanOrEqual(3);
    expect([...added].sort()).toEqual(added);
    expect(new Set(periods).size).toBe(periods.length);
    const listed = (await w.call('GET', '/compounds/sa/disclosures?limit=50', { token: await w.owner('sa', 'O2') })).json.items.map((d: { period: string }) => d.period);
    expect(listed).toEqual([...periods].reverse());
    // The levy months charged appear in the quarters they were charged in, and nowhere else.
    const charged = [];
    for (const p of periods)
      charged.push(
        (await w.call('GET', `/compounds/sa/disclosures/${p}`, { token: w.tokens.committee })).json.funds.find((f: { fund: string }) => f.fund === 'small_maintenance')?.levy?.chargedFen ?? 0,
      );
    const total = (await w.call('GET', '/compounds/sa/levy', { token: w.tokens.committee })).json.ledger.chargedFen;
    expect(charged.reduce((s, x) => s + x, 0)).toBe(total);
    await w.system.scheduler.fire('funds/disclosure-clock');
    await w.system.idle();
    expect(w.events('DisclosurePublished').filter((e) => (e.detail.data as { compoundId: string }).compoundId === 'sa')).toHaveLength(periods.length);
  });
});

describe('reports read one item per street, never journals or compounds', () => {
  test('street, district and city totals add up the compounds in scope', async () => {
    expect(
      (
        await w.call('POST', '/compounds/sd/funds/public_revenue/income', {
          token: w.tokens.property,
          body: { clientRef: 'rent-sd', source: 'rents', grossFen: 300_000, costsFen: 30_000, costKind: 'tax', memo: 'shop rent', sourceDocument: { type: 'contract', ref: 'R-sd' } },
        })
      ).status,
    ).toBe(201);
    const figures = async (c: string) => (await w.call('GET', `/compounds/${c}/funds`, { token: w.tokens.bureau })).json.funds.find((f: { fund: string }) => f.fund === 'public_revenue').figures;
    const [sa, sb, sc, sd] = await Promise.all(['sa', 'sb', 'sc', 'sd'].map(figures));
    const recordedStreet = recordCommands();
    const street = (await w.call('GET', '/reports/funds?streetId=S1', { token: w.tokens.street })).json;
    recordedStreet.stop();
    const recorded = recordCommands();
    const city = (await w.call('GET', '/reports/funds', { token: w.tokens.bureau })).json;
    const district = (await w.call('GET', '/reports/funds?districtId=D1', { token: w.tokens.bureau })).json;
    recorded.stop();
    // A street is one GetItem; the city and a district one query over the street items (two streets here).
    const fundsCalls = (r: ReturnType<typeof recordCommands>) => r.commands.filter((c) => c.input.includes('gongzhi-local-funds'));
    expect(fundsCalls(recordedStreet).map((c) => c.name)).toEqual(['GetItemCommand']);
    expect(fundsCalls(recorded).map((c) => c.name)).toEqual(['QueryCommand', 'QueryCommand']);
    expect(district).toMatchObject({ compounds: 4, publicRevenueHeldFen: city.publicRevenueHeldFen });
    expect(street.compounds).toBe(3);
    expect(street.publicRevenueHeldFen).toBe(sa.cashFen + sb.cashFen + sc.cashFen);
    expect(street.funds.public_revenue.collectedFen).toBe(sa.collectedFen + sb.collectedFen + sc.collectedFen);
    expect(city.compounds).toBe(4);
    expect(city.publicRevenueHeldFen).toBe(sa.cashFen + sb.cashFen + sc.cashFen + sd.cashFen);
    expect(city.funds.public_revenue.costsFen).toBe(30_000);
    expect(city.levy.chargedFen).toBe(street.levy.chargedFen);
    expect(city.levy.owedFen).toBe(city.levy.chargedFen - city.levy.paidFen + city.levy.creditFen);
    expect(fundsCalls(recorded).filter((c) => c.input.includes('LEDGER#') || c.input.includes('COMPOUND#'))).toEqual([]);
  });

  test('a street total a crash left behind is repaired by the compound’s disclosure unit', async () => {
    const held = async () => (await w.call('GET', '/reports/funds?streetId=S2', { token: w.tokens.bureau })).json.publicRevenueHeldFen;
    const before = await held();
    // The append and the compound's summary are written; the street item's write dies.
    const crash = crashOn((command, input) => command === 'UpdateItemCommand' && input.includes('FUNDSTREETS'));
    const rent = { clientRef: 'rent-sd-2', source: 'rents', grossFen: 50_000, costsFen: 0, memo: 'kiosk rent', sourceDocument: { type: 'contract', ref: 'R-sd-2' } };
    expect((await w.call('POST', '/compounds/sd/funds/public_revenue/income', { token: w.tokens.property, body: rent })).status).toBe(201);
    expect(crash.count()).toBe(1);
    expect(await held()).toBe(before);
    // The compound's disclosure unit (what the disclosure queue runs for it) copies its summary to its street first.
    await w.system.asService('funds', () => discloseCompound('sd'));
    expect(await held()).toBe(before + 50_000);
  });
});

describe('the ledger export comes in pages; the CLI follows them', () => {
  test('a journal too large for one page verifies from its URL; a page alone does not pass for the whole', async () => {
    for (let i = 0; i < 30; i++) {
      await w.call('POST', '/compounds/sa/funds/public_revenue/income', {
        token: w.tokens.property,
        body: { clientRef: `parking-${i}`, source: 'parking', grossFen: 1_000 + i, memo: `parking day ${i}`, sourceDocument: { type: 'receipt', ref: `P-${i}` } },
      });
    }
    const token = await w.owner('sa', 'O2');
    const first = await w.call('GET', '/compounds/sa/funds/public_revenue/export?pageBytes=4000', { token });
    expect(first.json.nextCursor).toBeDefined();
    expect(first.json.entries.length).toBeLessThan(31);
    const url = `${w.system.url}/compounds/sa/funds/public_revenue/export?pageBytes=4000`;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'infra/cli/verify.ts', 'ledger', url, '--token', token]);
    expect(stdout).toMatch(/ledger sa\/public_revenue: 3\d entries in \d+ page\(s\)/);
    expect(stdout).toMatch(/OK: the chain and the balances hold/);
    const file = join(mkdtempSync(join(tmpdir(), 'gongzhi-pages-')), 'page1.json');
    writeFileSync(file, first.text);
    await expect(run(process.execPath, ['--import', 'tsx', 'infra/cli/verify.ts', 'ledger', file])).rejects.toMatchObject({ code: 1, stdout: expect.stringMatching(/pages are missing/) });
  });
});
