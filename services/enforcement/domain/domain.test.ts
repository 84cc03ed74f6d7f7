import fc from 'fast-check';
import { CATEGORIES, CATEGORY_RULES, REFERRAL_CATEGORY, SEVERITIES } from './categories';
import { daysPeriodEnd, isOverdue, monthsPeriodEnd, rectificationDeadline } from './deadlines';
import { assignCategories, BUILT_IN_DEPARTMENTS, withinRemit } from './departments';
import { caseRef, dueSteps, ladder, nextStep, type LadderInput } from './escalation';
import { locationProblems, ownersViolation, pendingStep, responsiblePartyProblems, type Finding } from './finding';
import { dueReasons, plannedDate, riskScore, type RiskInputs } from './risk';
import { deltasOf, figureRows, parsePeriod, periodsOfMonth, summarize, sweptKeysOf } from './statistics';
import { addDaysToDate, addMonthsToDate, daysBetween, isDate, isWeekend, localDate, monthOf, quarterOfMonth, startOfDate, yearOfMonth } from './time';

const MS = 1;
const minus = (iso: string, ms: number) => new Date(Date.parse(iso) - ms).toISOString();

describe('calendar in Asia/Shanghai', () => {
  test('a local day begins at 16:00 UTC the day before', () => {
    expect(localDate('2026-05-01T15:59:59.999Z')).toBe('2026-05-01');
    expect(localDate('2026-05-01T16:00:00.000Z')).toBe('2026-05-02');
    expect(startOfDate('2026-05-02')).toBe('2026-05-01T16:00:00.000Z');
    expect(localDate('2026-12-31T16:00:00.000Z')).toBe('2027-01-01');
  });

  test('months, quarters and years of an instant follow the local calendar', () => {
    expect(monthOf('2026-05-31T15:59:59.999Z')).toBe('2026-05');
    expect(monthOf('2026-05-31T16:00:00.000Z')).toBe('2026-06');
    expect(monthOf('2026-12-31T16:00:00.000Z')).toBe('2027-01');
    expect(['2026-01', '2026-03', '2026-04', '2026-06', '2026-07', '2026-09', '2026-10', '2026-12'].map(quarterOfMonth)).toEqual([
      '2026-Q1',
      '2026-Q1',
      '2026-Q2',
      '2026-Q2',
      '2026-Q3',
      '2026-Q3',
      '2026-Q4',
      '2026-Q4',
    ]);
    expect(yearOfMonth('2026-05')).toBe('2026');
  });

  test('calendar dates: validity, days and months (clamped to the month’s last day)', () => {
    expect([isDate('2026-02-28'), isDate('2026-02-29'), isDate('2028-02-29'), isDate('2026-13-01'), isDate('2026-4-01')]).toEqual([true, false, true, false, false]);
    expect(addDaysToDate('2026-12-31', 1)).toBe('2027-01-01');
    expect(addMonthsToDate('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonthsToDate('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonthsToDate('2026-03-31', 1)).toBe('2026-04-30');
    expect(addMonthsToDate('2026-12-15', 2)).toBe('2027-02-15');
    expect(daysBetween('2026-05-01', '2027-05-01')).toBe(365);
    expect(daysBetween('2026-05-02', '2026-05-01')).toBe(-1);
    expect([isWeekend('2026-05-08'), isWeekend('2026-05-09'), isWeekend('2026-05-10'), isWeekend('2026-05-11')]).toEqual([false, true, true, false]);
  });

  test('every instant lies in the local day it names (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString();
        const day = localDate(iso);
        expect(Date.parse(startOfDate(day))).toBeLessThanOrEqual(d.getTime());
        expect(Date.parse(startOfDate(addDaysToDate(day, 1)))).toBeGreaterThan(d.getTime());
        expect(localDate(startOfDate(day))).toBe(day);
      }),
    );
  });
});

