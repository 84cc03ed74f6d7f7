import fc from 'fast-check';
import { Principal, parseGrants } from '../../../libs/auth';
import { WEEKDAYS_ONLY } from '../../../libs/calendar';
import { endOfLocalDay, isWorkingDay, localDate, localMonth, minutesBetween, shanghaiTime, workingDeadline, type WorkingCalendar } from './calendar';
import { CATEGORIES, CATEGORY_RULES, defaultHandler, escalationTarget, handlerServes, type Handler } from './categories';
import { STATUSES, open311Status, type Complaint, type StepContext } from './complaint';
import { acknowledge, close, confirm, escalate, lapse, receive, referForEnforcement, referToCourt, reopen, resolve, route, startWork, CONFIRMATION_WORKING_DAYS, type NewComplaint } from './lifecycle';
import {
  applyForJudicialConfirmation,
  judicialConfirmationDeadline,
  confirmAgreement,
  decideJudicialConfirmation,
  draftAgreement,
  failMediation,
  openMediation,
  recordSession,
  scheduleSession,
  termsHash,
} from './mediation';
import { handlesCase, isComplainant, mayRead, seesIdentity, viewFor } from './access';
import { cellsAround, distanceMetres, geohash, nearestCovering, MAX_RADIUS_METRES } from './geo';
import { checkAttributes, placement, requestView, serviceDefinition, serviceList, splitFormat } from './open311';
import { countersFor, figures, parsePeriod, percentChange, previousPeriod, sum } from './statistics';

const location = { compoundId: 'C1', communityId: 'K1', streetId: 'S1', districtId: 'D1' };
const principal = (grants: string, subject = 'someone') => new Principal(subject, parseGrants(grants));
// 2027-03-01 is a Monday; 09:00 Beijing time is 01:00 UTC.
const MONDAY_9AM = '2027-03-01T01:00:00.000Z';
const ctx = (now = MONDAY_9AM, actor = 'actor', calendar: WorkingCalendar = { holidays: [], workdays: [] }): StepContext => ({ actor, now, calendar, location });
const at = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3600_000).toISOString();

function newComplaint(over: Partial<NewComplaint> = {}): NewComplaint {
  return {
    complaintId: 'Q20270301-AAAAAA',
    compoundId: 'C1',
    category: 'leaks_repairs',
    channel: 'app',
    description: 'water through the ceiling',
    location: { buildingId: 'B1', unitId: 'B1-101' },
    attributes: {},
    complainant: { subject: 'owner-sub', ownerId: 'O1', name: 'Li' },
    anonymous: false,
    wantsPublic: false,
    attachments: [],
    trackingToken: 'abcdefghijkl',
    ...over,
  };
}
const filed = (over: Partial<NewComplaint> = {}, now = MONDAY_9AM) => receive(newComplaint(over), ctx(now)).complaint;

