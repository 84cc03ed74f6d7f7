import type { Grant } from '../../../libs/auth';
import { areaLevel, grantArea, grantReaches } from './areas';

const district = { districtId: 'D1' };
const street = { districtId: 'D1', streetId: 'S1' };
const community = { districtId: 'D1', streetId: 'S1', communityId: 'K1' };
const g = (role: Grant['role'], scope = ''): Grant => ({ role, scope });

describe('which grant reaches which area', () => {
  test.each([
    ['bureau', '', [true, true, true]],
    ['department', 'fire', [true, true, true]],
    ['district', 'D1', [true, true, true]],
    ['district', 'D2', [false, false, false]],
    ['street', 'S1', [false, true, true]],
    ['street', 'S2', [false, false, false]],
    ['inspector', 'S1', [false, true, true]],
    ['community', 'K1', [false, false, true]],
    ['community', 'K2', [false, false, false]],
    ['owner', 'C1', [false, false, false]],
    ['committee', 'C1', [false, false, false]],
    ['property', 'C1', [false, false, false]],
  ] as const)('%s:%s reaches district, street, community: %j', (role, scope, expected) => {
    expect([district, street, community].map((area) => grantReaches(g(role, scope), area))).toEqual(expected);
  });

  test('a street office does not reach another district’s street of the same id path', () => {
    expect(grantReaches(g('street', 'S1'), { districtId: 'D2', streetId: 'S9' })).toBe(false);
    expect(grantReaches(g('district', 'D1'), { districtId: 'D2', streetId: 'S1' })).toBe(false);
  });

  test('a grant names its own area; levels follow the path', () => {
    expect(grantArea(g('inspector', 'S1'))).toEqual({ level: 'street', id: 'S1' });
    expect(grantArea(g('committee', 'C1'))).toBeUndefined();
    expect([district, street, community].map(areaLevel)).toEqual(['district', 'street', 'community']);
  });
});