describe('rectification deadlines (Civil Code arts. 201-203)', () => {
  const monday = '2026-05-04T02:00:00.000Z'; // Monday 10:00 in Beijing

  test('the day of the notice is not counted; the period ends at 24:00 of its last day', () => {
    // 3 days from Monday: Tuesday, Wednesday, Thursday; due by Thursday 24:00 (Beijing).
    expect(rectificationDeadline('fire_lane_blocked', 'general', monday)).toBe('2026-05-07T16:00:00.000Z');
    // Issued at 23:59:59.999 on Monday in Beijing: still Monday.
    expect(rectificationDeadline('fire_lane_blocked', 'general', '2026-05-04T15:59:59.999Z')).toBe('2026-05-07T16:00:00.000Z');
    // Issued at 00:00 on Tuesday in Beijing: a day later.
    expect(rectificationDeadline('fire_lane_blocked', 'general', '2026-05-04T16:00:00.000Z')).toBe('2026-05-08T16:00:00.000Z');
  });

  test('a last day on a weekend moves to Monday', () => {
    expect(rectificationDeadline('fire_lane_blocked', 'general', '2026-05-06T02:00:00.000Z')).toBe('2026-05-11T16:00:00.000Z'); // Wed + 3 = Sat → Mon
    expect(rectificationDeadline('fire_lane_blocked', 'serious', '2026-05-08T02:00:00.000Z')).toBe('2026-05-11T16:00:00.000Z'); // Fri + 1 = Sat → Mon
    expect(rectificationDeadline('fire_lane_blocked', 'serious', '2026-05-09T02:00:00.000Z')).toBe('2026-05-11T16:00:00.000Z'); // Sat + 1 = Sun → Mon
    expect(rectificationDeadline('fire_lane_blocked', 'serious', '2026-05-10T02:00:00.000Z')).toBe('2026-05-11T16:00:00.000Z'); // Sun + 1 = Mon
    expect(rectificationDeadline('fire_lane_blocked', 'serious', '2026-05-07T02:00:00.000Z')).toBe('2026-05-08T16:00:00.000Z'); // Thu + 1 = Fri
  });

  test('each category and severity gives its days, the more severe no later', () => {
    for (const category of CATEGORIES) {
      const days = CATEGORY_RULES[category].days;
      expect(days.general).toBeGreaterThanOrEqual(days.serious);
      expect(days.serious).toBeGreaterThanOrEqual(days.major);
      expect(days.major).toBeGreaterThanOrEqual(1);
      for (const severity of SEVERITIES) {
        const deadline = rectificationDeadline(category, severity, monday);
        let last = addDaysToDate('2026-05-04', days[severity]);
        while (isWeekend(last)) last = addDaysToDate(last, 1);
        expect(deadline).toBe(startOfDate(addDaysToDate(last, 1)));
      }
    }
  });

  test('a deadline is missed from its instant, not a millisecond earlier', () => {
    const deadline = rectificationDeadline('water_power_cutoff', 'general', monday);
    expect(isOverdue(deadline, minus(deadline, MS))).toBe(false);
    expect(isOverdue(deadline, deadline)).toBe(true);
  });

  test('months end on the corresponding day, or the month’s last (art. 202)', () => {
    expect(monthsPeriodEnd('2026-01-30T02:00:00.000Z', 1)).toBe('2026-03-02T16:00:00.000Z'); // Jan 30 → Feb 28 (Sat) → Mon Mar 2
    expect(monthsPeriodEnd('2026-06-19T02:00:00.000Z', 2)).toBe('2026-08-19T16:00:00.000Z'); // a Wednesday
    expect(() => monthsPeriodEnd('2026-06-19T02:00:00.000Z', 0)).toThrow();
    expect(() => daysPeriodEnd('2026-06-19T02:00:00.000Z', 0)).toThrow();
  });

  test('a deadline is a local midnight at least the period away, its last day a weekday (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: 1, max: 90 }), (d, days) => {
        const deadline = daysPeriodEnd(d.toISOString(), days);
        expect(startOfDate(localDate(deadline))).toBe(deadline);
        expect(isWeekend(addDaysToDate(localDate(deadline), -1))).toBe(false);
        const waited = (Date.parse(deadline) - d.getTime()) / 86_400_000;
        expect(waited).toBeGreaterThan(days);
        expect(waited).toBeLessThanOrEqual(days + 3);
      }),
    );
  });
});