describe('working days in Beijing time', () => {
  test('local dates and months turn at 16:00 UTC', () => {
    expect(localDate('2027-02-28T15:59:59.999Z')).toBe('2027-02-28');
    expect(localDate('2027-02-28T16:00:00.000Z')).toBe('2027-03-01');
    expect(localMonth('2027-03-31T16:00:00.000Z')).toBe('2027-04');
    expect(endOfLocalDay('2027-03-01')).toBe('2027-03-01T15:59:59.999Z');
    expect(shanghaiTime('2027-03-01T08:00:00.000Z')).toBe('2027-03-01T16:00:00+08:00');
  });

  test('the day of receipt does not count, weekends and holidays do not, make-up days do', () => {
    expect(workingDeadline(MONDAY_9AM, 0)).toBe('2027-03-01T15:59:59.999Z');
    expect(workingDeadline(MONDAY_9AM, 1)).toBe('2027-03-02T15:59:59.999Z');
    expect(workingDeadline(MONDAY_9AM, 5)).toBe('2027-03-08T15:59:59.999Z'); // Mon → next Mon
    expect(workingDeadline('2027-03-05T15:59:59.999Z', 1)).toBe('2027-03-08T15:59:59.999Z'); // Friday 23:59 → Monday
    expect(workingDeadline('2027-03-05T16:00:00.000Z', 1)).toBe('2027-03-08T15:59:59.999Z'); // Saturday 00:00 → Monday
    const calendar = { holidays: ['2027-03-02', '2027-03-03'], workdays: ['2027-03-06'] };
    expect(workingDeadline(MONDAY_9AM, 1, calendar)).toBe('2027-03-04T15:59:59.999Z');
    expect(workingDeadline(MONDAY_9AM, 3, calendar)).toBe('2027-03-06T15:59:59.999Z'); // the make-up Saturday counts
    expect(isWorkingDay('2027-03-06', calendar)).toBe(true);
    expect(isWorkingDay('2027-03-07', calendar)).toBe(false);
    expect(() => workingDeadline(MONDAY_9AM, -1)).toThrow();
    expect(minutesBetween(MONDAY_9AM, at(MONDAY_9AM, 2))).toBe(120);
    expect(minutesBetween(at(MONDAY_9AM, 2), MONDAY_9AM)).toBe(0);
  });

  test('property: a deadline ends a working day, after the day of receipt, with exactly N working days in between', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2026-01-01'), max: new Date('2028-12-31'), noInvalidDate: true }), fc.integer({ min: 1, max: 30 }), (d, n) => {
        const from = d.toISOString();
        const deadline = workingDeadline(from, n);
        const last = localDate(deadline);
        expect(deadline).toBe(endOfLocalDay(last));
        expect(isWorkingDay(last)).toBe(true);
        let count = 0;
        for (let day = localDate(from); day < last; ) {
          day = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
          if (isWorkingDay(day)) count++;
        }
        expect(count).toBe(n);
      }),
    );
  });
});

describe('categories and handlers', () => {
  test('every category has a first handler in the compound’s chain, and deadlines ack ≤ resolve', () => {
    for (const c of CATEGORIES) {
      const rule = CATEGORY_RULES[c];
      expect(handlerServes(defaultHandler(c, location), location)).toBe(true);
      expect(rule.acknowledgeDays).toBeGreaterThan(0);
      expect(rule.acknowledgeDays).toBeLessThanOrEqual(rule.resolveDays);
      for (const a of rule.attributes) if (a.datatype.endsWith('list')) expect(a.values?.length).toBeGreaterThan(0);
    }
    expect(defaultHandler('utilities_cut_off', location)).toEqual({ kind: 'street', id: 'S1' });
    expect(defaultHandler('fire_safety', location)).toEqual({ kind: 'department', id: 'fire-rescue' });
    expect(defaultHandler('common_parts', location)).toEqual({ kind: 'committee', id: 'C1' });
  });

  test('escalation climbs one level and stops at the district', () => {
    const chain: Handler[] = [{ kind: 'property', id: 'C1' }];
    for (let h = escalationTarget(chain[0]!, location); h; h = escalationTarget(h, location)) chain.push(h);
    expect(chain.map((h) => `${h.kind}:${h.id}`)).toEqual(['property:C1', 'community:K1', 'street:S1', 'district:D1']);
    expect(escalationTarget({ kind: 'committee', id: 'C1' }, location)).toEqual({ kind: 'community', id: 'K1' });
    expect(escalationTarget({ kind: 'department', id: 'fire-rescue' }, location)).toEqual({ kind: 'district', id: 'D1' });
    expect(handlerServes({ kind: 'street', id: 'S2' }, location)).toBe(false);
    expect(handlerServes({ kind: 'property', id: 'C2' }, location)).toBe(false);
  });
});

