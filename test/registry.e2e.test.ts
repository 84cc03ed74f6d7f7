import { setPublisher } from '../libs/bus';
import { clock } from '../libs/clock';
import type { LocalSystem } from '../infra/local/runtime';
import { SignJWT } from 'jose';
import { client, compoundBody, registerAreas, rollCsv, startSystem } from './helpers';

let system: LocalSystem;
let call: ReturnType<typeof client>;
let bureau: string;

beforeAll(async () => {
  ({ system, call } = await startSystem());
  bureau = await system.token(['bureau'], 'bureau-1');
});
afterAll(() => system.close());

const events = (type: string) => system.bus.log.filter((e) => e['detail-type'] === type);

describe('front door', () => {
  test('health needs no token; OpenAPI lists every declared route', async () => {
    expect((await call('GET', '/health')).json.status).toBe('ok');
    const doc = (await call('GET', '/openapi.json')).json;
    expect(doc.openapi).toBe('3.1.0');
    for (const route of system.routes) {
      expect(doc.paths[route.path]?.[route.method.toLowerCase()]).toBeDefined();
    }
    expect(doc.paths['/compounds'].post.requestBody.content['application/json'].schema.properties.compoundId).toBeDefined();
  });

  test('unknown routes are 404 and known paths with other methods 405, as problems', async () => {
    const missing = await call('GET', '/no/such/thing', { token: bureau });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    const wrong = await call('DELETE', '/compounds', { token: bureau });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST, GET');
  });

  test('missing, forged and expired tokens are 401; a token without the role is 403', async () => {
    expect((await call('GET', '/compounds')).status).toBe(401);
    const forged = await new SignJWT({ 'custom:grants': 'bureau' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer('gongzhi-local')
      .setAudience('gongzhi')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-local-key-not-the-local-key'));
    expect((await call('GET', '/compounds', { token: forged })).status).toBe(401);
    const expired = await system.token(['bureau'], 'late', Math.floor(Date.now() / 1000) - 60);
    const refused = await call('GET', '/compounds', { token: expired });
    expect(refused.status).toBe(401);
    expect(refused.json.detail).toMatch(/exp/);
    const owner = await system.token(['owner:C1:O1']);
    expect((await call('GET', '/compounds', { token: owner })).status).toBe(403);
  });
});

describe('compounds', () => {
  test('the bureau registers a compound; the event is published', async () => {
    const created = await call('POST', '/compounds', { token: bureau, body: compoundBody('reg-a') });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ compoundId: 'reg-a', rollVersion: 0, unitCount: 0 });
    await system.idle();
    const [event] = events('CompoundRegistered').filter((e) => e.detail.metadata.compoundId === 'reg-a');
    expect(event?.detail.data).toMatchObject({ compoundId: 'reg-a', location: { districtId: 'D1', streetId: 'S1', communityId: 'K1' } });
    expect(event?.detail.metadata.actor).toBe('bureau-1');
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('reg-a') })).status).toBe(409);
  });

  test('a street office registers only in its own street', async () => {
    await registerAreas(system, [{ districtId: 'D1', streetId: 'S2', communityId: 'K2' }]);
    const street = await system.token(['street:S1']);
    expect((await call('POST', '/compounds', { token: street, body: compoundBody('reg-s1') })).status).toBe(201);
    const other = await call('POST', '/compounds', { token: street, body: compoundBody('reg-s2', { communityId: 'K2' }) });
    expect(other.status).toBe(403);
    expect((await call('GET', '/compounds/reg-s2', { token: bureau })).status).toBe(404);
  });

  test('bad bodies are 4xx with a field-level reason and write nothing', async () => {
    const malformed = await call('POST', '/compounds', { token: bureau, raw: '{"compoundId": "x",' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors[0].field).toBe('body');
    const unknown = await call('POST', '/compounds', { token: bureau, body: compoundBody('reg-u', { colour: 'red' }) });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors).toEqual([{ field: 'body', reason: expect.stringMatching(/colour/) }]);
    const wrongType = await call('POST', '/compounds', { token: bureau, body: compoundBody('reg-u', { name: 42 }) });
    expect(wrongType.json.errors).toEqual([{ field: 'body.name', reason: expect.any(String) }]);
    const notJson = await call('POST', '/compounds', { token: bureau, raw: 'compoundId=x', type: 'application/x-www-form-urlencoded' });
    expect(notJson.status).toBe(415);
    const huge = await call('POST', '/compounds', { token: bureau, body: compoundBody('reg-u', { name: 'x'.repeat(300_000) }) });
    expect(huge.status).toBe(413);
    const tooBig = await call('POST', '/compounds', { token: bureau, raw: 'x'.repeat(11 * 1024 * 1024) });
    expect(tooBig.status).toBe(413);
    expect((await call('GET', '/compounds/reg-u', { token: bureau })).status).toBe(404);
  });

  test('lists are paginated and scoped to the caller', async () => {
    await registerAreas(system, [{ districtId: 'D9', streetId: 'S9', communityId: 'K9' }]);
    for (const id of ['reg-p1', 'reg-p2', 'reg-p3']) await call('POST', '/compounds', { token: bureau, body: compoundBody(id, { communityId: 'K9' }) });
    const first = await call('GET', '/compounds?districtId=D9&limit=2', { token: bureau });
    expect(first.json.items).toHaveLength(2);
    const second = await call('GET', `/compounds?districtId=D9&limit=2&cursor=${first.json.nextCursor}`, { token: bureau });
    expect(second.json.items.map((c: { compoundId: string }) => c.compoundId)).toEqual(['reg-p3']);
    expect(second.json.nextCursor).toBeUndefined();
    const district = await system.token(['district:D9']);
    expect((await call('GET', '/compounds', { token: district })).json.items).toHaveLength(3);
    expect((await call('GET', '/compounds?districtId=D1', { token: district })).status).toBe(403);
    expect((await call('GET', '/compounds?cursor=garbage', { token: bureau })).status).toBe(400);
    expect((await call('GET', '/compounds?limit=0', { token: bureau })).status).toBe(400);
    expect((await call('GET', '/compounds?limit=2&sort=name', { token: bureau })).status).toBe(400);
  });
});

