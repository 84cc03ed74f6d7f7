import type { DeliveredEvent } from '../events/envelope';
import { clock } from '../libs/clock';
import type { LocalSystem } from '../infra/local/runtime';
import { POOL_COLUMNS } from '../services/elections/domain/pool';
import { client, compoundBody, registerAreas, startSystem } from './helpers';

/**
 * The reserve pool at city scale: bulk import (all rows or none, per-line report), search by name,
 * compound, street, community, status and attributes, counts per street, and every read and write
 * held to the caller's area by where the compounds are on record.
 */
let system: LocalSystem;
let call: ReturnType<typeof client>;
let bureau: string;
let s1: string;
let k2: string;
const received: DeliveredEvent[] = [];
const header = POOL_COLUMNS.join(',');

/** `count` people of street S1: every third a party member, every fifth a branch secretary; vetted for p-a (K1) or p-b (K2). */
function poolCsv(prefix: string, count: number, compound = (i: number) => (i % 2 ? 'p-a' : 'p-b')): string {
  const lines = [header];
  for (let i = 1; i <= count; i++) lines.push(`${prefix}${i},${i % 7 === 0 ? 'Zhang' : 'Li'} ${prefix}${i},${compound(i)},${i % 3 === 0 ? 'yes' : 'no'},${i % 5 === 0 ? 'yes' : ''},,,,,`);
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  clock.reset();
  ({ system, call } = await startSystem());
  system.bus.subscribe({ target: 'probe', pattern: { source: ['gongzhi.elections'] }, invoke: async (e) => void received.push(e) });
  bureau = await system.token(['bureau'], 'bureau');
  s1 = await system.token(['street:S1'], 's1');
  k2 = await system.token(['community:K2'], 'k2');
  await registerAreas(system, [
    { districtId: 'D1', streetId: 'S1', communityId: 'K2' },
    { districtId: 'D2', streetId: 'S5', communityId: 'K5' },
  ]);
  for (const [compoundId, location] of [
    ['p-a', { communityId: 'K1' }],
    ['p-b', { communityId: 'K2' }],
    ['p-c', { communityId: 'K5' }],
  ] as const) {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody(compoundId, location) })).status).toBe(201);
  }
  await system.idle();
});
afterAll(async () => {
  await system.close();
  clock.reset();
});

test('a file with bad lines is refused whole, line by line', async () => {
  const bad = `${header}\nQ1,Wang Wu,p-a,yes,,,,,,\nQ2,,p-a,,,,,,,\nQ3,Zhao,p-c,,,,,,,\nQ4,Qian,nowhere,,,,,,,\nQ1,Again,p-a,,,,,,,\n`;
  const refused = await call('POST', '/pool/import?importId=bad-1', { token: s1, raw: bad, type: 'text/csv' });
  expect(refused.status).toBe(422);
  expect(refused.json.errors).toEqual([
    { field: 'line 3: name', reason: 'required, at most 100 characters' },
    { field: 'line 6: person_id', reason: 'Q1 already appears on line 2' },
  ]);
  // Format fine, but one compound outside the street and one unknown: refused too, nothing written.
  const outside = await call('POST', '/pool/import?importId=bad-2', { token: s1, raw: `${header}\nQ1,Wang Wu,p-a,yes,,,,,,\nQ3,Zhao,p-c,,,,,,,\nQ4,Qian,nowhere,,,,,,,\n`, type: 'text/csv' });
  expect(outside.status).toBe(422);
  expect(outside.json.errors).toEqual([
    { field: 'line 3: compounds', reason: 'outside your area: p-c' },
    { field: 'line 4: compounds', reason: 'unknown compounds: nowhere' },
  ]);
  expect((await call('GET', '/pool?name=wang', { token: bureau })).json.items).toEqual([]);
});

test('an import of 120 people: all in, one event, a retry changes nothing, another file under the same id is refused', async () => {
  const csv = poolCsv('S1P', 120);
  const imported = await call('POST', '/pool/import?importId=s1-2026', { token: s1, raw: csv, type: 'text/csv' });
  expect(imported.status).toBe(201);
  expect(imported.json).toMatchObject({ imported: 120, districtId: 'D1', streetId: 'S1' });
  expect((await call('POST', '/pool/import?importId=s1-2026', { token: s1, raw: csv, type: 'text/csv' })).status).toBe(201);
  expect((await call('POST', '/pool/import?importId=s1-2026', { token: s1, raw: poolCsv('S1X', 2), type: 'text/csv' })).status).toBe(409);
  // Someone already in the pool makes the whole file fail.
  const overlap = await call('POST', '/pool/import?importId=s1-2027', { token: s1, raw: `${header}\nS1P7,Zhang S1P7,p-a,,,,,,,\nNEW1,New One,p-a,,,,,,,\n`, type: 'text/csv' });
  expect(overlap.status).toBe(422);
  expect(overlap.json.errors).toEqual([{ field: 'line 2: person_id', reason: 'S1P7 is already in the pool' }]);
  await system.idle();
  expect(received.filter((e) => e['detail-type'] === 'PoolImported').map((e) => e.detail.data)).toEqual([expect.objectContaining({ importId: 's1-2026', count: 120, streetId: 'S1' })]);
  // A community imports only for compounds in its community.
  const k1 = await system.token(['community:K1'], 'k1');
  expect((await call('POST', '/pool/import?importId=k1-a', { token: k1, raw: `${header}\nK1P1,Sun,p-b,,,,,,,\n`, type: 'text/csv' })).json.errors).toEqual([
    { field: 'line 2: compounds', reason: 'outside your area: p-b' },
  ]);
  const s5 = await system.token(['street:S5'], 's5');
  expect((await call('POST', '/pool', { token: s5, body: { personId: 'S5P1', name: 'Zhang Far', attributes: { partyMember: true }, compounds: ['p-c'] } })).status).toBe(201);
  await system.idle();
});