describe('the life of a complaint', () => {
  test('receipt: handler, deadlines, visibility, required attributes, one event per attachment', () => {
    const { complaint, events } = receive(newComplaint({ attachments: [{ attachmentId: 'A1', source: 'upload', contentType: 'image/jpeg', key: 'k', addedBy: 'x', addedAt: MONDAY_9AM }] }), ctx());
    expect(complaint).toMatchObject({
      status: 'received',
      handler: { kind: 'property', id: 'C1' },
      acknowledgeBy: '2027-03-02T15:59:59.999Z',
      resolveBy: '2027-03-10T15:59:59.999Z',
      escalateAt: '2027-03-02T15:59:59.999Z',
      visibility: 'restricted',
      version: 0,
    });
    expect(events.map((e) => e.event.detailType)).toEqual(['ComplaintReceived', 'ComplaintAttachmentAdded']);
    expect(filed({ wantsPublic: true }).visibility).toBe('public');
    expect(filed({ wantsPublic: true, category: 'noise' }).visibility).toBe('restricted');
    expect(filed({ wantsPublic: true, respondent: { kind: 'owner', unitId: 'B1-102' } }).visibility).toBe('restricted');
    expect(() => filed({ category: 'fire_safety' })).toThrow(/needs hazard/);
    expect(filed({ category: 'fire_safety', attributes: { hazard: 'blocked_exit' } }).handler.kind).toBe('department');
  });

  test('which step is allowed in which state (every state, every step)', () => {
    const steps: Record<string, (c: Complaint) => unknown> = {
      acknowledge: (c) => acknowledge(c, undefined, ctx(at(MONDAY_9AM, 1))),
      start: (c) => startWork(c, 'working', ctx(at(MONDAY_9AM, 1))),
      route: (c) => route(c, { kind: 'community', id: 'K1' }, 'r', ctx(at(MONDAY_9AM, 1))),
      resolve: (c) => resolve(c, { kind: 'handled', note: 'n' }, ctx(at(MONDAY_9AM, 1))),
      close: (c) => close(c, 'duplicate', 'n', ctx(at(MONDAY_9AM, 1))),
      confirm: (c) => confirm(c, { score: 5 }, ctx(at(MONDAY_9AM, 1))),
      reopen: (c) => reopen(c, 'again', ctx(at(MONDAY_9AM, 1))),
      court: (c) => referToCourt(c, 'court', 'n', ctx(at(MONDAY_9AM, 1))),
      mediate: (c) => openMediation(c, { mediator: { kind: 'community', name: 'm' }, parties: [{ kind: 'property_company', name: 'p' }] }, ctx(at(MONDAY_9AM, 1))),
    };
    const allowed: Record<string, string[]> = {
      acknowledge: ['received'],
      start: ['received', 'acknowledged'],
      route: ['received', 'acknowledged', 'in_progress'],
      resolve: ['received', 'acknowledged', 'in_progress'],
      close: ['received', 'acknowledged', 'in_progress'],
      confirm: ['resolved'],
      reopen: ['resolved'],
      court: ['acknowledged', 'in_progress'],
      mediate: ['received', 'acknowledged', 'in_progress'],
    };
    const base = filed();
    for (const status of STATUSES) {
      const c: Complaint = { ...base, status, acknowledgedAt: status === 'received' ? undefined : MONDAY_9AM, confirmBy: status === 'resolved' ? at(MONDAY_9AM, 48) : undefined };
      for (const [name, run] of Object.entries(steps)) {
        if (allowed[name]!.includes(status)) expect(() => run(c)).not.toThrow();
        else expect(() => run(c)).toThrow();
      }
    }
  });

  test('acknowledging in time or late; resolving in time or late; the event says so', () => {
    const c = filed();
    expect(acknowledge(c, undefined, ctx('2027-03-02T15:59:59.999Z')).events[0]!.data).toMatchObject({ onTime: true, minutesToAcknowledge: 2339 });
    expect(acknowledge(c, undefined, ctx('2027-03-02T16:00:00.000Z')).events[0]!.data).toMatchObject({ onTime: false });
    expect((resolve(c, { kind: 'handled', note: 'n' }, ctx('2027-03-10T15:59:59.999Z')).events.at(-1)!.data as { onTime: boolean }).onTime).toBe(true);
    expect((resolve(c, { kind: 'handled', note: 'n' }, ctx('2027-03-10T16:00:00.000Z')).events.at(-1)!.data as { onTime: boolean }).onTime).toBe(false);
    // Resolving an unacknowledged case acknowledges it in the same step.
    expect(resolve(c, { kind: 'handled', note: 'n' }, ctx(at(MONDAY_9AM, 1))).events.map((e) => e.event.detailType)).toEqual(['ComplaintAcknowledged', 'ComplaintResolved']);
  });

  test('escalation: nothing before the deadline, one level at its end, a grace for the new handler, none beyond the district', () => {
    const c = filed();
    expect(escalate(c, ctx('2027-03-02T15:59:59.998Z'))).toBeUndefined();
    const up = escalate(c, ctx('2027-03-02T16:00:00.000Z'))!;
    expect(up.complaint).toMatchObject({ handler: { kind: 'community', id: 'K1' }, escalationLevel: 1, escalateAt: '2027-03-05T15:59:59.999Z' });
    expect(up.events[0]!.data).toMatchObject({ missed: 'acknowledge', dueAt: '2027-03-02T15:59:59.999Z', level: 1 });
    const acked = acknowledge(up.complaint, undefined, ctx('2027-03-03T02:00:00.000Z')).complaint;
    expect(acked.escalateAt).toBe(acked.resolveBy);
    const atDistrict = { ...c, handler: { kind: 'district' as const, id: 'D1' }, escalateAt: MONDAY_9AM };
    expect(escalate(atDistrict, ctx(at(MONDAY_9AM, 1)))).toEqual({ complaint: { ...atDistrict, escalateAt: undefined }, events: [] });
    expect(escalate({ ...c, status: 'in_mediation' }, ctx('2027-04-01T00:00:00.000Z'))).toBeUndefined();
  });

  test('confirmation period: reopen until its last instant, the schedule closes it after', () => {
    const resolved = resolve(filed(), { kind: 'handled', note: 'n' }, ctx(MONDAY_9AM)).complaint;
    expect(resolved.confirmBy).toBe(workingDeadline(MONDAY_9AM, CONFIRMATION_WORKING_DAYS));
    expect(reopen(resolved, 'again', ctx(resolved.confirmBy!)).complaint.status).toBe('in_progress');
    expect(() => reopen(resolved, 'again', ctx(at(resolved.confirmBy!, 0.001)))).toThrow(/confirmation period ended/);
    expect(lapse(resolved, ctx(at(resolved.confirmBy!, -0.001)))).toBeUndefined();
    expect(lapse(resolved, ctx(resolved.confirmBy!))!.complaint.closure).toMatchObject({ reason: 'confirmation_lapsed' });
  });

  test('enforcement referral only for the categories the departments take', () => {
    const acked = (category: NewComplaint['category'], attributes = {}) => acknowledge(filed({ category, attributes }), undefined, ctx(at(MONDAY_9AM, 1))).complaint;
    expect(referForEnforcement(acked('utilities_cut_off', { utility: 'water' }), {}, ctx(at(MONDAY_9AM, 2))).events[0]!.data).toMatchObject({
      category: 'water_power_supply',
      suggestedDepartment: 'housing-bureau',
    });
    expect(() => referForEnforcement(acked('noise'), {}, ctx(at(MONDAY_9AM, 2)))).toThrow(/not a matter for the 8\+X/);
    expect(() => referForEnforcement(acked('pets'), {}, ctx(at(MONDAY_9AM, 2)))).toThrow();
  });
});