describe('the roll', () => {
  const csv = rollCsv(2000);
  const expectedArea = csv
    .trim()
    .split('\n')
    .slice(1)
    .reduce((sum, line) => {
      const [whole, fraction] = line.split(',')[2]!.split('.');
      return sum + Number(whole) * 100 + Number(fraction);
    }, 0);

  beforeAll(async () => {
    await call('POST', '/compounds', { token: bureau, body: compoundBody('roll-a') });
  });

  test('a 2,000-unit roll imports whole; totals are exact; chunks and activation are published', async () => {
    const street = await system.token(['street:S1']);
    const imported = await call('POST', '/compounds/roll-a/roll', { token: street, raw: csv, type: 'text/csv' });
    expect(imported.status).toBe(201);
    expect(imported.json).toMatchObject({ rollVersion: 1, unitCount: 2000, totalArea: expectedArea });
    expect(imported.json.ownerCount).toBe(2000 - 50 - 3 + 1); // 50 unsold → developer; O1 holds 4 units
    await system.idle();
    const chunks = events('RollChunkPublished').filter((e) => e.detail.metadata.compoundId === 'roll-a');
    expect(chunks).toHaveLength(8);
    const units = chunks.flatMap((e) => (e.detail.data as { units: unknown[] }).units);
    expect(units).toHaveLength(2000);
    const [activated] = events('RollActivated').filter((e) => e.detail.metadata.compoundId === 'roll-a');
    expect(activated?.detail.data).toEqual({ compoundId: 'roll-a', rollVersion: 1, chunkCount: 8, unitCount: 2000, totalArea: expectedArea });
  });

  test('a roll with bad rows is refused whole, with a per-row report', async () => {
    const lines = csv.trim().split('\n');
    lines[10] = lines[10]!.replace('register', 'guess');
    lines[1500] = lines[1500]!.replace(/,\d+\.\d+,/, ',-5,');
    const refused = await call('POST', '/compounds/roll-a/roll', { token: bureau, raw: lines.join('\n'), type: 'text/csv' });
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([
      { field: 'line 11: area_source', reason: expect.any(String) },
      { field: 'line 1501: area', reason: expect.any(String) },
    ]);
    const compound = await call('GET', '/compounds/roll-a', { token: bureau });
    expect(compound.json).toMatchObject({ rollVersion: 1, unitCount: 2000 });
    expect((await call('POST', '/compounds/roll-a/roll', { token: bureau, raw: csv, type: 'application/json' })).status).toBe(415);
    const committee = await system.token(['committee:roll-a']);
    expect((await call('POST', '/compounds/roll-a/roll', { token: committee, raw: csv, type: 'text/csv' })).status).toBe(403);
  });

  test('units page through the whole roll', async () => {
    const committee = await system.token(['committee:roll-a']);
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call('GET', `/compounds/roll-a/units?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { token: committee });
      expect(page.status).toBe(200);
      page.json.items.forEach((u: { unitId: string }) => seen.add(u.unitId));
      cursor = page.json.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen.size).toBe(2000);
    const building = await call('GET', '/compounds/roll-a/units?buildingId=B03&limit=500', { token: committee });
    expect(building.json.items).toHaveLength(100);
    const outsider = await system.token(['committee:roll-b']);
    expect((await call('GET', '/compounds/roll-a/units', { token: outsider })).status).toBe(403);
  });

  test("an owner sees their own units only; the committee sees anyone's", async () => {
    const owner = await system.token(['owner:roll-a:O1']);
    const mine = await call('GET', '/compounds/roll-a/owners/O1', { token: owner });
    expect(mine.status).toBe(200);
    expect(mine.json.units.map((u: { unitId: string }) => u.unitId)).toEqual(['B01-001', 'B06-001', 'B11-001', 'B16-001']);
    expect(mine.json.totalArea).toBe(mine.json.units.reduce((s: number, u: { area: number }) => s + u.area, 0));
    expect((await call('GET', '/compounds/roll-a/owners/O2', { token: owner })).status).toBe(403);
    const committee = await system.token(['committee:roll-a']);
    expect((await call('GET', '/compounds/roll-a/owners/O2', { token: committee })).status).toBe(200);
    expect((await call('GET', '/compounds/roll-a/owners/nobody', { token: committee })).status).toBe(404);
  });

  test('selling an unsold unit changes its holder and publishes the change', async () => {
    const community = await system.token(['community:K1'], 'community-officer');
    const sold = await call('PUT', '/compounds/roll-a/units/B01-040/holder', {
      token: community,
      body: { holding: 'sold_undelivered', ownerId: 'O9001', ownerName: 'New Buyer', registered: false },
    });
    expect(sold.status).toBe(200);
    expect(sold.json).toMatchObject({ unitId: 'B01-040', holding: 'sold_undelivered', ownerId: 'O9001' });
    await system.idle();
    const [changed] = events('UnitHolderChanged');
    expect(changed?.detail.data).toMatchObject({ previousOwnerId: 'DEV', unit: { unitId: 'B01-040', ownerId: 'O9001', holding: 'sold_undelivered' } });
    const owned = await call('PUT', '/compounds/roll-a/units/B01-041/holder', { token: community, body: { holding: 'owned', registered: true } });
    expect(owned.status).toBe(422);
    const toDeveloper = await call('PUT', '/compounds/roll-a/units/B01-041/holder', { token: community, body: { holding: 'owned', ownerId: 'DEV', registered: true } });
    expect(toDeveloper.status).toBe(422);
    expect((await call('PUT', '/compounds/roll-a/units/B99-999/holder', { token: community, body: { holding: 'unsold', registered: false } })).status).toBe(404);
  });
});

describe('grid roles and idempotent POSTs', () => {
  beforeAll(async () => {
    await call('POST', '/compounds', { token: bureau, body: compoundBody('grid-a') });
    await call('POST', '/compounds/grid-a/roll', { token: bureau, raw: rollCsv(200), type: 'text/csv' });
  });

  test('a retried POST with the same Idempotency-Key returns the first result and writes nothing twice', async () => {
    const community = await system.token(['community:K1'], 'officer-7');
    const body = { role: 'building_head', personId: 'P1', name: 'Wang Fang', buildingId: 'B01' };
    const headers = { 'idempotency-key': 'assign-P1-B01' };
    const first = await call('POST', '/compounds/grid-a/grid-roles', { token: community, body, headers });
    const again = await call('POST', '/compounds/grid-a/grid-roles', { token: community, body, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const reused = await call('POST', '/compounds/grid-a/grid-roles', { token: community, body: { ...body, name: 'Someone Else' }, headers });
    expect(reused.status).toBe(422);
    // Without the key the same assignment is a plain conflict.
    expect((await call('POST', '/compounds/grid-a/grid-roles', { token: community, body })).status).toBe(409);
    await system.idle();
    expect(events('GridRoleAssigned').filter((e) => e.detail.metadata.compoundId === 'grid-a')).toHaveLength(1);
    const list = await call('GET', '/compounds/grid-a/grid-roles', { token: await system.token(['owner:grid-a:O5']) });
    expect(list.json.items).toEqual([expect.objectContaining({ role: 'building_head', personId: 'P1', buildingId: 'B01' })]);
  });

  test('parallel retries with one key create one record', async () => {
    const street = await system.token(['street:S1'], 'street-officer');
    const body = { role: 'volunteer', personId: 'P2', name: 'Li Na' };
    const results = await Promise.all(Array.from({ length: 10 }, () => call('POST', '/compounds/grid-a/grid-roles', { token: street, body, headers: { 'idempotency-key': 'vol-P2' } })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    await system.idle();
    expect(events('GridRoleAssigned').filter((e) => (e.detail.data as { personId: string }).personId === 'P2')).toHaveLength(1);
  });

  test('grid roles are checked against the roll', async () => {
    const street = await system.token(['street:S1']);
    expect((await call('POST', '/compounds/grid-a/grid-roles', { token: street, body: { role: 'building_head', personId: 'P3', name: 'Zhou' } })).status).toBe(422);
    expect((await call('POST', '/compounds/grid-a/grid-roles', { token: street, body: { role: 'building_head', personId: 'P3', name: 'Zhou', buildingId: 'B77' } })).status).toBe(422);
    const buildings = await call('GET', '/compounds/grid-a/buildings', { token: street });
    expect(buildings.json.items).toEqual([
      { buildingId: 'B01', unitCount: 100 },
      { buildingId: 'B02', unitCount: 100 },
    ]);
  });
});

describe('the outbox', () => {
  test('a crash between the write and the publish loses no event: the sweep republishes it once', async () => {
    setPublisher(async () => {
      throw new Error('EventBridge is unreachable');
    });
    const created = await call('POST', '/compounds', { token: bureau, body: compoundBody('outbox-a') });
    setPublisher((e) => system.bus.put(e));
    expect(created.status).toBe(201);
    const registered = () => events('CompoundRegistered').filter((e) => e.detail.metadata.compoundId === 'outbox-a');
    expect(registered()).toHaveLength(0);

    // Too fresh for the sweep: a concurrent request may still be publishing it.
    await system.scheduler.fire('registry/outbox-sweep');
    expect(registered()).toHaveLength(0);

    clock.advance(2 * 60_000);
    const swept = (await system.scheduler.fire('registry/outbox-sweep')) as { events: number };
    expect(swept.events).toBeGreaterThanOrEqual(1);
    await system.scheduler.fire('registry/outbox-sweep');
    await system.idle();
    expect(registered()).toHaveLength(1);
  });
});
