import fc from 'fast-check';
import { fixtures } from '../../../events/fixtures';
import { VoteReminderDue } from '../../../events/catalogue';
import { parseGrants } from '../../../libs/auth';
import { noticeId, parseNoticeId } from '../store/keys';
import { audiencesOf, buildingsHeaded, grantTextsOf, isAudience } from './audiences';
import { compose, composeDigest } from './compose';
import { decide, DEFAULT_PREFERENCES, maskAddress, nextDigestAt, quietHoursEnd, type Preferences } from './delivery';
import { hundredthsText, listText, localDay, localTime, percentText, squareMetres, yuan } from './format';
import { TOPICS, URGENCIES } from './notice';
import { handlerAudience, noticesFor, ruleFor, RULES, TOP_TIER_ABOVE_FEN, type RuleContext } from './rules';
import { closingReminderAt, closingReminderNotices, ELECTIONS_FIRST_MS, REMINDER_BEFORE_CLOSE_MS } from './closing-reminder';
import { inWindow, localMinuteOfDay, minutesOf, nextLocalTime, offsetMinutes } from './time';

const SH = 'Asia/Shanghai';
const context: RuleContext = { zone: SH, compound: { compoundId: 'C1', name: '东湖花园', districtId: 'D1', streetId: 'S1', communityId: 'K1' } };
const data = (type: string) => fixtures[type]!.detail.data as Record<string, unknown>;
const audiencesIn = (specs: ReturnType<typeof noticesFor>) => specs.flatMap((s) => s.to.map((r) => (r.kind === 'audience' ? r.audience : r.kind)));

describe('figures as people read them', () => {
  test.each([
    [0, '0.00'],
    [1, '0.01'],
    [99, '0.99'],
    [100, '1.00'],
    [-5, '-0.05'],
    [-100_000, '-1,000.00'],
    [123_456_78, '123,456.78'],
    [100_000_000_00, '100,000,000.00'],
  ])('%i hundredths is %s', (value, text) => expect(hundredthsText(value)).toBe(text));

  test('money in yuan from fen, areas in m², in both languages; never a float', () => {
    expect(yuan(2685, 'zh')).toBe('26.85 元');
    expect(yuan(2685, 'en')).toBe('CNY 26.85');
    expect(squareMetres(7_117_600, 'zh')).toBe('71,176.00 平方米');
    expect(squareMetres(8950, 'en')).toBe('89.50 m²');
    expect(() => hundredthsText(1.5)).toThrow();
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (n) => Number(hundredthsText(n).replaceAll(',', '')) * 100 === n || Math.abs(Number(hundredthsText(n).replaceAll(',', '')) * 100 - n) < 1e-3),
    );
  });

  test('percentages round down: a turnout is never overstated', () => {
    expect(percentText(2, 3)).toBe('66.66%');
    expect(percentText(1, 1)).toBe('100.00%');
    expect(percentText(5, 0)).toBe('0.00%');
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 1e9 }), (part, whole) => Number(percentText(part, whole).slice(0, -1)) <= (part * 100) / whole + 1e-9));
  });

  test('times in Beijing time, the day boundary included', () => {
    expect(localTime('2026-12-11T15:59:00.000Z', 'zh', SH)).toBe('2026年12月11日 23:59');
    expect(localTime('2026-12-11T16:00:00.000Z', 'zh', SH)).toBe('2026年12月12日 00:00');
    expect(localTime('2026-12-31T16:00:00.000Z', 'en', SH)).toBe('1 Jan 2027, 00:00 Beijing time');
    expect(localDay('2026-06-30T16:30:00.000Z', 'zh', SH)).toBe('2026年7月1日');
    expect(localTime('2026-07-01T12:00:00.000Z', 'en', 'Europe/London')).toBe('1 Jul 2026, 13:00 Europe/London');
  });

  test('lists are cut after a number of names and say how many there are', () => {
    expect(listText(['O1', 'O2'], 'zh')).toBe('O1、O2');
    expect(listText(['a', 'b', 'c'], 'zh', 2)).toBe('a、b 等 3 人');
    expect(listText(['a', 'b', 'c'], 'en', 2)).toBe('a, b and 1 more');
  });
});

