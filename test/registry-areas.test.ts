import type { LocalSystem } from '../infra/local/runtime';
import { client, compoundBody, startSystem } from './helpers';

/**
 * Who may register what where (issue: a district could place a compound under another district's
 * street and so give that street access). Every placement is read from the registry's own areas.
 */
let system: LocalSystem;
let call: ReturnType<typeof client>;
let bureau: string;

const post = (path: string, token: string, body: unknown) => call('POST', path, { token, body });
const ids = (items: Record<string, string>[], key: string) => items.map((i) => i[key]);

beforeAll(async () => {
  ({ system, call } = await startSystem());
  bureau = await system.token(['bureau'], 'bureau-1');
  // Two districts, each with a street and a community.
  expect((await post('/districts', bureau, { districtId: 'north', name: 'North District' })).status).toBe(201);
  expect((await post('/districts', bureau, { districtId: 'south', name: 'South District' })).status).toBe(201);
  expect((await post('/streets', bureau, { streetId: 'n-st', districtId: 'north', name: 'North Street' })).status).toBe(201);
  expect((await post('/streets', bureau, { streetId: 's-st', districtId: 'south', name: 'South Street' })).status).toBe(201);
  expect((await post('/communities', bureau, { communityId: 'n-k', streetId: 'n-st', name: 'North Community' })).status).toBe(201);
  expect((await post('/communities', bureau, { communityId: 's-k', streetId: 's-st', name: 'South Community' })).status).toBe(201);
});
afterAll(() => system.close());

describe('areas', () => {
  test('the bureau registers districts; a district office registers streets in its own district only', async () => {
    const north = await system.token(['district:north'], 'north-office');
    expect((await post('/districts', north, { districtId: 'east', name: 'East' })).status).toBe(403);
    expect((await post('/streets', north, { streetId: 'n-st2', districtId: 'north', name: 'Second North Street' })).status).toBe(201);
    expect((await post('/streets', north, { streetId: 'intruder', districtId: 'south', name: 'Planted' })).status).toBe(403);
    expect((await post('/streets', bureau, { streetId: 'x', districtId: 'nowhere', name: 'X' })).status).toBe(404);
    expect((await post('/streets', bureau, { streetId: 'n-st2', districtId: 'north', name: 'Again' })).status).toBe(409);
    const street = await system.token(['street:n-st']);
    expect((await post('/streets', street, { streetId: 'y', districtId: 'north', name: 'Y' })).status).toBe(403);
    await system.idle();
    const registered = system.bus.log.filter((e) => e['detail-type'] === 'AreaRegistered' && (e.detail.data as { areaId: string }).areaId === 'n-st2');
    expect(registered.map((e) => e.detail.data)).toEqual([{ kind: 'street', areaId: 'n-st2', name: 'Second North Street', districtId: 'north' }]);
    expect(registered[0]!.detail.metadata.actor).toBe('north-office');
  });

  test('communities go in a street: the bureau, the street’s district office or the street office; the district is the street’s', async () => {
    const northStreet = await system.token(['street:n-st']);
    const created = await post('/communities', northStreet, { communityId: 'n-k2', streetId: 'n-st', name: 'Lakeside' });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ communityId: 'n-k2', streetId: 'n-st', districtId: 'north', name: 'Lakeside' });
    expect((await post('/communities', northStreet, { communityId: 'planted', streetId: 's-st', name: 'Planted' })).status).toBe(403);
    const south = await system.token(['district:south']);
    expect((await post('/communities', south, { communityId: 'planted', streetId: 'n-st', name: 'Planted' })).status).toBe(403);
    expect((await post('/communities', south, { communityId: 's-k2', streetId: 's-st', name: 'Riverside' })).status).toBe(201);
    // A body may not claim a district: the community's district is read from its street.
    expect((await post('/communities', south, { communityId: 's-k3', streetId: 's-st', districtId: 'north', name: 'Claim' })).status).toBe(400);
    const community = await system.token(['community:n-k']);
    expect((await post('/communities', community, { communityId: 'z', streetId: 'n-st', name: 'Z' })).status).toBe(403);
  });

  test('area lists are scoped to the caller’s area', async () => {
    const north = await system.token(['district:north']);
    expect(ids((await call('GET', '/districts', { token: north })).json.items, 'districtId')).toEqual(['north']);
    expect(ids((await call('GET', '/districts', { token: bureau })).json.items, 'districtId')).toEqual(expect.arrayContaining(['north', 'south']));
    expect(ids((await call('GET', '/districts/north/streets', { token: north })).json.items, 'streetId')).toEqual(['n-st', 'n-st2']);
    expect((await call('GET', '/districts/south/streets', { token: north })).status).toBe(403);
    const inspector = await system.token(['inspector:n-st']);
    expect(ids((await call('GET', '/streets/n-st/communities', { token: inspector })).json.items, 'communityId')).toEqual(['n-k', 'n-k2']);
    expect((await call('GET', '/streets/s-st/communities', { token: inspector })).status).toBe(403);
    expect((await call('GET', '/districts', { token: await system.token(['street:n-st']) })).status).toBe(403);
  });
});

