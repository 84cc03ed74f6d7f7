import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalSystem } from '../infra/local/runtime';
import { installLocalUserDirectory, localGrantsOf, localUserDirectory } from '../infra/local/users';
import { setUserDirectory, type UserDirectory } from '../services/access/directory';
import { client, compoundBody, registerAreas, startSystem } from './helpers';

let system: LocalSystem;
let call: ReturnType<typeof client>;
let bureau: string;
let streetS1: string;
let streetS2: string;
let directory: ReturnType<typeof localUserDirectory>;

beforeAll(async () => {
  ({ system, call } = await startSystem());
  directory = installLocalUserDirectory();
  bureau = await system.token(['bureau'], 'bureau-1');
  streetS1 = await system.token(['street:S1'], 'street-office-s1');
  streetS2 = await system.token(['street:S2'], 'street-office-s2');
  // A compound lies in a registered community; its street and district are the community's.
  await registerAreas(system, [{ districtId: 'D1', streetId: 'S2', communityId: 'K9' }]);
  for (const [compoundId, communityId] of [
    ['AC1', 'K1'],
    ['AC2', 'K1'],
    ['AC9', 'K9'],
  ]) {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody(compoundId!, { communityId }) })).status).toBe(201);
  }
  await system.idle();
});
afterAll(async () => {
  setUserDirectory(undefined);
  await system.close();
});

const put = (token: string, userId: string, grant: string) => call('PUT', `/users/${userId}/grants/${grant}`, { token });
const del = (token: string, userId: string, grant: string) => call('DELETE', `/users/${userId}/grants/${grant}`, { token });
const events = (type: string) => system.bus.log.filter((e) => e['detail-type'] === type);

