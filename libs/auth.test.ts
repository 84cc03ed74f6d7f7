import { authorize, grantCovers, parseGrant, parseGrants, Principal, type CompoundLocation } from './auth';
import { DomainError } from './errors';
import { domainProblem, HttpProblem } from './http/problem';

const here: CompoundLocation = { compoundId: 'C1', communityId: 'K1', streetId: 'S1', districtId: 'D1' };
const elsewhere: CompoundLocation = { compoundId: 'C2', communityId: 'K2', streetId: 'S2', districtId: 'D2' };

describe('grants', () => {
  test.each([
    ['bureau', { role: 'bureau', scope: '' }],
    ['owner:C1:O7', { role: 'owner', scope: 'C1', ownerId: 'O7' }],
    ['committee:C1', { role: 'committee', scope: 'C1' }],
    ['street:S1', { role: 'street', scope: 'S1' }],
    ['department:fire-rescue', { role: 'department', scope: 'fire-rescue' }],
  ])('%s parses', (text, grant) => expect(parseGrant(text)).toEqual(grant));

  test.each(['bureau:x', 'owner:C1', 'committee:C1:O1', 'mayor:C1', 'street:', 'street:a b', 'owner:C1:O1:x', ''])(
    '%s is refused, never widened',
    (text) => expect(parseGrant(text)).toBeUndefined(),
  );

  test('a claim holds several grants; malformed ones are dropped', () => {
    expect(parseGrants('owner:C1:O1  committee:C1 nonsense')).toHaveLength(2);
    expect(parseGrants(undefined)).toEqual([]);
    expect(parseGrants(['bureau'])).toEqual([]);
  });

  test.each([
    ['bureau', true, true],
    ['department:police', true, true],
    ['district:D1', true, false],
    ['street:S1', true, false],
    ['inspector:S1', true, false],
    ['community:K1', true, false],
    ['committee:C1', true, false],
    ['owner:C1:O1', true, false],
    ['property:C1', true, false],
  ])('%s covers its own compound (%s) and not another (%s)', (text, own, other) => {
    const grant = parseGrant(text)!;
    expect(grantCovers(grant, here)).toBe(own);
    expect(grantCovers(grant, elsewhere)).toBe(other);
  });
});

describe('authorize', () => {
  const claims = (grants: string, sub = 'u1') => ({ sub, 'custom:grants': grants });
  const status = (fn: () => unknown) => {
    try {
      fn();
      return 200;
    } catch (error) {
      return error instanceof DomainError ? domainProblem(error).status : (error as HttpProblem).status;
    }
  };

  test('no caller: 401; a caller without the role or outside the compound: 403', () => {
    expect(status(() => authorize(undefined, ['committee'], here))).toBe(401);
    expect(status(() => authorize({ 'custom:grants': 'bureau' }, ['committee'], here))).toBe(401);
    expect(status(() => authorize(claims('owner:C1:O1'), ['committee'], here))).toBe(403);
    expect(status(() => authorize(claims('committee:C2'), ['committee'], here))).toBe(403);
    expect(status(() => authorize(claims('committee:C1'), ['committee'], here))).toBe(200);
    expect(status(() => authorize(undefined, 'public'))).toBe(200);
  });

  test('the owner id comes from the token only', () => {
    const principal = Principal.fromClaims(claims('owner:C1:O9 owner:C2:O3'))!;
    expect(principal.ownerIdIn('C1')).toBe('O9');
    expect(principal.ownerIdIn('C2')).toBe('O3');
    expect(principal.ownerIdIn('C3')).toBeUndefined();
  });
});