describe('local time', () => {
  test('Beijing is 8 hours ahead, always', () => {
    fc.assert(fc.property(fc.date({ min: new Date('1995-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), (d) => offsetMinutes(d, SH) === 480));
  });

  test.each([
    ['22:00', true],
    ['21:59', false],
    ['23:59', true],
    ['00:00', true],
    ['06:59', true],
    ['07:00', false],
    ['12:00', false],
  ])('quiet hours 22:00–07:00: %s is quiet: %s', (time, quiet) => expect(inWindow(minutesOf(time), minutesOf('22:00'), minutesOf('07:00'))).toBe(quiet));

  test('a window that does not wrap, and an empty one', () => {
    expect(inWindow(minutesOf('12:30'), minutesOf('12:00'), minutesOf('14:00'))).toBe(true);
    expect(inWindow(minutesOf('14:00'), minutesOf('12:00'), minutesOf('14:00'))).toBe(false);
    fc.assert(fc.property(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 1439 }), (m, edge) => !inWindow(m, edge, edge)));
  });

  test('the next local time of day: not before now, within a day, at that minute', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 1439 }),
        fc.constantFrom(SH, 'America/New_York', 'Europe/Berlin', 'UTC'),
        (after, minute, zone) => {
          const next = nextLocalTime(after, minute, zone);
          const ahead = next.getTime() - after.getTime();
          return ahead >= 0 && ahead <= 25 * 3_600_000 && (localMinuteOfDay(next, zone) === minute || zone !== SH);
        },
      ),
    );
    expect(nextLocalTime(new Date('2026-05-01T22:59:00.000Z'), minutesOf('07:00'), SH).toISOString()).toBe('2026-05-01T23:00:00.000Z');
    expect(nextLocalTime(new Date('2026-05-01T23:00:00.000Z'), minutesOf('07:00'), SH).toISOString()).toBe('2026-05-01T23:00:00.000Z');
    // Across New York's spring-forward night, 08:00 is still 08:00 local.
    expect(nextLocalTime(new Date('2026-03-08T00:00:00.000Z'), minutesOf('08:00'), 'America/New_York').toISOString()).toBe('2026-03-08T12:00:00.000Z');
  });

  test('times of day are HH:MM', () => {
    expect(minutesOf('07:05')).toBe(425);
    for (const bad of ['7:05', '24:00', '12:60', 'noon']) expect(() => minutesOf(bad)).toThrow();
  });
});

