import type { LocalSystem } from '../infra/local/runtime';
import { clock } from '../libs/clock';
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
const importCsv = (compoundId: string, lines: string[], token = bureau) =>
  call('POST', `/compounds/${compoundId}/roll`, { token, raw: `${[HEADER, ...lines].join('\n')}\n`, type: 'text/csv' });

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
    new Set(
      system.bus.log
        .filter((e) => e['detail-type'] === 'RollChunkPublished' && e.detail.metadata.compoundId === compoundId)
        .map((e) => (e.detail.data as { rollVersion: number }).rollVersion),
    );

  test('only the activated roll’s chunks are published: the import that lost the race publishes nothing, even after the outbox sweep', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('race-a') })).status).toBe(201);
    const csv = rollCsv(1000);
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
    expect(system.bus.log.filter((e) => e['detail-type'] === 'RollChunkPublished' && e.detail.metadata.compoundId === 'race-a')).toHaveLength(4);
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