describe('assigning and revoking grants', () => {
  test('the bureau assigns a grant: recorded, an event, in the user directory, and the token issued from it works', async () => {
    const assigned = await put(bureau, 'u-chair', 'committee:AC1');
    expect(assigned.status).toBe(201);
    expect(assigned.json).toMatchObject({ userId: 'u-chair', grant: 'committee:AC1', area: 'street:S1', status: 'active', assignedBy: 'bureau-1' });
    expect(assigned.headers.get('location')).toBe('/users/u-chair/grants/committee%3AAC1');
    expect(directory.grantsOf('u-chair')).toEqual(['committee:AC1']);
    await system.idle();
    const event = events('GrantAssigned').find((e) => (e.detail.data as { userId: string }).userId === 'u-chair')!;
    expect(event.detail.metadata).toMatchObject({ compoundId: 'AC1', actor: 'bureau-1' });
    expect(event.detail.data).toEqual({ userId: 'u-chair', grant: 'committee:AC1', area: 'street:S1' });

    // What the local issuer would sign from the directory: a token that can act as AC1's committee.
    const token = await system.token(directory.grantsOf('u-chair')!, 'u-chair');
    expect((await call('GET', '/compounds/AC1/audit', { token })).status).toBe(200);
    expect((await call('GET', '/compounds/AC2/audit', { token })).status).toBe(403);

    // The change is in the compound's audit trail.
    const audit = await call('GET', '/compounds/AC1/audit?service=access', { token: bureau });
    expect(audit.json.items.map((r: { type: string }) => r.type)).toContain('GrantAssigned');
  });

  test('assigning again is 200 with the first record and no second event; a percent-encoded grant is the same grant', async () => {
    await put(bureau, 'u-twice', 'property:AC1');
    await system.idle();
    const before = events('GrantAssigned').length;
    const again = await call('PUT', '/users/u-twice/grants/property%3AAC1', { token: bureau });
    expect(again.status).toBe(200);
    expect(again.json.grant).toBe('property:AC1');
    await system.idle();
    expect(events('GrantAssigned')).toHaveLength(before);
  });

  test('a street office manages compound and community grants in its street only, and never official roles', async () => {
    expect((await put(streetS1, 'u-owner', 'owner:AC2:O7')).status).toBe(201);
    expect((await put(streetS1, 'u-resident-cttee', 'community:K1')).status).toBe(201);
    expect((await put(streetS1, 'u-pm', 'property:AC1')).status).toBe(201);
    for (const grant of ['committee:AC9', 'community:K9']) {
      const refused = await put(streetS1, 'u-x', grant);
      expect(refused.status).toBe(403);
      expect(refused.json.detail).toMatch(/outside your street/);
    }
    for (const grant of ['street:S1', 'inspector:S1', 'district:D1', 'department:police', 'bureau']) {
      const refused = await put(streetS1, 'u-x', grant);
      expect(refused.status).toBe(403);
      expect(refused.json.detail).toMatch(/may not manage/);
    }
    expect((await put(streetS2, 'u-x', 'committee:AC9')).status).toBe(201);
    expect(directory.grantsOf('u-owner')).toEqual(['owner:AC2:O7']);
  });

  test('nobody changes their own grants', async () => {
    const refused = await put(streetS1, 'street-office-s1', 'community:K1');
    expect(refused.status).toBe(403);
    expect(refused.json.detail).toMatch(/own grants/);
  });

  test('other roles may not call the routes; a bad grant is 400; an unknown compound or community 404', async () => {
    const committee = await system.token(['committee:AC1'], 'c-1');
    expect((await put(committee, 'u-y', 'owner:AC1:O1')).status).toBe(403);
    expect((await call('GET', '/users/u-y/grants', { token: committee })).status).toBe(403);
    const bad = await put(bureau, 'u-y', 'mayor:AC1');
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([expect.objectContaining({ field: 'path.grant' })]);
    expect((await put(bureau, 'u-y', 'owner:AC1')).status).toBe(400);
    expect((await put(bureau, 'u-y', 'committee:NOPE')).status).toBe(404);
    expect((await put(bureau, 'u-y', 'community:NOPE')).status).toBe(404);
    expect((await put(bureau, 'bad user!', 'committee:AC1')).status).toBe(400);
  });

  test('revoking: 204, an event, out of the directory; again 204; never held 404; assigning again brings it back', async () => {
    await put(bureau, 'u-rev', 'committee:AC1');
    await put(bureau, 'u-rev', 'owner:AC1:O3');
    expect(directory.grantsOf('u-rev')).toEqual(['committee:AC1', 'owner:AC1:O3']);
    expect((await del(streetS1, 'u-rev', 'committee:AC1')).status).toBe(204);
    expect(directory.grantsOf('u-rev')).toEqual(['owner:AC1:O3']);
    await system.idle();
    expect(events('GrantRevoked').at(-1)!.detail).toMatchObject({ metadata: { compoundId: 'AC1', actor: 'street-office-s1' }, data: { userId: 'u-rev', grant: 'committee:AC1' } });
    expect((await del(streetS1, 'u-rev', 'committee:AC1')).status).toBe(204);
    expect((await del(bureau, 'u-rev', 'property:AC1')).status).toBe(404);
    expect((await del(streetS2, 'u-rev', 'owner:AC1:O3')).status).toBe(403);
    const grants = await call('GET', '/users/u-rev/grants', { token: bureau });
    expect(grants.json.items.map((r: { grant: string }) => r.grant)).toEqual(['owner:AC1:O3']);
    expect((await put(bureau, 'u-rev', 'committee:AC1')).status).toBe(201);
    expect(directory.grantsOf('u-rev')).toEqual(['committee:AC1', 'owner:AC1:O3']);
  });

  test("a user's grants: the bureau sees all, a street office those in its street", async () => {
    await put(bureau, 'u-both', 'committee:AC1');
    await put(bureau, 'u-both', 'committee:AC9');
    await put(bureau, 'u-both', 'department:police');
    const all = await call('GET', '/users/u-both/grants', { token: bureau });
    expect(all.json.items.map((r: { grant: string }) => r.grant).sort()).toEqual(['committee:AC1', 'committee:AC9', 'department:police']);
    const s1 = await call('GET', '/users/u-both/grants', { token: streetS1 });
    expect(s1.json.items.map((r: { grant: string }) => r.grant)).toEqual(['committee:AC1']);
  });
});