describe('the escalation ladder', () => {
  const base: LadderInput = {
    compoundId: 'C1',
    findingId: 'F1',
    category: 'illegal_construction_common_part',
    severity: 'serious',
    criminal: false,
    department: 'urban-management',
    noticeIssuedAt: '2026-05-04T02:00:00.000Z',
    deadline: '2026-05-14T16:00:00.000Z',
  };

  test('public interest: reminder, administrative case, procuratorate recommendation, litigation — each from the last', () => {
    expect(ladder(base)).toEqual([
      { step: 'reminder', dueAt: '2026-05-14T16:00:00.000Z', department: 'urban-management', legalBasis: CATEGORY_RULES.illegal_construction_common_part.legalBasis },
      { step: 'administrative_case', dueAt: '2026-05-18T16:00:00.000Z', department: 'urban-management', legalBasis: CATEGORY_RULES.illegal_construction_common_part.legalBasis },
      {
        step: 'procuratorate_recommendation',
        dueAt: '2026-06-18T16:00:00.000Z',
        department: 'procuratorate',
        addressedTo: 'urban-management',
        legalBasis: expect.stringContaining('Administrative Litigation Law art. 25(4)'),
      },
      { step: 'litigation', dueAt: '2026-08-19T16:00:00.000Z', department: 'procuratorate', addressedTo: 'court', legalBasis: expect.stringContaining('art. 21') },
    ]);
  });

  test('a major hazard: one day’s grace, and 15 days for the department to answer the recommendation', () => {
    const steps = ladder({ ...base, severity: 'major', deadline: '2026-05-11T16:00:00.000Z' });
    expect(steps.map((s) => [s.step, s.dueAt])).toEqual([
      ['reminder', '2026-05-11T16:00:00.000Z'],
      ['administrative_case', '2026-05-13T16:00:00.000Z'],
      ['procuratorate_recommendation', '2026-06-15T16:00:00.000Z'], // Jun 13 is a Saturday
      ['litigation', '2026-07-01T16:00:00.000Z'],
    ]);
  });

  test('no public interest: it ends with the administrative case; a civil matter goes to the court', () => {
    expect(ladder({ ...base, category: 'group_rental' }).map((s) => s.step)).toEqual(['reminder', 'administrative_case']);
    expect(ladder({ ...base, category: 'group_rental', department: 'police' }).at(-1)).toMatchObject({ step: 'administrative_case', department: 'police' });
    expect(ladder({ ...base, category: 'owner_fee_dispute', department: 'court' }).map((s) => [s.step, s.department])).toEqual([
      ['reminder', 'court'],
      ['litigation', 'court'],
    ]);
  });

  test('a criminal matter goes to the police at the notice, or when it was referred', () => {
    expect(ladder({ ...base, criminal: true })[0]).toMatchObject({ step: 'police_case', dueAt: base.noticeIssuedAt, department: 'police' });
    expect(ladder({ ...base, criminal: true, criminalSince: '2026-05-20T01:00:00.000Z' })[0]).toMatchObject({ step: 'police_case', dueAt: '2026-05-20T01:00:00.000Z' });
  });

  test('a step is due from its instant; taken steps are skipped; references are stable', () => {
    expect(dueSteps(base, [], minus(base.deadline, MS))).toEqual([]);
    expect(dueSteps(base, [], base.deadline).map((s) => s.step)).toEqual(['reminder']);
    expect(dueSteps(base, ['reminder'], base.deadline)).toEqual([]);
    // A run three months late takes everything up to where the finding should be.
    expect(dueSteps(base, [], '2026-08-01T00:00:00.000Z').map((s) => s.step)).toEqual(['reminder', 'administrative_case', 'procuratorate_recommendation']);
    expect(nextStep(base, ['reminder', 'administrative_case', 'procuratorate_recommendation', 'litigation'])).toBeUndefined();
    expect(caseRef(base, 'administrative_case')).toBe('C1/F1/administrative_case');
  });

  test('due times never go backwards (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CATEGORIES),
        fc.constantFrom(...SEVERITIES),
        fc.boolean(),
        fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }),
        (category, severity, criminal, d) => {
          const issued = d.toISOString();
          const steps = ladder({ ...base, category, severity, criminal, noticeIssuedAt: issued, deadline: rectificationDeadline(category, severity, issued) });
          for (let i = 1; i < steps.length; i++) expect(Date.parse(steps[i]!.dueAt)).toBeGreaterThan(Date.parse(steps[i - 1]!.dueAt));
          expect(new Set(steps.map((s) => s.step)).size).toBe(steps.length);
        },
      ),
    );
  });
});