describe('compounds are placed from the registry’s areas, never from the body', () => {
  test('a district office cannot place a compound under another district’s street, nor give that street access', async () => {
    const north = await system.token(['district:north']);
    const planted = await post('/compounds', north, compoundBody('planted', { communityId: 's-k' }));
    expect(planted.status).toBe(403);
    // The old body (district and street given by the caller) is refused outright.
    const claimed = await post('/compounds', north, compoundBody('claimed', { communityId: 's-k', districtId: 'north', streetId: 's-st' }));
    expect(claimed.status).toBe(400);
    const southStreet = await system.token(['street:s-st']);
    expect((await call('GET', '/compounds/planted', { token: southStreet })).status).toBe(404);
    expect((await call('GET', '/compounds/claimed', { token: southStreet })).status).toBe(404);
  });

  test('the location is the community’s: street and district follow; the event carries them', async () => {
    const north = await system.token(['district:north']);
    const created = await post('/compounds', north, compoundBody('north-1', { communityId: 'n-k' }));
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ compoundId: 'north-1', districtId: 'north', streetId: 'n-st', communityId: 'n-k' });
    expect((await post('/compounds', north, compoundBody('ghost', { communityId: 'no-such' }))).status).toBe(404);
    await system.idle();
    const event = system.bus.log.find((e) => e['detail-type'] === 'CompoundRegistered' && e.detail.metadata.compoundId === 'north-1');
    expect((event!.detail.data as { location: unknown }).location).toEqual({ districtId: 'north', streetId: 'n-st', communityId: 'n-k' });
    const street = await system.token(['street:n-st']);
    expect((await call('GET', '/compounds/north-1', { token: street })).status).toBe(200);
    expect((await call('GET', '/compounds/north-1', { token: await system.token(['street:s-st']) })).status).toBe(403);
  });

  test('listing by street needs no district and returns full pages; callers stay inside their area', async () => {
    const northStreet = await system.token(['street:n-st']);
    for (const id of ['ns-1', 'ns-2', 'ns-3']) expect((await post('/compounds', northStreet, compoundBody(id, { communityId: 'n-k2' }))).status).toBe(201);
    expect((await post('/compounds', bureau, compoundBody('nst2-1', { communityId: 'n-k' }))).status).toBe(201);
    const south = await system.token(['district:south']);
    expect((await post('/compounds', south, compoundBody('ss-1', { communityId: 's-k2' }))).status).toBe(201);

    const first = await call('GET', '/compounds?streetId=n-st&limit=2', { token: bureau });
    expect(first.json.items).toHaveLength(2);
    const all = [...first.json.items];
    for (let cursor = first.json.nextCursor; cursor; ) {
      const next = await call('GET', `/compounds?streetId=n-st&limit=2&cursor=${cursor}`, { token: bureau });
      expect(next.json.items.length).toBeGreaterThan(0);
      all.push(...next.json.items);
      cursor = next.json.nextCursor;
    }
    expect(ids(all, 'compoundId').sort()).toEqual(['north-1', 'ns-1', 'ns-2', 'ns-3', 'nst2-1']);
    // A street office lists its own street without naming it, and nothing of another.
    expect(ids((await call('GET', '/compounds', { token: northStreet })).json.items, 'compoundId').sort()).toEqual(['north-1', 'ns-1', 'ns-2', 'ns-3', 'nst2-1']);
    expect((await call('GET', '/compounds?streetId=s-st', { token: northStreet })).status).toBe(403);
    expect((await call('GET', '/compounds?districtId=south', { token: northStreet })).status).toBe(403);
    // By community, and a community committee sees its own community.
    expect(ids((await call('GET', '/compounds?communityId=n-k2', { token: bureau })).json.items, 'compoundId')).toEqual(['ns-1', 'ns-2', 'ns-3']);
    const community = await system.token(['community:n-k']);
    expect(ids((await call('GET', '/compounds', { token: community })).json.items, 'compoundId').sort()).toEqual(['north-1', 'nst2-1']);
    // A street named with the wrong district is not found; an unknown street neither.
    expect((await call('GET', '/compounds?streetId=n-st&districtId=south', { token: bureau })).status).toBe(404);
    expect((await call('GET', '/compounds?streetId=nowhere', { token: bureau })).status).toBe(404);
    expect(ids((await call('GET', '/compounds', { token: south })).json.items, 'compoundId')).toEqual(['ss-1']);
  });
});

describe('copies of the registry kept by other services', () => {
  test('a copy lists a street’s compounds without its district', async () => {
    await system.idle();
    const { RegistryReadModel } = await import('../services/registry/kit/read-model');
    const { tableName } = await import('../libs/config');
    const compounds = await system.asService('elections', () => new RegistryReadModel(() => tableName('elections')).compoundsIn({ streetId: 'n-st' }));
    expect(compounds.map((c) => c.compoundId).sort()).toEqual(['north-1', 'ns-1', 'ns-2', 'ns-3', 'nst2-1']);
  });
});