describe('who holds grants in an area', () => {
  test('by street, by compound, by community; paginated; a street office sees its own street only', async () => {
    await put(bureau, 'u-list-1', 'owner:AC2:O1');
    await put(bureau, 'u-list-2', 'owner:AC2:O2');
    await put(bureau, 'u-list-3', 'committee:AC2');
    const compound = await call('GET', '/users?compoundId=AC2', { token: streetS1 });
    expect(compound.status).toBe(200);
    expect(compound.json.area).toBe('street:S1');
    const users = compound.json.items.map((r: { userId: string }) => r.userId);
    expect(users).toEqual(expect.arrayContaining(['u-list-1', 'u-list-2', 'u-list-3']));
    expect(compound.json.items.every((r: { grant: string }) => r.grant.includes(':AC2'))).toBe(true);

    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call('GET', `/users?compoundId=AC2&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: bureau });
      expect(page.json.items.length).toBeLessThanOrEqual(2);
      pages.push(...page.json.items.map((r: { userId: string; grant: string }) => `${r.userId} ${r.grant}`));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(pages).toEqual(compound.json.items.map((r: { userId: string; grant: string }) => `${r.userId} ${r.grant}`));

    const community = await call('GET', '/users?communityId=K1', { token: streetS1 });
    expect(community.json.items.every((r: { grant: string }) => r.grant.startsWith('community:K1'))).toBe(true);
    const ownStreet = await call('GET', '/users', { token: streetS1 });
    expect(ownStreet.json.area).toBe('street:S1');
    expect(ownStreet.json.items.length).toBeGreaterThan(compound.json.items.length);

    expect((await call('GET', '/users?streetId=S2', { token: streetS1 })).status).toBe(403);
    expect((await call('GET', '/users?compoundId=AC9', { token: streetS1 })).status).toBe(403);
    expect((await call('GET', '/users?districtId=D1', { token: streetS1 })).status).toBe(403);
    const city = await call('GET', '/users', { token: bureau });
    expect(city.json.area).toBe('city');
    expect(city.json.items.map((r: { grant: string }) => r.grant)).toContain('department:police');
    // A revoked grant leaves the lists.
    await del(bureau, 'u-list-3', 'committee:AC2');
    const after = await call('GET', '/users?compoundId=AC2', { token: bureau });
    expect(after.json.items.map((r: { userId: string }) => r.userId)).not.toContain('u-list-3');
  });
});

describe('the user directory', () => {
  test('a directory that fails leaves the grant recorded and answers 503; the same request again passes it on', async () => {
    let failures = 1;
    const flaky: UserDirectory = {
      async setGrants(userId, grants) {
        if (failures-- > 0) throw new Error('directory unavailable');
        return directory.setGrants(userId, grants);
      },
    };
    setUserDirectory(flaky);
    try {
      const first = await put(bureau, 'u-flaky', 'committee:AC1');
      expect(first.status).toBe(503);
      expect(first.headers.get('retry-after')).toBe('1');
      expect(directory.grantsOf('u-flaky')).toBeUndefined();
      const again = await put(bureau, 'u-flaky', 'committee:AC1');
      expect(again.status).toBe(200);
      expect(directory.grantsOf('u-flaky')).toEqual(['committee:AC1']);
    } finally {
      setUserDirectory(directory);
    }
  });

  test('a user the directory does not know: 404, the grant recorded for when the user exists', async () => {
    setUserDirectory({ setGrants: async () => 'no-such-user' });
    try {
      const missing = await put(bureau, 'u-ghost', 'committee:AC1');
      expect(missing.status).toBe(404);
      expect(missing.json.detail).toMatch(/no user u-ghost in the user directory/);
    } finally {
      setUserDirectory(directory);
    }
    expect((await put(bureau, 'u-ghost', 'committee:AC1')).status).toBe(200);
    expect(directory.grantsOf('u-ghost')).toEqual(['committee:AC1']);
  });

  test('on disk: what the access service sets, localGrantsOf reads (the local token issuer’s source)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongzhi-users-'));
    try {
      const onDisk = localUserDirectory(dir);
      expect(localGrantsOf(dir, 'u1')).toBeUndefined();
      await onDisk.setGrants('u1', 'committee:C1 owner:C1:O1');
      await onDisk.setGrants('u2', 'bureau');
      await onDisk.setGrants('u1', 'owner:C1:O1');
      expect(localGrantsOf(dir, 'u1')).toEqual(['owner:C1:O1']);
      expect(localGrantsOf(dir, 'u2')).toEqual(['bureau']);
      await onDisk.setGrants('u2', '');
      expect(localGrantsOf(dir, 'u2')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