describe('mediation', () => {
  const opened = () =>
    openMediation(
      filed(),
      {
        mediator: { kind: 'community', name: 'Chen' },
        parties: [
          { kind: 'property_company', name: 'Haixi' },
          { kind: 'owner', name: 'neighbour', ownerId: 'O2' },
        ],
      },
      ctx(),
    ).complaint;

  test('an agreement needs a held session and every party; the last confirmation resolves the case as mediated', () => {
    let c = opened();
    expect(c.mediation!.parties.map((p) => [p.partyId, p.role])).toEqual([
      ['P1', 'complainant'],
      ['P2', 'respondent'],
      ['P3', 'respondent'],
    ]);
    expect(() => draftAgreement(c, 'terms of the agreement', ctx())).toThrow(/at least one session/);
    c = scheduleSession(c, { scheduledAt: at(MONDAY_9AM, 1), place: 'office' }, ctx()).complaint;
    expect(() => recordSession(c, 1, { status: 'held', outcome: 'x' }, ctx())).toThrow(/cannot have been held yet/);
    c = recordSession(c, 1, { status: 'held', outcome: 'heard' }, ctx(at(MONDAY_9AM, 2))).complaint;
    expect(() => recordSession(c, 1, { status: 'cancelled', outcome: 'x' }, ctx(at(MONDAY_9AM, 2)))).toThrow(/already held/);
    c = draftAgreement(c, 'terms of the agreement', ctx(at(MONDAY_9AM, 3))).complaint;
    const hash = termsHash('terms of the agreement');
    expect(() => confirmAgreement(c, 'P1', termsHash('other terms'), false, ctx())).toThrow(/changed/);
    expect(() => confirmAgreement(c, 'P9', hash, false, ctx())).toThrow(/no party/);
    c = confirmAgreement(c, 'P1', hash, false, ctx(at(MONDAY_9AM, 4))).complaint;
    expect(() => confirmAgreement(c, 'P1', hash, false, ctx())).toThrow(/already confirmed/);
    c = confirmAgreement(c, 'P3', hash, true, ctx(at(MONDAY_9AM, 4))).complaint;
    expect(c.status).toBe('in_mediation');
    const last = confirmAgreement(c, 'P2', hash, false, ctx(at(MONDAY_9AM, 5)));
    expect(last.complaint).toMatchObject({ status: 'resolved', resolution: { kind: 'mediated' }, mediation: { status: 'agreed' } });
    expect(last.events.map((e) => e.event.detailType)).toEqual(['MediationAgreementConfirmed', 'MediationAgreementSigned', 'ComplaintResolved']);
    // Redrafting before the last confirmation replaces the terms and drops the confirmations given.
    expect(Object.keys(c.mediation!.agreement!.confirmations)).toEqual(['P1', 'P3']);
    const redrafted = draftAgreement(c, 'new terms, again', ctx()).complaint;
    expect(redrafted.mediation!.agreement).toMatchObject({ termsHash: termsHash('new terms, again'), confirmations: {} });
  });

  test('an anonymous complaint cannot be mediated; a failed mediation goes back with time to act', () => {
    expect(() => openMediation(filed({ anonymous: true }), { mediator: { kind: 'centre', name: 'm' }, parties: [{ kind: 'other', name: 'x' }] }, ctx())).toThrow(/anonymous/);
    const failed = failMediation(opened(), 'no agreement', ctx('2027-03-20T02:00:00.000Z')).complaint;
    expect(failed).toMatchObject({ status: 'in_progress', mediation: { status: 'failed' }, resolveBy: workingDeadline('2027-03-20T02:00:00.000Z', 5) });
    expect(() => openMediation(failed, { mediator: { kind: 'centre', name: 'm' }, parties: [{ kind: 'other', name: 'x' }] }, ctx())).toThrow(/already had a mediation/);
    expect(referToCourt(failed, 'court', 'n', ctx()).events[0]!.data).toMatchObject({ afterMediation: true });
  });

  test('judicial confirmation: within 30 days of signing, then decided once, between application and now', () => {
    const signedAt = MONDAY_9AM;
    const agreed: Complaint = {
      ...filed(),
      status: 'resolved',
      mediation: { ...opened().mediation!, status: 'agreed', agreement: { terms: 't', termsHash: 'h', draftedAt: signedAt, draftedBy: 'm', confirmations: {}, signedAt } },
    };
    expect(() => applyForJudicialConfirmation(filed(), 'court', ctx())).toThrow(/signed mediation agreement/);
    // Signed on a Monday at 09:00 Beijing time: the day of signature does not count, so the 30th day is
    // a Wednesday and the time runs out at its 24:00 Beijing time, not 30 × 24 hours after the signature.
    const deadline = judicialConfirmationDeadline(signedAt, WEEKDAYS_ONLY);
    expect(deadline).toBe('2027-03-31T16:00:00.000Z');
    // A 30th day on a Sunday (signed Friday 5 March) moves to Monday; the bureau's calendar makes that
    // Monday Qingming (5 April 2027), a holiday, so the time runs to Tuesday's 24:00.
    expect(judicialConfirmationDeadline('2027-03-05T09:00:00.000Z', WEEKDAYS_ONLY)).toBe('2027-04-05T16:00:00.000Z');
    expect(judicialConfirmationDeadline('2027-03-05T09:00:00.000Z', { holidays: ['2027-04-05'], workdays: [] })).toBe('2027-04-06T16:00:00.000Z');
    // Signed at 23:59 Beijing time or at 00:00 the next day: the day of signature never counts.
    expect(judicialConfirmationDeadline('2027-02-28T15:59:59.999Z', WEEKDAYS_ONLY)).toBe('2027-03-30T16:00:00.000Z');
    expect(judicialConfirmationDeadline('2027-02-28T16:00:00.000Z', WEEKDAYS_ONLY)).toBe('2027-03-31T16:00:00.000Z');
    expect(() => applyForJudicialConfirmation(agreed, 'court', ctx(deadline))).toThrow(/within 30 days/);
    const applied = applyForJudicialConfirmation(agreed, 'court', ctx(at(deadline, -1 / 3_600_000))).complaint;
    expect(() => applyForJudicialConfirmation(applied, 'court', ctx(at(signedAt, 30 * 24)))).toThrow(/already/);
    const now = at(signedAt, 31 * 24);
    expect(() => decideJudicialConfirmation(applied, { decision: 'confirmed', rulingRef: 'r', decidedAt: at(signedAt, 1) }, ctx(now))).toThrow(/between/);
    expect(() => decideJudicialConfirmation(applied, { decision: 'confirmed', rulingRef: 'r', decidedAt: at(now, 1) }, ctx(now))).toThrow(/between/);
    const decided = decideJudicialConfirmation(applied, { decision: 'rejected', rulingRef: 'r', decidedAt: now }, ctx(now)).complaint;
    expect(decided.judicialConfirmation).toMatchObject({ decision: 'rejected' });
    expect(() => decideJudicialConfirmation(decided, { decision: 'confirmed', rulingRef: 'r', decidedAt: now }, ctx(now))).toThrow(/already decided/);
  });
});

