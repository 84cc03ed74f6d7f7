import { matchesPattern } from './event-pattern';

const event = {
  source: 'gongzhi.elections',
  'detail-type': 'ResolutionPassed',
  detail: { metadata: { version: 1, compoundId: 'C1' }, data: { matter: 'maintenance_fund_use', amountFen: 500000, tags: ['lift', 'roof'] } },
};

describe('EventBridge patterns on the local bus', () => {
  test.each([
    [{ source: ['gongzhi.elections'] }, true],
    [{ source: ['gongzhi.funds'] }, false],
    [{ source: ['gongzhi.funds', 'gongzhi.elections'], 'detail-type': ['ResolutionPassed'] }, true],
    [{ 'detail-type': ['ResolutionFailed'] }, false],
    [{ detail: { data: { matter: ['maintenance_fund_use'] } } }, true],
    [{ detail: { data: { matter: [{ prefix: 'maintenance' }] } } }, true],
    [{ detail: { data: { matter: [{ prefix: 'common' }] } } }, false],
    [{ detail: { data: { matter: [{ suffix: '_use' }] } } }, true],
    [{ detail: { data: { matter: [{ 'anything-but': ['other_major'] }] } } }, true],
    [{ detail: { data: { matter: [{ 'anything-but': 'maintenance_fund_use' }] } } }, false],
    [{ detail: { data: { matter: [{ 'anything-but': { prefix: 'maint' } }] } } }, false],
    [{ detail: { data: { matter: [{ 'equals-ignore-case': 'MAINTENANCE_FUND_USE' }] } } }, true],
    [{ detail: { data: { amountFen: [{ numeric: ['>', 0, '<=', 500000] }] } } }, true],
    [{ detail: { data: { amountFen: [{ numeric: ['>', 500000] }] } } }, false],
    [{ detail: { data: { tags: ['roof'] } } }, true],
    [{ detail: { data: { tags: ['wall'] } } }, false],
    [{ detail: { data: { payload: [{ exists: false }] } } }, true],
    [{ detail: { data: { payload: [{ exists: true }] } } }, false],
    [{ detail: { data: { amountFen: [{ exists: true }] } } }, true],
    [{ detail: { data: { missing: ['x'] } } }, false],
    [{ detail: { metadata: { version: [1] } } }, true],
    [{ detail: { metadata: { version: [2] } } }, false],
  ])('%j matches: %s', (pattern, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });

  test('a leaf that is not an array is an invalid pattern', () => {
    expect(() => matchesPattern({ source: 'gongzhi.elections' }, event)).toThrow(/must be an array/);
  });
});
