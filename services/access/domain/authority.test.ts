import { parseGrant, parseGrants, ROLES, type Grant } from '../../../libs/auth';
import { fitsDirectory, grantsText, listingOf, mayManage, MAX_GRANTS_TEXT, placeKindOf, STREET_ASSIGNABLE, type Place } from './authority';

const inS1: Record<Place['kind'], Place> = {
  compound: { kind: 'compound', compoundId: 'C1', communityId: 'K1', streetId: 'S1', districtId: 'D1' },
  community: { kind: 'community', communityId: 'K1', streetId: 'S1', districtId: 'D1' },
  street: { kind: 'street', streetId: 'S1' },
  district: { kind: 'district', districtId: 'D1' },
  city: { kind: 'city' },
};
const inS2: Record<'compound' | 'community' | 'street', Place> = {
  compound: { kind: 'compound', compoundId: 'C2', communityId: 'K2', streetId: 'S2', districtId: 'D1' },
  community: { kind: 'community', communityId: 'K2', streetId: 'S2', districtId: 'D1' },
  street: { kind: 'street', streetId: 'S2' },
};

/** One grant of each role, scoped to S1's places. */
const sample: Record<(typeof ROLES)[number], string> = {
  owner: 'owner:C1:O1',
  committee: 'committee:C1',
  property: 'property:C1',
  community: 'community:K1',
  street: 'street:S1',
  district: 'district:D1',
  inspector: 'inspector:S1',
  department: 'department:fire-rescue',
  bureau: 'bureau',
};

const manager = (grants: string, subject = 'official') => ({ subject, grants: parseGrants(grants) });
const placeFor = (grant: Grant, places: Partial<Record<Place['kind'], Place>> = inS1) => places[placeKindOf(grant)] ?? inS1[placeKindOf(grant)];

describe('who may manage which grant', () => {
  test.each(ROLES.map((role) => [role]))('the bureau may assign and revoke %s', (role) => {
    const grant = parseGrant(sample[role])!;
    expect(mayManage(manager('bureau'), 'U1', grant, placeFor(grant))).toEqual({ allowed: true });
  });

  test.each(ROLES.map((role) => [role, STREET_ASSIGNABLE.includes(role)]))('a street office, in its own street, may manage %s: %s', (role, allowed) => {
    const grant = parseGrant(sample[role])!;
    expect(mayManage(manager('street:S1'), 'U1', grant, placeFor(grant)).allowed).toBe(allowed);
  });

  test.each(['owner:C2:O1', 'committee:C2', 'property:C2', 'community:K2'])('a street office may not manage %s of another street', (text) => {
    const grant = parseGrant(text)!;
    const verdict = mayManage(manager('street:S1'), 'U1', grant, placeFor(grant, inS2));
    expect(verdict).toEqual({ allowed: false, reason: expect.stringMatching(/outside your street/) });
  });

  test('an office of two streets manages grants in either', () => {
    const grant = parseGrant('committee:C2')!;
    expect(mayManage(manager('street:S1 street:S2'), 'U1', grant, inS2.compound).allowed).toBe(true);
  });

  test.each(['owner:C1:O1', 'committee:C1', 'community:K1', 'district:D1', 'inspector:S1', 'department:police'])('%s may manage no grant at all', (held) => {
    for (const role of ROLES) {
      const grant = parseGrant(sample[role])!;
      expect(mayManage(manager(held), 'U1', grant, placeFor(grant)).allowed).toBe(false);
    }
  });

  test('nobody changes their own grants, not even the bureau', () => {
    const grant = parseGrant('committee:C1')!;
    expect(mayManage(manager('bureau', 'me'), 'me', grant, inS1.compound).allowed).toBe(false);
    expect(mayManage(manager('street:S1', 'me'), 'me', grant, inS1.compound).allowed).toBe(false);
    expect(mayManage(manager('street:S1', 'me'), 'you', grant, inS1.compound).allowed).toBe(true);
  });
});

describe('where a grant is listed', () => {
  test.each([
    ['owner:C1:O1', 'street:S1', 'compound#C1#U1#owner:C1:O1'],
    ['committee:C1', 'street:S1', 'compound#C1#U1#committee:C1'],
    ['property:C1', 'street:S1', 'compound#C1#U1#property:C1'],
    ['community:K1', 'street:S1', 'community#K1#U1#community:K1'],
    ['street:S1', 'street:S1', 'street#S1#U1#street:S1'],
    ['inspector:S1', 'street:S1', 'street#S1#U1#inspector:S1'],
    ['district:D1', 'district:D1', 'district#D1#U1#district:D1'],
    ['department:fire-rescue', 'city', 'city#U1#department:fire-rescue'],
    ['bureau', 'city', 'city#U1#bureau'],
  ])('%s is listed under %s', (text, area, sortKey) => {
    const grant = parseGrant(text)!;
    expect(listingOf(grant, placeFor(grant), 'U1')).toEqual({ area, sortKey });
  });

  test('a compound prefix never takes another compound whose id starts alike', () => {
    const c1 = listingOf(parseGrant('committee:C1')!, inS1.compound, 'U1').sortKey;
    const c10 = listingOf(parseGrant('committee:C10')!, { ...inS1.compound, compoundId: 'C10' } as Place, 'U1').sortKey;
    expect(c1.startsWith('compound#C1#')).toBe(true);
    expect(c10.startsWith('compound#C1#')).toBe(false);
  });
});

describe('what fits the directory', () => {
  test('grants are written sorted, once each, space-separated', () => {
    expect(grantsText(parseGrants('committee:C1 bureau committee:C1 owner:C1:O1'))).toBe('bureau committee:C1 owner:C1:O1');
  });

  test(`at most ${MAX_GRANTS_TEXT} characters, to the character`, () => {
    // "owner:C0001:O" + 64-char-ish ids: build grants until the text is exactly at the limit, then one over.
    const grants: Grant[] = [];
    let n = 0;
    while (grantsText(grants).length < MAX_GRANTS_TEXT - 40) grants.push({ role: 'owner', scope: `C${String(n++).padStart(4, '0')}`, ownerId: 'O1' });
    const room = MAX_GRANTS_TEXT - grantsText(grants).length - 1; // minus the separating space
    const exact = { role: 'department' as const, scope: 'x'.repeat(room - 'department:'.length) };
    expect(grantsText([...grants, exact]).length).toBe(MAX_GRANTS_TEXT);
    expect(fitsDirectory([...grants, exact])).toBe(true);
    expect(fitsDirectory([...grants, { ...exact, scope: `${exact.scope}y` }])).toBe(false);
  });
});