describe('who sees and does what', () => {
  const c = filed({ respondent: { kind: 'property_company' } });

  test('handlers and their supervisors act; others do not', () => {
    expect(handlesCase(principal('property:C1'), c, location)).toBe(true);
    expect(handlesCase(principal('community:K1'), c, location)).toBe(true);
    expect(handlesCase(principal('community:K2'), c, location)).toBe(false);
    expect(handlesCase(principal('committee:C1'), c, location)).toBe(false);
    expect(handlesCase(principal('owner:C1:O1'), c, location)).toBe(false);
    const atStreet = { ...c, handler: { kind: 'street' as const, id: 'S1' } };
    expect(handlesCase(principal('community:K1'), atStreet, location)).toBe(false);
    expect(handlesCase(principal('district:D1'), atStreet, location)).toBe(true);
    expect(handlesCase(principal('department:fire-rescue'), { ...c, handler: { kind: 'department', id: 'fire-rescue' } }, location)).toBe(true);
    expect(handlesCase(principal('department:police'), { ...c, handler: { kind: 'department', id: 'fire-rescue' } }, location)).toBe(false);
  });

  test('identity: the complainant and officials; the handler unless it is the party complained about; nobody when anonymous', () => {
    expect(seesIdentity(principal('owner:C1:O1', 'owner-sub'), c, location)).toBe(true);
    expect(seesIdentity(principal('street:S1'), c, location)).toBe(true);
    expect(seesIdentity(principal('property:C1'), c, location)).toBe(false);
    expect(seesIdentity(principal('property:C1'), { ...c, respondent: { kind: 'owner' } }, location)).toBe(true);
    expect(seesIdentity(principal('committee:C1'), c, location)).toBe(false);
    expect(seesIdentity(principal('inspector:S1'), c, location)).toBe(false);
    expect(seesIdentity(principal('street:S1'), { ...c, anonymous: true }, location)).toBe(false);
    expect(viewFor(principal('property:C1'), c, location).complainant).toEqual({});
    expect(viewFor(principal('property:C1'), c, location)).not.toHaveProperty('trackingToken');
    expect(isComplainant(principal('owner:C1:O1', 'other-sub'), c)).toBe(false);
    expect(mayRead(principal('owner:C1:O2', 'other-sub'), c, location)).toBe(false);
    expect(mayRead(principal('inspector:S1'), c, location)).toBe(true);
  });
});

