import type { LocalSystem } from '../infra/local/runtime';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clock } from '../libs/clock';
import { toCsv } from '../libs/csv';
import type { RollUnit } from '../services/registry/domain/roll';
import { formatRoll } from '../services/registry/domain/roll-csv';
import { gb18030 } from './gb18030';
import { client, compoundBody, rollCsv, startSystem } from './helpers';

let system: LocalSystem;
let call: ReturnType<typeof client>;
let bureau: string;

beforeAll(async () => {
  ({ system, call } = await startSystem());
  bureau = await system.token(['bureau'], 'bureau-1');
});
afterAll(() => system.close());

const HEADER = 'building,unit,area,area_source,holding,owner_id,owner_name,registered';
const importCsv = (compoundId: string, lines: string[], token = bureau) => call('POST', `/compounds/${compoundId}/roll`, { token, raw: `${[HEADER, ...lines].join('\n')}\n`, type: 'text/csv' });

describe('units by building', () => {
  test('a building whose id is a prefix of another lists only its own units (B1 vs B1-A)', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('keys-a') })).status).toBe(201);
    const imported = await importCsv('keys-a', [
      'B1,101,80,register,owned,O1,One,yes',
      'B1,102,80,register,owned,O2,Two,yes',
      'B1-A,101,70,register,owned,O3,Three,yes',
      'B1-A,102,70,register,owned,O4,Four,yes',
      'B10,101,60,register,owned,O5,Five,yes',
    ]);
    expect(imported.status).toBe(201);
    const committee = await system.token(['committee:keys-a']);
    const b1 = await call('GET', '/compounds/keys-a/units?buildingId=B1', { token: committee });
    expect(b1.json.items.map((u: { unitId: string }) => u.unitId)).toEqual(['B1-101', 'B1-102']);
    const b1a = await call('GET', '/compounds/keys-a/units?buildingId=B1-A', { token: committee });
    expect(b1a.json.items.map((u: { unitId: string }) => u.unitId)).toEqual(['B1-A-101', 'B1-A-102']);
    // Unit ids keep their published form: a holder change finds B1-A-101 by it.
    const sold = await call('PUT', '/compounds/keys-a/units/B1-A-101/holder', { token: bureau, body: { holding: 'owned', ownerId: 'O9', ownerName: 'Nine', registered: true } });
    expect(sold.status).toBe(200);
    expect(sold.json).toMatchObject({ unitId: 'B1-A-101', buildingId: 'B1-A', ownerId: 'O9' });
    expect((await call('GET', '/compounds/keys-a/owners/O9', { token: committee })).json.units.map((u: { unitId: string }) => u.unitId)).toEqual(['B1-A-101']);
  });

  test('two rows that make the same unit id from different buildings are refused with both lines named', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('keys-b') })).status).toBe(201);
    const refused = await importCsv('keys-b', ['B1,A-1,80,register,owned,O1,One,yes', 'B1-A,1,80,register,owned,O2,Two,yes']);
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([{ field: 'line 3: unit', reason: expect.stringMatching(/B1-A-1.*line 2/) }]);
  });
});

describe('roll versions and their events', () => {
  const chunkVersions = (compoundId: string) =>
    new Set(system.bus.log.filter((e) => e['detail-type'] === 'RollChunkPublished' && e.detail.metadata.compoundId === compoundId).map((e) => (e.detail.data as { rollVersion: number }).rollVersion));

  test('only the activated roll’s chunks are published: the import that lost the race publishes nothing, even after the outbox sweep', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('race-a') })).status).toBe(201);
    const csv = rollCsv(600);
    const results = await Promise.all([0, 1].map(() => call('POST', '/compounds/race-a/roll', { token: bureau, raw: csv, type: 'text/csv' })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const winner = results.find((r) => r.status === 201)!.json.rollVersion as number;
    await system.idle();
    clock.advance(10 * 60_000);
    await system.scheduler.fire('registry/outbox-sweep');
    await system.idle();
    expect([...chunkVersions('race-a')]).toEqual([winner]);
    const activated = system.bus.log.filter((e) => e['detail-type'] === 'RollActivated' && e.detail.metadata.compoundId === 'race-a');
    expect(activated.map((e) => (e.detail.data as { rollVersion: number }).rollVersion)).toEqual([winner]);
    expect(system.bus.log.filter((e) => e['detail-type'] === 'RollChunkPublished' && e.detail.metadata.compoundId === 'race-a')).toHaveLength(3);
  });
});