describe('sweep risk', () => {
  const now = '2026-05-01T04:00:00.000Z';
  const calm: RiskInputs = { openHazards: 0, previousFindings: 0, openReferrals: 0, lastSweptAt: '2026-04-01T04:00:00.000Z' };
  const component = (inputs: Partial<RiskInputs>, name: string) => riskScore({ ...calm, ...inputs }, now).components[name];
  const sweptDaysAgo = (days: number) => startOfDate(addDaysToDate(localDate(now), -days));

  test('each component at each boundary', () => {
    expect([0, 1, 3, 4].map((n) => component({ openHazards: n }, 'openHazards'))).toEqual([0, 10, 30, 30]);
    expect([4, 5, 6].map((n) => component({ previousFindings: n }, 'previousFindings'))).toEqual([12, 15, 15]);
    expect([1, 2, 3].map((n) => component({ openReferrals: n }, 'openReferrals'))).toEqual([10, 20, 20]);
    expect([2017, 2016, 2007, 2006, 1997, 1996].map((y) => component({ builtYear: y }, 'buildingAge'))).toEqual([0, 5, 5, 10, 10, 15]);
    expect(component({ builtYear: undefined }, 'buildingAge')).toBe(0);
    expect([179, 180, 364, 365, 729, 730].map((d) => component({ lastSweptAt: sweptDaysAgo(d) }, 'sinceLastSweep'))).toEqual([0, 8, 8, 15, 15, 20]);
    expect(component({ lastSweptAt: undefined }, 'sinceLastSweep')).toBe(20);
    expect(riskScore({ openHazards: 9, previousFindings: 9, openReferrals: 9, builtYear: 1980 }, now).score).toBe(100);
    expect(riskScore({ ...calm, openHazards: -1 }, now).score).toBe(0); // a rectification that overtook its confirmation
  });

  test('days since the last sweep count local calendar days', () => {
    // 16:30 UTC is already the next day in Beijing: 2025-05-02 to 2026-05-02 is 365 days.
    expect(dueReasons({ ...calm, lastSweptAt: '2025-05-01T16:30:00.000Z' }, '2026-05-01T16:00:00.000Z')).toEqual(['interval_elapsed']);
    expect(dueReasons({ ...calm, lastSweptAt: '2025-05-01T16:30:00.000Z' }, '2026-05-01T15:59:59.999Z')).toEqual([]);
  });

  test('due: never swept, open hazards, referred complaints, a year since the last sweep, half a year for buildings of 20 years', () => {
    expect(dueReasons({ ...calm, lastSweptAt: undefined }, now)).toEqual(['never_swept']);
    expect(dueReasons(calm, now)).toEqual([]);
    expect(dueReasons({ ...calm, openHazards: 1, openReferrals: 2 }, now)).toEqual(['open_hazards', 'referred_complaints']);
    expect(dueReasons({ ...calm, lastSweptAt: sweptDaysAgo(364) }, now)).toEqual([]);
    expect(dueReasons({ ...calm, lastSweptAt: sweptDaysAgo(365) }, now)).toEqual(['interval_elapsed']);
    expect(dueReasons({ ...calm, builtYear: 2006, lastSweptAt: sweptDaysAgo(179) }, now)).toEqual([]);
    expect(dueReasons({ ...calm, builtYear: 2006, lastSweptAt: sweptDaysAgo(180) }, now)).toEqual(['old_building_interval_elapsed']);
    expect(dueReasons({ ...calm, builtYear: 2007, lastSweptAt: sweptDaysAgo(180) }, now)).toEqual([]);
  });

  const period = { startsOn: '2026-05-04', endsOn: '2026-06-30' };

  test('the riskier, the earlier; never on a weekend when the period allows; a period under way plans from today', () => {
    // Score 100: the first day, spread over a tenth of the period (5 days here), off the weekend (+2).
    expect(plannedDate(100, period, '2026-05-01', 'C1') <= addDaysToDate(period.startsOn, 7)).toBe(true);
    expect(plannedDate(0, period, '2026-05-01', 'C1') >= '2026-06-20').toBe(true);
    expect(plannedDate(100, period, '2026-05-20', 'C1') >= '2026-05-20').toBe(true);
    // A period of one Saturday has no weekday: the day stays.
    expect(plannedDate(50, { startsOn: '2026-05-09', endsOn: '2026-05-09' }, '2026-05-01', 'C1')).toBe('2026-05-09');
    // Saturday-to-Sunday with Friday before it in range: Friday.
    expect(plannedDate(0, { startsOn: '2026-05-08', endsOn: '2026-05-10' }, '2026-05-01', 'C1')).toBe('2026-05-08');
  });

  test('within the period, on a weekday, and never later for a higher score (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.string({ minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 120 }), (a, b, compound, length) => {
        const p = { startsOn: '2026-05-04', endsOn: addDaysToDate('2026-05-04', length + 3) };
        const [high, low] = a >= b ? [a, b] : [b, a];
        const early = plannedDate(high, p, '2026-05-01', compound);
        const late = plannedDate(low, p, '2026-05-01', compound);
        expect(early <= late).toBe(true);
        for (const day of [early, late]) {
          expect(day >= p.startsOn && day <= p.endsOn).toBe(true);
          expect(isWeekend(day)).toBe(false);
        }
      }),
    );
  });
});

