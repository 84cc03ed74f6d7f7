import { authorize, formatGrant, grantCovers, parseGrant, parseGrants, Principal, type CompoundLocation } from './auth';
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
    ['grid:C1:B03', { role: 'grid', scope: 'C1', buildingId: 'B03' }],
  ])('%s parses', (text, grant) => expect(parseGrant(text)).toEqual(grant));

  test.each(['bureau:x', 'owner:C1', 'committee:C1:O1', 'mayor:C1', 'street:', 'street:a b', 'owner:C1:O1:x', '', 'grid:C1', 'grid:C1:', 'grid::B1', 'grid:C1:B 1', 'grid:C1:B1:x'])(
    '%s is refused, never widened',
    (text) => expect(parseGrant(text)).toBeUndefined(),
  );

  const two = [
    { role: 'owner', scope: 'C1', ownerId: 'O1' },
    { role: 'committee', scope: 'C1' },
  ];

  test.each(['bureau', 'owner:C1:O7', 'grid:C1:B03', 'committee:C1', 'department:fire-rescue', 'inspector:S1'])('%s formats back to itself', (text) =>
    expect(formatGrant(parseGrant(text)!)).toBe(text),
  );

  test('a building head acts for the buildings of their grants, in that compound only', () => {
    const head = new Principal('head', parseGrants('grid:C1:B01 grid:C1:B02 grid:C2:B01 owner:C1:O5'));
    expect(head.buildingsIn('C1')).toEqual(['B01', 'B02']);
    expect(head.buildingsIn('C2')).toEqual(['B01']);
    expect(head.buildingsIn('C3')).toEqual([]);
    expect(new Principal('x', parseGrants('committee:C1')).buildingsIn('C1')).toEqual([]);
    // The grid role reaches its compound and nothing else; it is not an owner's grant.
    const oneBuilding = new Principal('head', parseGrants('grid:C1:B01'));
    expect(oneBuilding.can(['grid'], here)).toBe(true);
    expect(oneBuilding.can(['grid'], elsewhere)).toBe(false);
    expect(oneBuilding.can(['owner', 'committee'], here)).toBe(false);
    expect(head.ownerIdIn('C2')).toBeUndefined();
  });

  test('a claim holds several grants; malformed ones are dropped', () => {
    expect(parseGrants('owner:C1:O1  committee:C1 nonsense')).toEqual(two);
    expect(parseGrants(undefined)).toEqual([]);
    expect(parseGrants('')).toEqual([]);
  });

  test.each([
    ['a space-separated string (local issuer, Cognito attribute and access-token claim)', 'owner:C1:O1 committee:C1'],
    ['a JSON array', ['owner:C1:O1', 'committee:C1']],
    ['an array claim as the HTTP API JWT authorizer passes it', '[owner:C1:O1 committee:C1]'],
    ['that array with commas', '[owner:C1:O1, committee:C1]'],
    ['an array claim serialized as JSON text', '["owner:C1:O1","committee:C1"]'],
    ['a string with stray whitespace', '  owner:C1:O1\tcommittee:C1\n'],
  ])('grants arrive as %s', (_, claim) => expect(parseGrants(claim)).toEqual(two));

  test.each([
    ['a one-element authorizer array', '[bureau]', [{ role: 'bureau', scope: '' }]],
    ['an empty authorizer array', '[]', []],
    ['an empty JSON array', [], []],
    ['non-strings inside an array', ['bureau', 7, null, { role: 'bureau' }], [{ role: 'bureau', scope: '' }]],
    ['a number', 42, []],
    ['an object', { grants: 'bureau' }, []],
    ['brackets hiding a bad grant', '[mayor:C1 committee:C1]', [{ role: 'committee', scope: 'C1' }]],
    ['an unbalanced bracket', '[bureau', []],
  ])('%s', (_, claim, grants) => expect(parseGrants(claim)).toEqual(grants));

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
    ['grid:C1:B01', true, false],
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

  test('a Cognito access token is taken; its ID token is refused (401), whatever it carries', () => {
    expect(status(() => authorize({ ...claims('committee:C1'), token_use: 'access' }, ['committee'], here))).toBe(200);
    expect(status(() => authorize({ ...claims('committee:C1'), token_use: 'id' }, ['committee'], here))).toBe(401);
    expect(Principal.fromClaims({ ...claims('bureau'), token_use: 'id' })).toBeUndefined();
  });

  test("grants in the authorizer's array rendering authorize like a string", () => {
    expect(status(() => authorize({ sub: 'u1', 'custom:grants': '[owner:C1:O1 committee:C1]' }, ['committee'], here))).toBe(200);
    expect(status(() => authorize({ sub: 'u1', 'custom:grants': '[owner:C1:O1 committee:C2]' }, ['committee'], here))).toBe(403);
  });

  test('the owner id comes from the token only', () => {
    const principal = Principal.fromClaims(claims('owner:C1:O9 owner:C2:O3'))!;
    expect(principal.ownerIdIn('C1')).toBe('O9');
    expect(principal.ownerIdIn('C2')).toBe('O3');
    expect(principal.ownerIdIn('C3')).toBeUndefined();
  });
});