describe('Open311 mapping', () => {
  test('statuses: open while being worked on, closed once resolved, referred or closed', () => {
    expect(STATUSES.map((s) => [s, open311Status(s)])).toEqual([
      ['received', 'open'],
      ['acknowledged', 'open'],
      ['in_progress', 'open'],
      ['in_mediation', 'open'],
      ['resolved', 'closed'],
      ['referred', 'closed'],
      ['closed', 'closed'],
    ]);
  });

  test('formats, services and definitions', () => {
    expect(splitFormat('Q20270301-AAAAAA.json')).toEqual({ name: 'Q20270301-AAAAAA', format: 'json' });
    expect(splitFormat('a.b.xml')).toEqual({ name: 'a.b', format: 'xml' });
    expect(() => splitFormat('services.html')).toThrow();
    expect(() => splitFormat('.json')).toThrow();
    expect(
      serviceList()
        .filter((s) => s.metadata)
        .map((s) => s.service_code)
        .sort(),
    ).toEqual(CATEGORIES.filter((c) => CATEGORY_RULES[c].attributes.length > 0).sort());
    expect(serviceDefinition('noise').attributes[0]).toMatchObject({ variable: true, code: 'time_of_day', order: 1, datatype_description: null });
  });

  test('attributes are checked against the definition; unknown codes are dropped', () => {
    expect(checkAttributes('noise', { time_of_day: 'night', extra: 'x' })).toEqual({ time_of_day: 'night' });
    expect(checkAttributes('noise', undefined)).toEqual({});
    expect(() => checkAttributes('noise', { time_of_day: 'dawn' })).toThrow(/dawn is not one of/);
    expect(() => checkAttributes('noise', { time_of_day: ['day', 'night'] })).toThrow(/one value/);
    expect(() => checkAttributes('utilities_cut_off', { utility: 'water', since: 'last week' })).toThrow(/datetime/);
    expect(() => checkAttributes('utilities_cut_off', { utility: '' })).toThrow(/required/);
  });

  test('placing a request: address_id, a compound as jurisdiction, or a point', () => {
    expect(placement({ address_id: 'C1:B1:B1-101' }, undefined)).toEqual({ compoundId: 'C1', buildingId: 'B1', unitId: 'B1-101', point: undefined });
    expect(placement({ address_id: 'C1', lat: 1, long: 2 }, 'C1')).toEqual({ compoundId: 'C1', buildingId: undefined, unitId: undefined, point: { lat: 1, long: 2 } });
    expect(() => placement({ address_id: 'C1' }, 'C2')).toThrow(/another compound/);
    expect(placement({}, 'C1')).toEqual({ compoundId: 'C1', point: undefined });
    expect(placement({ lat: 24.9, long: 118.6 }, undefined)).toEqual({ point: { lat: 24.9, long: 118.6 } });
    expect(() => placement({ lat: 24.9 }, undefined)).toThrow(/together/);
    expect(() => placement({ address_string: '1 Road' }, undefined)).toThrow(/cannot be placed/);
    expect(() => placement({}, undefined)).toThrow(/location is required/);
    expect(() => placement({ address_id: 'C1::' }, undefined)).toThrow(/malformed|not compound/);
  });

  test('a request view has every field; the restricted view places the case at its compound only', () => {
    const c = {
      ...filed({ description: 'secret', location: { unitId: 'B1-101', lat: 24.91, long: 118.61 } }),
      attachments: [{ attachmentId: 'A1', source: 'upload' as const, contentType: 'image/jpeg', key: 'k', addedBy: 'x', addedAt: MONDAY_9AM }],
    };
    const facts = { name: 'Donghu', address: '1 Road', zipcode: '362000', lat: 24.9, long: 118.6 };
    const full = requestView(c, facts, { full: true, mediaBase: 'https://x/open311/v2/media' });
    const restricted = requestView(c, facts, { full: false, mediaBase: 'https://x/open311/v2/media' });
    expect(Object.keys(full)).toEqual(Object.keys(restricted));
    expect(full).toMatchObject({
      description: 'secret',
      address_id: 'C1:B1-101',
      lat: 24.91,
      media_url: `https://x/open311/v2/media/${c.complaintId}/A1`,
      requested_datetime: '2027-03-01T09:00:00+08:00',
      expected_datetime: '2027-03-10T23:59:59+08:00',
    });
    expect(restricted).toMatchObject({ description: null, address: 'Donghu, 1 Road', address_id: 'C1', lat: 24.9, long: 118.6, media_url: null, status_notes: expect.stringContaining('Received') });
    expect(JSON.stringify(full)).not.toContain('owner-sub');
  });
});