describe('departments and remit', () => {
  test('the eight are built in, each with a remit', () => {
    expect(BUILT_IN_DEPARTMENTS.map((d) => d.departmentId).sort()).toEqual(['court', 'fire-rescue', 'housing-bureau', 'justice-bureau', 'police', 'procuratorate', 'urban-management', 'work-safety']);
    for (const d of BUILT_IN_DEPARTMENTS) expect(d.categories.length).toBeGreaterThan(0);
    // Every category is some department's, and every referral lands in a category.
    for (const c of CATEGORIES) expect(BUILT_IN_DEPARTMENTS.some((d) => withinRemit(d, c))).toBe(true);
    for (const c of Object.values(REFERRAL_CATEGORY)) expect(CATEGORIES).toContain(c);
  });

  test('each category goes to the first listed department that covers it; the rest is reported', () => {
    const fire = BUILT_IN_DEPARTMENTS.find((d) => d.departmentId === 'fire-rescue')!;
    const urban = BUILT_IN_DEPARTMENTS.find((d) => d.departmentId === 'urban-management')!;
    expect(assignCategories(['fire_lane_blocked', 'illegal_construction_common_part', 'group_rental'], [urban, fire])).toEqual({
      assignments: [{ department: 'urban-management', categories: ['fire_lane_blocked', 'illegal_construction_common_part'] }],
      uncovered: ['group_rental'],
    });
    expect(assignCategories(['fire_lane_blocked', 'illegal_construction_common_part'], [fire, urban]).assignments).toEqual([
      { department: 'fire-rescue', categories: ['fire_lane_blocked'] },
      { department: 'urban-management', categories: ['illegal_construction_common_part'] },
    ]);
  });
});

describe('findings', () => {
  test('an owner is named by owner id, nobody else has one; a location is needed', () => {
    expect(responsiblePartyProblems({ kind: 'owner' }, 'p')).toEqual([{ field: 'p.ownerId', reason: expect.any(String) }]);
    expect(responsiblePartyProblems({ kind: 'tenant', ownerId: 'O1' }, 'p')).toHaveLength(1);
    expect(responsiblePartyProblems({ kind: 'owner', ownerId: 'O1' }, 'p')).toEqual([]);
    expect(locationProblems({}, 'l')).toHaveLength(1);
    expect(locationProblems({ commonPart: 'roof' }, 'l')).toEqual([]);
  });

  test('only an owner’s violation of a class reaches the negative list', () => {
    expect(ownersViolation({ category: 'illegal_construction_common_part', responsibleParty: { kind: 'owner', ownerId: 'O1' } })).toEqual({ ownerId: 'O1', violationClass: 'illegal_construction' });
    expect(ownersViolation({ category: 'owner_fee_dispute', responsibleParty: { kind: 'owner', ownerId: 'O1' } })).toBeUndefined();
    expect(ownersViolation({ category: 'fire_lane_blocked', responsibleParty: { kind: 'property_company' } })).toBeUndefined();
  });

  test('a closed finding has no next step', () => {
    const open = {
      status: 'open',
      severity: 'general',
      category: 'fire_lane_blocked',
      criminal: false,
      department: 'fire-rescue',
      noticeIssuedAt: '2026-05-04T02:00:00.000Z',
      deadline: '2026-05-07T16:00:00.000Z',
      steps: [],
      compoundId: 'C1',
      findingId: 'F1',
    } as unknown as Finding;
    expect(pendingStep(open)).toMatchObject({ step: 'reminder' });
    expect(pendingStep({ ...open, status: 'rectified' })).toBeUndefined();
    expect(pendingStep({ ...open, status: 'to_inspect' })).toBeUndefined();
  });
});