describe('whether and when a notice goes out on a channel', () => {
  const prefs = (over: Partial<Preferences> = {}): Preferences => ({ ...DEFAULT_PREFERENCES, channels: ['sms', 'email'], phone: '+8613800000000', email: 'a@b.cn', ...over });
  const noon = new Date('2026-05-01T04:00:00.000Z'); // 12:00 Beijing
  const night = new Date('2026-05-01T15:30:00.000Z'); // 23:30 Beijing
  const quiet = { from: '22:00', to: '07:00' };
  const notice = (over: Partial<{ topic: (typeof TOPICS)[number]; urgency: (typeof URGENCIES)[number]; legallyRequired: boolean }> = {}) => ({
    topic: 'funds' as const,
    urgency: 'normal' as const,
    legallyRequired: false,
    ...over,
  });

  test('a channel not chosen, or without an address, is not used', () => {
    expect(decide(notice(), prefs({ channels: ['email'] }), 'sms', noon, SH)).toEqual({ action: 'skip', reason: 'channel_off' });
    expect(decide(notice(), prefs({ phone: undefined }), 'sms', noon, SH)).toEqual({ action: 'skip', reason: 'no_address' });
  });

  test('unsubscribing stops a topic, except what the law requires owners to get', () => {
    expect(decide(notice(), prefs({ unsubscribed: ['funds'] }), 'sms', noon, SH)).toEqual({ action: 'skip', reason: 'unsubscribed' });
    expect(decide(notice({ topic: 'votes', legallyRequired: true }), prefs({ unsubscribed: ['votes'] }), 'sms', noon, SH)).toEqual({ action: 'send' });
  });

  test('low urgency goes in the digest of those who want one, at their digest time', () => {
    expect(decide(notice({ urgency: 'low' }), prefs({ digest: true }), 'email', noon, SH)).toEqual({ action: 'digest', at: '2026-05-02T00:00:00.000Z' });
    expect(decide(notice({ urgency: 'low' }), prefs({ digest: false }), 'email', noon, SH)).toEqual({ action: 'send' });
    expect(decide(notice({ urgency: 'normal' }), prefs({ digest: true }), 'email', noon, SH)).toEqual({ action: 'send' });
    expect(decide(notice({ urgency: 'low', legallyRequired: true }), prefs({ digest: true }), 'email', noon, SH)).toEqual({ action: 'send' });
  });

  test('quiet hours hold everything but urgent notices until they end', () => {
    expect(decide(notice(), prefs({ quietHours: quiet }), 'sms', night, SH)).toEqual({ action: 'defer', until: '2026-05-01T23:00:00.000Z' });
    expect(decide(notice({ urgency: 'urgent' }), prefs({ quietHours: quiet }), 'sms', night, SH)).toEqual({ action: 'send' });
    expect(decide(notice(), prefs({ quietHours: quiet }), 'sms', noon, SH)).toEqual({ action: 'send' });
    expect(quietHoursEnd({ quietHours: quiet }, new Date('2026-05-01T14:00:00.000Z'), SH)?.toISOString()).toBe('2026-05-01T23:00:00.000Z'); // 22:00 exactly
    expect(quietHoursEnd({ quietHours: quiet }, new Date('2026-05-01T23:00:00.000Z'), SH)).toBeUndefined(); // 07:00 exactly
  });

  test('a digest time inside quiet hours waits for their end', () => {
    expect(nextDigestAt({ digestAt: '06:00', quietHours: quiet }, noon, SH).toISOString()).toBe('2026-05-01T23:00:00.000Z');
    expect(nextDigestAt({ digestAt: '12:00' }, noon, SH).toISOString()).toBe('2026-05-02T04:00:00.000Z'); // not the instant itself
  });

  test('for any preferences and time: urgent is never held, the law is never unsubscribed, a deferral ends outside quiet hours and within a day', () => {
    const arbitraryPrefs = fc.record({
      channels: fc.subarray(['sms', 'email'] as const),
      phone: fc.option(fc.constant('+8613800000000'), { nil: undefined }),
      email: fc.option(fc.constant('a@b.cn'), { nil: undefined }),
      quietHours: fc.option(
        fc.record({ from: fc.integer({ min: 0, max: 1439 }), to: fc.integer({ min: 0, max: 1439 }) }).map(({ from, to }) => ({ from: hhmm(from), to: hhmm(to) })),
        { nil: undefined },
      ),
      digest: fc.boolean(),
      digestAt: fc.integer({ min: 0, max: 1439 }).map(hhmm),
      unsubscribed: fc.subarray([...TOPICS]),
      language: fc.constantFrom('zh' as const, 'en' as const),
    });
    fc.assert(
      fc.property(
        arbitraryPrefs,
        fc.constantFrom(...TOPICS),
        fc.constantFrom(...URGENCIES),
        fc.boolean(),
        fc.constantFrom('sms' as const, 'email' as const),
        fc.date({ min: new Date('2026-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        (p, topic, urgency, legallyRequired, channel, now) => {
          const d = decide({ topic, urgency, legallyRequired }, p, channel, now, SH);
          if (urgency === 'urgent' && d.action === 'defer') return false;
          if (legallyRequired && d.action === 'skip' && d.reason === 'unsubscribed') return false;
          if (legallyRequired && d.action === 'digest') return false;
          if (d.action === 'defer') {
            const until = new Date(d.until);
            if (until <= now || until.getTime() - now.getTime() > 24 * 3_600_000) return false;
            if (quietHoursEnd(p, until, SH)) return false;
          }
          if (d.action === 'digest' && new Date(d.at) <= now) return false;
          return true;
        },
      ),
    );
  });

  test('addresses shown to others are masked', () => {
    expect(maskAddress('sms', '+8613812345678')).toBe('****5678');
    expect(maskAddress('email', 'wang@example.cn')).toBe('w***@example.cn');
  });
});

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

describe('audiences', () => {
  test('a caller’s audiences: their grants as written, the building-head grants of their claim, and themselves', () => {
    const claim = `owner:C1:O5 grid:C1:B01 committee:C1 nonsense`;
    expect(audiencesOf('sub-1', parseGrants(claim), claim)).toEqual(['committee:C1', 'grid:C1:B01', 'owner:C1:O5', 'user:sub-1']);
    expect(buildingsHeaded('[owner:C1:O5 grid:C1:B01]')).toEqual([{ compoundId: 'C1', buildingId: 'B01' }]);
    expect(buildingsHeaded(['grid:C1:B01', 'grid:C2'])).toEqual([{ compoundId: 'C1', buildingId: 'B01' }]);
    expect(grantTextsOf('["grid:C1:B01","bureau"]')).toEqual(['grid:C1:B01', 'bureau']);
    expect(grantTextsOf(42)).toEqual([]);
  });

  test.each([
    ['owner:C1:O1', true],
    ['committee:C1', true],
    ['street:S1', true],
    ['department:fire-rescue', true],
    ['bureau', true],
    ['grid:C1:B01', true],
    ['user:abc-123', true],
    ['owner:C1', false],
    ['committee:C1:X', false],
    ['mayor:C1', false],
    ['grid:C1', false],
    ['user:a b', false],
    ['', false],
  ])('%s is an audience: %s', (text, ok) => expect(isAudience(text)).toBe(ok));

  test('complaint handlers map to the audiences that handle them', () => {
    expect(handlerAudience({ kind: 'property', id: 'C1' })).toBe('property:C1');
    expect(handlerAudience({ kind: 'committee', id: 'C1' })).toBe('committee:C1');
    expect(handlerAudience({ kind: 'community', id: 'K1' })).toBe('community:K1');
    expect(handlerAudience({ kind: 'street', id: 'S1' })).toBe('street:S1');
    expect(handlerAudience({ kind: 'district', id: 'D1' })).toBe('district:D1');
    expect(handlerAudience({ kind: 'department', id: 'fire-rescue' })).toBe('department:fire-rescue');
  });

  test('a notice id names its audience and place, and nothing else decodes', () => {
    fc.assert(
      fc.property(fc.constantFrom('owner:C1:O1', 'committee:C1', 'user:x'), fc.string({ minLength: 1, maxLength: 60 }), (audience, sk) => {
        const parsed = parseNoticeId(noticeId(audience, sk));
        return parsed?.audience === audience && parsed.sk === sk;
      }),
    );
    expect(parseNoticeId('bm9wZQ')).toBeUndefined();
    expect(parseNoticeId('!!!')).toBeUndefined();
  });
});

describe('the rules', () => {
  const issued = (type: string, over: Record<string, unknown> = {}, ctx: RuleContext = context) => noticesFor(ruleFor(type)!, { ...data(type), ...over }, ctx);

  test('every event someone must act on has a rule', () => {
    const needed = [
      'VoteAnnounced',
      'VoteOpened',
      'VoteReminderDue',
      'VoteClosed',
      'ResolutionPassed',
      'ResolutionFailed',
      'VoteAnnulled',
      'ObjectionFiled',
      'CommitteeElected',
      'CommitteeTermExpiring',
      'CommitteeDissolved',
      'CandidateDisqualified',
      'CommitteeMemberDisqualified',
      'ProjectAuthorized',
      'ExpenseSubmitted',
      'ExpenseReviewed',
      'ExpenseReviewOverdue',
      'ExpensePaid',
      'DisclosurePublished',
      'ArrearsRecorded',
      'ArrearsCleared',
      'ComplaintReceived',
      'ComplaintRouted',
      'ComplaintAcknowledged',
      'ComplaintEscalated',
      'ComplaintResolved',
      'ComplaintReopened',
      'ComplaintClosed',
      'MediationOpened',
      'FindingReferred',
      'FindingConfirmed',
      'ReinspectionFailed',
      'FindingRectified',
      'EnforcementEscalated',
      'GridRoleAssigned',
    ];
    expect(RULES.map((r) => r.event.detailType).sort()).toEqual([...needed].sort());
  });

  test('each rule, fed its event’s fixture, says something in both languages to valid audiences', () => {
    const withFacts: RuleContext = {
      ...context,
      complainant: 'user:owner-sub',
      finding: { findingId: 'F9', responsible: { kind: 'owner', ownerId: 'O1' }, buildingId: 'B1', deadline: '2026-05-16T16:00:00.000Z' },
      vote: { voteId: 'V1', kind: 'resolution', matter: 'other_major', question: 'Q?', opensAt: '2026-05-16T00:00:00.000Z', closesAt: '2026-05-23T00:00:00.000Z' },
    };
    const reminder = VoteReminderDue.create(
      {
        compoundId: 'C1',
        voteId: 'V1',
        kind: 'resolution',
        opensAt: '2026-05-16T00:00:00.000Z',
        buildingId: 'B1',
        ownerIds: ['O1'],
        closesAt: '2026-05-23T00:00:00.000Z',
        question: 'Q?',
        part: 0,
        parts: 1,
      },
      { compoundId: 'C1', actor: 'x', occurredAt: '2026-05-21T00:00:00.000Z' },
    );
    for (const rule of RULES) {
      const fixture = rule.event.detailType === 'VoteReminderDue' ? reminder.detail.data : data(rule.event.detailType);
      const specs = noticesFor(rule, fixture, withFacts);
      expect(specs.length).toBeGreaterThan(0);
      for (const spec of specs) {
        for (const language of ['zh', 'en'] as const) {
          expect(spec.message[language].title.length).toBeGreaterThan(3);
          expect(spec.message[language].body.length).toBeGreaterThan(10);
          expect(spec.message[language].body).not.toMatch(/undefined|NaN|\[object/);
        }
        for (const r of spec.to) if (r.kind === 'audience') expect(isAudience(r.audience)).toBe(true);
      }
    }
  });

  test('the vote announcement and the results are legally required; the announcement goes to owners, building heads, the committee, the community and the street office', () => {
    const specs = issued('VoteAnnounced');
    expect(specs.map((s) => [s.key, s.legallyRequired])).toEqual([
      ['owners', true],
      ['building-heads', false],
      ['officials', false],
    ]);
    expect(audiencesIn(specs)).toEqual(['owners', 'building-heads', 'committee:C1', 'community:K1', 'street:S1']);
    for (const type of ['VoteClosed', 'ResolutionPassed', 'ResolutionFailed']) expect(issued(type)[0]!.legallyRequired).toBe(true);
    expect(issued('VoteOpened')[0]!.legallyRequired).toBe(false);
  });

  test('review steps go to their reviewer in order, then the committee', () => {
    expect(audiencesIn(issued('ExpenseSubmitted', { inspectorNotified: false }))).toEqual(['community:K1']);
    expect(audiencesIn(issued('ExpenseSubmitted', { inspectorNotified: true }))).toEqual(['community:K1', 'inspector:S1']);
    expect(audiencesIn(issued('ExpenseReviewed', { step: 'community_reviewer', decision: 'approved', fullyApproved: false }))).toEqual(['community:K1']);
    expect(issued('ExpenseReviewed', { step: 'community_reviewer', decision: 'approved', fullyApproved: false })[0]!.message.zh.body).toContain('社区党组织和居民委员会');
    expect(audiencesIn(issued('ExpenseReviewed', { step: 'branch_and_residents_committee', decision: 'approved', fullyApproved: false }))).toEqual(['street:S1']);
    expect(audiencesIn(issued('ExpenseReviewed', { step: 'branch_and_residents_committee', decision: 'approved', fullyApproved: true }))).toEqual(['committee:C1']);
    expect(audiencesIn(issued('ExpenseReviewed', { step: 'community_reviewer', decision: 'rejected', fullyApproved: false }))).toEqual(['committee:C1']);
    expect(audiencesIn(issued('ExpenseReviewOverdue', { step: 'street_office' }))).toEqual(['street:S1']);
    expect(audiencesIn(issued('ExpenseReviewOverdue', { step: 'community_reviewer' }))).toEqual(['community:K1', 'street:S1']);
  });

  test('a payment reaches the inspector in the top tier: by its review tier, else above 20,000 yuan', () => {
    const inspector = (amountFen: number, tier?: number) =>
      audiencesIn(issued('ExpensePaid', { amountFen }, tier ? { ...context, expense: { expenseId: 'X1', projectId: 'P', payee: 'p', amountFen, tier } } : context)).includes('inspector:S1');
    expect(inspector(TOP_TIER_ABOVE_FEN)).toBe(false);
    expect(inspector(TOP_TIER_ABOVE_FEN + 1)).toBe(true);
    expect(inspector(150_000, 3)).toBe(true); // a payee's 30-day total put it in the top tier
    expect(inspector(TOP_TIER_ABOVE_FEN + 1, 2)).toBe(false);
  });

  test('complaints: the handler; the complainant only when known, at every step they wait for', () => {
    const known = { ...context, complainant: 'user:s1' };
    expect(audiencesIn(issued('ComplaintReceived'))).toEqual(['property:C1']);
    expect(audiencesIn(issued('ComplaintReceived', {}, known))).toEqual(['property:C1', 'user:s1']);
    expect(issued('ComplaintResolved')).toEqual([]);
    expect(audiencesIn(issued('ComplaintResolved', {}, known))).toEqual(['user:s1']);
    expect(issued('ComplaintAcknowledged')).toEqual([]);
    expect(issued('ComplaintAcknowledged', {}, known).map((s) => [audiencesIn([s]), s.urgency, s.message.zh.title])).toEqual([[['user:s1'], 'low', '【投诉已受理】Q20260501-K7M2P9']]);
    // Escalated: the new handler at once, the one that missed the deadline, and the complainant.
    const escalated = issued('ComplaintEscalated', {}, known);
    expect(escalated.map((s) => [s.key, audiencesIn([s]), s.urgency])).toEqual([
      ['handler', ['street:S1'], 'urgent'],
      ['previous-handler', ['community:K1'], 'normal'],
      ['complainant', ['user:s1'], 'normal'],
    ]);
    expect(escalated[1]!.message.zh.body).toContain('已升级至街道办事处（S1）');
    expect(audiencesIn(issued('ComplaintEscalated'))).toEqual(['street:S1', 'community:K1']);
  });

  test('findings: the responsible party (urgently unless general), the department, the committee', () => {
    const confirmed = (over: Record<string, unknown>) => issued('FindingConfirmed', over);
    expect(confirmed({}).map((s) => [s.key, audiencesIn([s]), s.urgency])).toEqual([
      ['responsible', ['owner:C1:O1'], 'urgent'],
      ['department', ['department:urban-management'], 'normal'],
      ['committee', ['committee:C1'], 'low'],
    ]);
    expect(confirmed({ severity: 'major' })[0]!.urgency).toBe('urgent');
    expect(confirmed({ severity: 'general' }).map((s) => [s.key, s.urgency])[0]).toEqual(['responsible-general', 'normal']);
    expect(confirmed({})[0]!.message.zh.body).toContain('2026年5月17日 00:00 前整改完毕');
    expect(confirmed({})[0]!.message.zh.body).toContain('B1 栋，roof terrace');
    const responsible = (party: Record<string, unknown>, location: Record<string, unknown> = { buildingId: 'B1' }) =>
      audiencesIn(confirmed({ responsibleParty: party, location }).filter((s) => s.key.startsWith('responsible')));
    expect(responsible({ kind: 'property_company' })).toEqual(['property:C1']);
    expect(responsible({ kind: 'committee' })).toEqual(['committee:C1']);
    expect(audiencesIn(confirmed({ responsibleParty: { kind: 'committee' } }))).toEqual(['committee:C1', 'department:urban-management']); // no second notice to the committee
    // No account here: the head of the building passes it on; without a building, only on paper.
    expect(responsible({ kind: 'tenant', name: '张三' })).toEqual(['grid:C1:B1']);
    expect(responsible({ kind: 'owner' })).toEqual(['grid:C1:B1']);
    expect(responsible({ kind: 'developer' }, { commonPart: 'gate' })).toEqual([]);
    expect(audiencesIn(issued('FindingReferred'))).toEqual(['department:urban-management']);
  });

  test('after the finding: re-inspection, rectification and escalation reach the party remembered from the confirmation', () => {
    const remembered: RuleContext = { ...context, finding: { findingId: 'F9', responsible: { kind: 'owner', ownerId: 'O1' }, buildingId: 'B1', deadline: '2026-05-16T16:00:00.000Z' } };
    expect(issued('ReinspectionFailed', {}, remembered).map((s) => [audiencesIn([s]), s.urgency])).toEqual([
      [['owner:C1:O1'], 'urgent'],
      [['department:urban-management'], 'normal'],
    ]);
    expect(audiencesIn(issued('ReinspectionFailed'))).toEqual(['department:urban-management']);
    expect(audiencesIn(issued('FindingRectified', {}, remembered))).toEqual(['owner:C1:O1', 'department:urban-management', 'committee:C1']);
    const escalated = issued('EnforcementEscalated', {}, remembered);
    expect(escalated.map((s) => [s.key, audiencesIn([s]), s.urgency])).toEqual([
      ['street', ['street:S1'], 'urgent'],
      ['departments', ['department:procuratorate', 'department:urban-management'], 'normal'],
      ['responsible', ['owner:C1:O1'], 'urgent'],
    ]);
    expect(escalated[0]!.message.zh.title).toContain('检察建议');
    expect(escalated[0]!.message.zh.body).toContain('2026年9月2日 00:00 起将提起诉讼');
    expect(audiencesIn(issued('EnforcementEscalated', { addressedTo: undefined, nextStep: undefined, nextStepDueAt: undefined }))).toEqual(['street:S1', 'department:procuratorate']);
  });

  test('the reminder goes to the named owners of the building and its head; nobody when everyone voted', () => {
    const rule = ruleFor('VoteReminderDue')!;
    const specs = noticesFor(rule, { compoundId: 'C1', voteId: 'V1', buildingId: 'B2', ownerIds: ['O1', 'O2'], closesAt: '2026-05-23T00:00:00.000Z', question: 'Q?' }, context);
    expect(specs.map((s) => s.to)).toEqual([[{ kind: 'building-owners', buildingId: 'B2', ownerIds: ['O1', 'O2'] }], [{ kind: 'building-heads', buildingIds: ['B2'] }]]);
    expect(specs[1]!.message.zh.body).toContain('2026年5月23日 08:00');
    expect(noticesFor(rule, { compoundId: 'C1', voteId: 'V1', buildingId: 'B2', ownerIds: [], closesAt: '2026-05-23T00:00:00.000Z', question: 'Q?' }, context).map((s) => s.key)).toEqual(['owners']);
  });
});

describe('what goes out', () => {
  const message = { zh: { title: '标题', body: '正文' }, en: { title: 'Title', body: 'Body' } };
  test('in the person’s language, signed', () => {
    expect(compose(message, 'zh')).toEqual({ subject: '【共治】标题', text: '正文' });
    expect(compose(message, 'en')).toEqual({ subject: '[gongzhi] Title', text: 'Body' });
  });
  test('a digest lists its notices', () => {
    expect(
      composeDigest(
        [
          { zh: '甲', en: 'A' },
          { zh: '乙', en: 'B' },
        ],
        'zh',
      ),
    ).toEqual({ subject: '【共治】今日通知摘要（2 条）', text: '1. 甲\n2. 乙\n详情请在应用中查看。' });
  });
});

describe('the reminder keyed off the closing time', () => {
  const vote = { voteId: 'V1', kind: 'resolution', matter: 'other_major', question: 'Q?', opensAt: '2026-05-16T00:00:00.000Z', closesAt: '2026-05-23T00:00:00.000Z' };
  test('47 hours before the close (elections, reminding at 48, goes first); none when the 48 hours reach back to the opening, as elections skips its own', () => {
    expect(closingReminderAt(vote)).toBe('2026-05-21T01:00:00.000Z');
    const closesAt = (ms: number) => new Date(Date.parse(vote.opensAt) + REMINDER_BEFORE_CLOSE_MS + ms).toISOString();
    // A 2-day vote from 00:00: elections has no reminder, and neither has this service (it once sent one an hour after the opening).
    expect(closingReminderAt({ ...vote, closesAt: closesAt(0) })).toBeUndefined();
    expect(closingReminderAt({ ...vote, closesAt: closesAt(-ELECTIONS_FIRST_MS) })).toBeUndefined();
    expect(closingReminderAt({ ...vote, closesAt: closesAt(1) })).toBe(new Date(Date.parse(vote.opensAt) + ELECTIONS_FIRST_MS + 1).toISOString());
  });
  test('every owner and every building head, not legally required, in both languages with the local closing time', () => {
    const specs = closingReminderNotices(vote, context);
    expect(specs.map((s) => [s.key, s.to, s.legallyRequired, s.topic])).toEqual([
      ['owners', [{ kind: 'owners' }], false, 'votes'],
      ['building-heads', [{ kind: 'building-heads', buildingIds: 'all' }], false, 'grid'],
    ]);
    expect(specs[0]!.message.zh.body).toContain('2026年5月23日 08:00');
    expect(specs[0]!.message.en.body).toContain('If you have not voted yet');
  });
});