test('search by name, compound, attributes and status, a page at a time, each person once', async () => {
  const all: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await call('GET', `/pool?limit=25${cursor ? `&cursor=${cursor}` : ''}`, { token: s1 });
    expect(page.json.items.length).toBeLessThanOrEqual(25);
    all.push(...page.json.items.map((p: { personId: string }) => p.personId));
    cursor = page.json.nextCursor;
  } while (cursor);
  expect(all).toHaveLength(120);
  expect(new Set(all).size).toBe(120);

  const zhang = (await call('GET', '/pool?name=ZHANG&limit=500', { token: s1 })).json.items;
  expect(zhang.map((p: { personId: string }) => p.personId).sort()).toEqual(Array.from({ length: 17 }, (_, i) => `S1P${(i + 1) * 7}`).sort());
  const secretariesOfPA = (await call('GET', '/pool?compoundId=p-a&partyBranchSecretary=true&limit=500', { token: s1 })).json.items;
  expect(secretariesOfPA).toHaveLength(12); // odd multiples of 5 up to 120
  const partyK2 = (await call('GET', '/pool?partyMember=true&communityId=K2&limit=500', { token: s1 })).json.items;
  expect(partyK2).toHaveLength(20); // even multiples of 3
  expect((await call('GET', '/pool?status=serving', { token: s1 })).json.items).toEqual([]);
  // Sparse filters still page correctly: limit 3 over the 17 Zhangs.
  let found = 0;
  cursor = undefined;
  do {
    const page = await call('GET', `/pool?name=zhang&limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: s1 });
    found += page.json.items.length;
    cursor = page.json.nextCursor;
  } while (cursor);
  expect(found).toBe(17);
});

test('each caller reads only their area; counts come per street', async () => {
  // Community K2: only people vetted within K2 (the p-b compound's community).
  const ownCommunity = (await call('GET', '/pool?limit=500', { token: k2 })).json.items;
  expect(ownCommunity).toHaveLength(60);
  expect(ownCommunity.every((p: { communityId: string }) => p.communityId === 'K2')).toBe(true);
  expect((await call('GET', '/pool?communityId=K1', { token: k2 })).status).toBe(403);
  expect((await call('GET', '/pool?streetId=S5', { token: s1 })).status).toBe(403);
  const d2 = await system.token(['district:D2'], 'd2');
  expect((await call('GET', '/pool?name=zhang&limit=500', { token: d2 })).json.items.map((p: { personId: string }) => p.personId)).toEqual(['S5P1']);
  expect((await call('GET', '/pool?districtId=D1', { token: d2 })).status).toBe(403);

  const city = (await call('GET', '/pool/counts', { token: bureau })).json;
  expect(city).toMatchObject({ total: 121, available: 121, partyMembers: 41, partyBranchSecretaries: 24 });
  expect(city.streets.map((s: { streetId: string; total: number }) => [s.streetId, s.total])).toEqual([
    ['S1', 120],
    ['S5', 1],
  ]);
  expect((await call('GET', '/pool/counts', { token: s1 })).json).toMatchObject({ total: 120, streets: [expect.objectContaining({ streetId: 'S1' })] });
  expect((await call('GET', '/pool/counts?districtId=D1', { token: d2 })).status).toBe(403);

  // Suspending is for the person's own street or community.
  expect((await call('PUT', '/pool/S5P1/status', { token: s1, body: { status: 'suspended', reason: 'not ours to suspend' } })).status).toBe(403);
  expect((await call('PUT', '/pool/S1P1/status', { token: s1, body: { status: 'suspended', reason: 'moved out of the city' } })).status).toBe(200);
  await system.idle();
  expect((await call('GET', '/pool/counts', { token: s1 })).json).toMatchObject({ total: 120, available: 119, suspended: 1 });
});