describe('geohash cells', () => {
  test('known values and distances', () => {
    expect(geohash(57.64911, 10.40744, 11)).toBe('u4pruydqqvj');
    expect(geohash(24.9101, 118.6107)).toHaveLength(5);
    expect(Math.round(distanceMetres(24.9101, 118.6107, 24.9101, 118.6107))).toBe(0);
    expect(Math.round(distanceMetres(0, 0, 0, 1) / 1000)).toBe(111);
  });

  test('property: any compound whose radius covers a point is in the cells around the point', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -60, max: 60, noNaN: true }),
        fc.double({ min: -179, max: 179, noNaN: true }),
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        fc.double({ min: 0, max: MAX_RADIUS_METRES, noNaN: true }),
        (lat, long, bearing, metres) => {
          const dLat = (metres * Math.cos(bearing)) / 111_320;
          const dLong = (metres * Math.sin(bearing)) / (111_320 * Math.cos((lat * Math.PI) / 180));
          const centre = { lat: lat + dLat, long: long + dLong };
          expect(cellsAround(lat, long)).toContain(geohash(centre.lat, centre.long));
        },
      ),
    );
  });

  test('the nearest compound whose radius covers the point wins', () => {
    const a = { compoundId: 'A', lat: 24.91, long: 118.61, radiusMetres: 500 };
    const b = { compoundId: 'B', lat: 24.912, long: 118.61, radiusMetres: 500 };
    expect(nearestCovering(24.9115, 118.61, [a, b])?.compoundId).toBe('B');
    expect(nearestCovering(24.9105, 118.61, [a, b])?.compoundId).toBe('A');
    expect(nearestCovering(24.95, 118.61, [a, b])).toBeUndefined();
  });
});