describe('what the parser accepts, the events accept; what is not UTF-8 is refused', () => {
  beforeAll(async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('limits-a') })).status).toBe(201);
  });

  test('an area above the events’ limit is a 422 naming the line, and nothing is written', async () => {
    const lines = rollCsv(600).trim().split('\n').slice(1);
    lines[549] = lines[549]!.replace(/,\d+\.\d+,/, ',20000000.00,');
    const refused = await importCsv('limits-a', lines);
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([{ field: 'line 551: area', reason: expect.stringMatching(/at most 10000000\.00/) }]);
    expect((await call('GET', '/compounds/limits-a', { token: bureau })).json).toMatchObject({ rollVersion: 0, unitCount: 0 });
    const edge = [...lines];
    edge[549] = lines[549]!.replace('20000000.00', '10000000.00');
    expect((await importCsv('limits-a', edge)).status).toBe(201);
  });

  test('a GB18030 (GBK) roll sent as text is refused with a 422 saying to save it as UTF-8, not stored as U+FFFD', async () => {
    const text = `${HEADER}\nB1,101,89.50,register,owned,O1,陈美,yes\nB1,102,80,register,owned,O2,林涛,yes\n`;
    const response = await fetch(`${system.url}/compounds/limits-a/roll`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bureau}`, 'content-type': 'text/csv' },
      body: gb18030(text),
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { errors: { field: string; reason: string }[] };
    expect(problem.errors).toEqual([{ field: 'line 2: encoding', reason: expect.stringMatching(/not UTF-8.*GB18030.*CSV UTF-8/) }]);
    const committee = await system.token(['committee:limits-a']);
    const units = await call('GET', '/compounds/limits-a/units?buildingId=B1', { token: committee });
    expect(units.json.items.some((u: { ownerName: string }) => u.ownerName.includes('\uFFFD'))).toBe(false);
    // The same roll in UTF-8 is taken, names intact.
    expect((await call('POST', '/compounds/limits-a/roll', { token: bureau, raw: text, type: 'text/csv' })).json.encoding).toBe('utf-8');
    const owner = await call('GET', '/compounds/limits-a/owners/O1', { token: committee });
    expect(owner.json.units[0].ownerName).toBe('陈美');
  });
});

describe('a registered unit counts with its registered area (SPC interpretation art. 8)', () => {
  test('a roll giving a registered unit a contract area is refused; a holder change cannot register a unit without its registered area', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('spc8-a') })).status).toBe(201);
    const refused = await importCsv('spc8-a', ['B1,101,80,register,owned,O1,A,yes', 'B1,102,80,contract,owned,O2,B,yes']);
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([{ field: 'line 3: area_source', reason: expect.stringMatching(/registered area/) }]);
    expect((await importCsv('spc8-a', ['B1,101,80,register,owned,O1,A,yes', 'B1,102,80,contract,sold_undelivered,O2,B,no'])).status).toBe(201);
    const registering = await call('PUT', '/compounds/spc8-a/units/B1-102/holder', { token: bureau, body: { holding: 'owned', ownerId: 'O2', registered: true } });
    expect(registering.status).toBe(422);
    expect(registering.json.errors).toEqual([{ field: 'body.registered', reason: expect.stringMatching(/contract/) }]);
    expect((await call('PUT', '/compounds/spc8-a/units/B1-102/holder', { token: bureau, body: { holding: 'owned', ownerId: 'O2', registered: false } })).status).toBe(200);
  });
});

describe('the roll as CSV: template, export, Chinese', () => {
  const allUnits = async (compoundId: string, token: string) => {
    const units: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await call('GET', `/compounds/${compoundId}/units?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { token });
      units.push(...page.json.items);
      cursor = page.json.nextCursor;
    } while (cursor);
    return units;
  };

  test('the template is public, UTF-8 with a BOM, the same as examples/, and imports as it is', async () => {
    for (const [lang, file] of [
      ['en', 'roll-template.csv'],
      ['zh', 'roll-template.zh.csv'],
    ] as const) {
      const response = await fetch(`${system.url}/roll/template.csv?lang=${lang}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(new TextDecoder().decode(bytes.slice(3))).toBe(readFileSync(join('examples', file), 'utf8'));
    }
    expect((await call('GET', '/roll/template.csv?lang=fr')).status).toBe(400);
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('tmpl-a', { developerId: 'dev-x' }) })).status).toBe(201);
    const imported = await call('POST', '/compounds/tmpl-a/roll', { token: bureau, raw: readFileSync('examples/roll-template.zh.csv', 'utf8'), type: 'text/csv' });
    expect(imported.status).toBe(201);
    expect(imported.json).toMatchObject({ unitCount: 4, ownerCount: 4 });
  });

  test('a roll in Chinese (headers and values) imports like the same roll in English', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('zh-a') })).status).toBe(201);
    const zh = '楼栋,房号,面积,面积来源,持有状态,业主编号,业主姓名,已登记\nB1,101,89.50,登记,已交付,O1,陈美,是\nB1,102,70,合同,未售,,,否\n';
    const imported = await call('POST', '/compounds/zh-a/roll', { token: bureau, raw: zh, type: 'text/csv' });
    expect(imported.status).toBe(201);
    const units = await allUnits('zh-a', bureau);
    expect(units).toEqual([
      { unitId: 'B1-101', buildingId: 'B1', area: 8950, areaSource: 'register', holding: 'owned', ownerId: 'O1', ownerName: '陈美', registered: true },
      { unitId: 'B1-102', buildingId: 'B1', area: 7000, areaSource: 'contract', holding: 'unsold', ownerId: 'DEV', ownerName: 'developer', registered: false },
    ]);
    const bad = await call('POST', '/compounds/zh-a/roll', { token: bureau, raw: zh.replace('是', '也许'), type: 'text/csv' });
    expect(bad.json.errors).toEqual([{ field: 'line 2: registered', reason: '"也许": yes (是) or no (否)' }]);
  });

  test('the export re-imports unchanged (English and Chinese), through toCsv, for the committee and officials only', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('export-a') })).status).toBe(201);
    const lines = rollCsv(300).trim().split('\n').slice(1);
    lines[3] = 'B01,004,80.00,register,owned,O4,=SUM(A1:A9),yes';
    lines[4] = 'B01,005,80.00,register,owned,O5,"Huang, Li ""Lily""",yes';
    lines[5] = 'B01,006,80.00,survey,owned,O6,@陈美,no';
    expect((await importCsv('export-a', lines)).status).toBe(201);
    const committee = await system.token(['committee:export-a']);
    const before = await allUnits('export-a', committee);

    const exported = await call('GET', '/compounds/export-a/roll.csv', { token: committee });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="export-a-roll-v1.csv"');
    const { header, rows } = formatRoll(before as RollUnit[], 'en');
    expect(exported.text).toBe(toCsv(header, rows)); // fetch's text() drops the BOM

    for (const lang of ['en', 'zh']) {
      const csv = (await call('GET', `/compounds/export-a/roll.csv?lang=${lang}`, { token: committee })).text;
      const reimported = await call('POST', '/compounds/export-a/roll', { token: bureau, raw: csv, type: 'text/csv' });
      expect(reimported.status).toBe(201);
      expect(await allUnits('export-a', committee)).toEqual(before);
    }
    expect((await call('GET', '/compounds/export-a/roll.csv', { token: await system.token(['owner:export-a:O5']) })).status).toBe(403);
    expect((await call('GET', '/compounds/export-a/roll.csv', { token: await system.token(['property:export-a']) })).status).toBe(403);
    expect((await call('GET', '/compounds/export-a/roll.csv', { token: await system.token(['committee:other']) })).status).toBe(403);
  });
});
