import type { LocalSystem } from '../infra/local/runtime';
import { client, compoundBody, rollCsv, startSystem } from './helpers';

let system: LocalSystem;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  ({ system, call } = await startSystem());
  const bureau = await system.token(['bureau']);
  await call('POST', '/compounds', { token: bureau, body: compoundBody('grid-r') });
  await call('POST', '/compounds/grid-r/roll', { token: bureau, raw: rollCsv(200), type: 'text/csv' });
});
afterAll(() => system.close());

const events = (type: string) => system.bus.log.filter((e) => e['detail-type'] === type && e.detail.metadata.compoundId === 'grid-r');

describe('revoking a grid role', () => {
  test('ends the role with GridRoleRevoked; revoking again changes nothing; the role may be given again', async () => {
    const community = await system.token(['community:K1'], 'community-officer');
    const head = { role: 'building_head', personId: 'P1', name: 'Wang Fang', buildingId: 'B01' };
    expect((await call('POST', '/compounds/grid-r/grid-roles', { token: community, body: head })).status).toBe(201);

    const revoked = await call('DELETE', '/compounds/grid-r/grid-roles/building_head/P1?buildingId=B01', { token: community });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ role: 'building_head', personId: 'P1', buildingId: 'B01', revokedAt: expect.any(String) });
    expect((await call('DELETE', '/compounds/grid-r/grid-roles/building_head/P1?buildingId=B01', { token: community })).json.revokedAt).toBe(revoked.json.revokedAt);
    await system.idle();
    expect(events('GridRoleRevoked').map((e) => e.detail.data)).toEqual([{ compoundId: 'grid-r', role: 'building_head', personId: 'P1', buildingId: 'B01' }]);
    expect(events('GridRoleRevoked')[0]!.detail.metadata.actor).toBe('community-officer');

    const owner = await system.token(['owner:grid-r:O5']);
    expect((await call('GET', '/compounds/grid-r/grid-roles', { token: owner })).json.items).toEqual([]);
    expect((await call('POST', '/compounds/grid-r/grid-roles', { token: community, body: head })).status).toBe(201);
    expect((await call('GET', '/compounds/grid-r/grid-roles', { token: owner })).json.items).toEqual([expect.objectContaining({ personId: 'P1', buildingId: 'B01' })]);
    await system.idle();
    expect(events('GridRoleAssigned')).toHaveLength(2);
  });

  test('an unknown role is 404; a bad role name is 400; owners and other streets may not revoke', async () => {
    const street = await system.token(['street:S1']);
    expect((await call('DELETE', '/compounds/grid-r/grid-roles/volunteer/P9', { token: street })).status).toBe(404);
    expect((await call('DELETE', '/compounds/grid-r/grid-roles/emperor/P1', { token: street })).status).toBe(400);
    expect((await call('DELETE', '/compounds/grid-r/grid-roles/building_head/P1?buildingId=B01', { token: await system.token(['owner:grid-r:O5']) })).status).toBe(403);
    expect((await call('DELETE', '/compounds/grid-r/grid-roles/building_head/P1?buildingId=B01', { token: await system.token(['street:S2']) })).status).toBe(403);
  });
});