describe('statistics', () => {
  test('what each event adds, and to which month', () => {
    expect(countersFor({ detailType: 'ComplaintReceived', occurredAt: '2027-01-31T16:00:00.000Z', data: { category: 'fees' } })).toEqual({ month: '2027-02', add: { accepted: 1, accepted_fees: 1 } });
    expect(countersFor({ detailType: 'CourtVisitRecorded', occurredAt: '2027-03-01T00:00:00.000Z', data: { visitedOn: '2027-01-15', settledOnSite: 3 } })).toEqual({
      month: '2027-01',
      add: { courtVisits: 1, settledOnSite: 3 },
    });
    expect(countersFor({ detailType: 'ComplaintClosed', occurredAt: MONDAY_9AM, data: { reason: 'withdrawn' } })!.add).toEqual({ closed: 1 });
    expect(countersFor({ detailType: 'ComplaintRouted', occurredAt: MONDAY_9AM, data: {} })).toBeUndefined();
  });

  test('the city’s figures from the counters', () => {
    const f = figures(
      sum([
        {
          accepted: 811,
          mediatedSuccessfully: 206,
          courtVisits: 516,
          settledOnSite: 233,
          acknowledged: 2,
          acknowledgeMinutes: 61,
          ratings: 3,
          ratingSum: 13,
          referredToCourt: 4,
          referredForEnforcement: 6,
          accepted_fees: 2,
        },
      ]),
    );
    expect(f).toMatchObject({
      accepted: 811,
      mediatedSuccessfully: 206,
      courtVisits: 516,
      settledOnSite: 233,
      averageMinutesToAcknowledge: 31,
      averageRating: 4.33,
      referred: 10,
      acceptedByCategory: { fees: 2 },
    });
    expect(figures({}).averageMinutesToResolve).toBeUndefined();
  });

  test('periods and the one before; change in percent', () => {
    expect(parsePeriod('2027').months).toHaveLength(12);
    expect(parsePeriod('2027-Q4').months).toEqual(['2027-10', '2027-11', '2027-12']);
    expect(previousPeriod(parsePeriod('2027-Q1'))).toEqual({ label: '2026-Q4', months: ['2026-10', '2026-11', '2026-12'] });
    expect(previousPeriod(parsePeriod('2027-01'))).toEqual({ label: '2026-12', months: ['2026-12'] });
    expect(previousPeriod(parsePeriod('2027')).label).toBe('2026');
    for (const bad of ['2027-13', '2027-Q5', '27', '2027-1']) expect(() => parsePeriod(bad)).toThrow();
    expect(percentChange(66, 100)).toBe('-34.00');
    expect(percentChange(2, 3)).toBe('-33.33');
    expect(percentChange(5, 4)).toBe('25.00');
    expect(percentChange(1, 0)).toBeUndefined();
  });
});