describe('statistics', () => {
  test('each event adds to its measures', () => {
    const e = (detailType: string, data: Record<string, unknown>) => deltasOf({ detailType, data });
    expect(e('FindingConfirmed', { category: 'fire_lane_blocked' })).toEqual({ hazardsFound__fire_lane_blocked: 1 });
    expect(e('FindingRectified', { category: 'illegal_construction_common_part', abatement: 'demolition' })).toEqual({
      hazardsRectified__illegal_construction_common_part: 1,
      demolitions__illegal_construction_common_part: 1,
    });
    expect(e('FindingRectified', { category: 'fire_lane_blocked', how: 'reinspection' })).toEqual({ hazardsRectified__fire_lane_blocked: 1 });
    expect(e('EnforcementEscalated', { category: 'group_rental', step: 'administrative_case', department: 'police' })).toEqual({ casesFiled__group_rental: 1, policeAdministrative__group_rental: 1 });
    expect(e('EnforcementEscalated', { category: 'fire_lane_blocked', step: 'administrative_case', department: 'fire-rescue' })).toEqual({ casesFiled__fire_lane_blocked: 1 });
    expect(e('EnforcementEscalated', { category: 'fire_lane_blocked', step: 'procuratorate_recommendation' })).toEqual({ recommendations__fire_lane_blocked: 1 });
    expect(e('EnforcementEscalated', { category: 'fire_lane_blocked', step: 'litigation' })).toEqual({ litigations__fire_lane_blocked: 1 });
    expect(e('EnforcementEscalated', { category: 'public_order', step: 'police_case' })).toEqual({ policeCriminal__public_order: 1 });
    expect(e('EnforcementEscalated', { category: 'public_order', step: 'reminder' })).toEqual({ reminders__public_order: 1 });
    expect(e('SweepCompleted', {})).toEqual({ sweepsCompleted: 1 });
    expect(e('FindingReferred', { category: 'water_power_cutoff' })).toEqual({ referralsReceived__water_power_cutoff: 1 });
    expect(e('SweepPlanned', {})).toEqual({});
  });

  test('an inspection sweeps its compound and each category it checked', () => {
    expect(
      sweptKeysOf({
        detailType: 'InspectionRecorded',
        data: {
          checklist: [
            { category: 'fire_lane_blocked', result: 'pass' },
            { category: 'group_rental', result: 'not_applicable' },
            { category: 'ebike_indoor_charging', result: 'fail' },
          ],
        },
      }),
    ).toEqual(['compoundsSwept', 'compoundsSwept__fire_lane_blocked', 'compoundsSwept__ebike_indoor_charging']);
    expect(sweptKeysOf({ detailType: 'FindingConfirmed', data: {} })).toEqual([]);
  });

  test('periods: a year, a quarter or a month, nothing else', () => {
    expect(parsePeriod('2026')?.months).toHaveLength(12);
    expect(parsePeriod('2026-Q1')?.months).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(parsePeriod('2026-Q4')?.months).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(parsePeriod('2026-05')).toEqual({ kind: 'month', months: ['2026-05'] });
    for (const bad of ['2026-Q0', '2026-Q5', '2026-00', '2026-13', '2026-5', '26', '2026-W1', '']) expect(parsePeriod(bad)).toBeUndefined();
    expect(periodsOfMonth('2026-05')).toEqual(['2026-05', '2026-Q2', '2026']);
  });

  test('figures sum the months and group hazards by class', () => {
    const f = summarize(
      [
        { hazardsFound__fire_lane_blocked: 2, hazardsFound__ebike_indoor_charging: 1, sweepsCompleted: 3 },
        { hazardsFound__fire_lane_blocked: 1, hazardsRectified__water_power_cutoff: 4 },
      ],
      { compoundsSwept: 3, compoundsSwept__fire_lane_blocked: 2 },
    );
    expect(f.measures.hazardsFound).toEqual({ total: 4, byCategory: { fire_lane_blocked: 3, ebike_indoor_charging: 1 } });
    expect(f.hazardsFoundByClass).toEqual({ fire_safety: 4 });
    expect(f.hazardsRectifiedByClass).toEqual({ water_power_supply: 4 });
    expect([f.compoundsSwept, f.sweepsCompleted, f.compoundsSweptByCategory]).toEqual([3, 3, { fire_lane_blocked: 2 }]);
    expect(figureRows(f)).toEqual(
      expect.arrayContaining([
        ['compounds_swept', '', 3],
        ['hazards_found', 'fire_lane_blocked', 3],
        ['hazards_found_by_class', 'fire_safety', 4],
        ['police_criminal', '', 0],
      ]),
    );
  });
});
