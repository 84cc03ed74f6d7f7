import { ComplaintReferredForEnforcement } from '../events/catalogue';
import type { DeliveredEvent } from '../events/envelope';
import { clock } from '../libs/clock';
import type { LocalSystem } from '../infra/local/runtime';
import { rectificationDeadline } from '../services/enforcement/domain/deadlines';
import { addDaysToDate, localDate, startOfDate } from '../services/enforcement/domain/time';
import { client, compoundBody, registerAreas, rollCsv, startSystem } from './helpers';

/**
 * The enforcement service end to end on the local runtime: a campaign over a street planned by
 * the schedule and fanned out per compound, findings with computed deadlines, inspections, evidence,
 * a rectification, an overdue finding climbing to a procuratorate recommendation, an owner's
 * violation reaching the negative list and lifted, referrals from the disputes service, statistics.
 */
let system: LocalSystem;
let call: ReturnType<typeof client>;
const received: DeliveredEvent[] = [];
const events = (type: string) => received.filter((e) => e['detail-type'] === type);
const stepsOf = (findingId: string) =>
  events('EnforcementEscalated')
    .filter((e) => (e.detail.data as { findingId: string }).findingId === findingId)
    .map((e) => (e.detail.data as { step: string }).step);
const tokens: Record<string, string> = {};

const advance = async (ms: number) => {
  await system.scheduler.advance(ms);
  await system.idle();
};
/** Move the clock to `minutes` after `iso` (due schedules fire once on the way). */
const advanceTo = async (iso: string, minutes = 31) => advance(Math.max(0, Date.parse(iso) + minutes * 60_000 - clock.now().getTime()));
const today = () => localDate(clock.nowIso());

const CAMPAIGN = 'spring-sweep';
let campaign: Record<string, unknown>;

beforeAll(async () => {
  clock.reset();
  ({ system, call } = await startSystem());
  system.bus.subscribe({ target: 'probe', pattern: { source: ['gongzhi.enforcement', 'gongzhi.elections'] }, invoke: async (e) => void received.push(e) });
  const grants: Record<string, string[]> = {
    bureau: ['bureau'],
    street: ['street:S1'],
    otherStreet: ['street:S2'],
    district: ['district:D1'],
    inspector: ['inspector:S1'],
    fire: ['department:fire-rescue'],
    urban: ['department:urban-management'],
    police: ['department:police'],
    procuratorate: ['department:procuratorate'],
    twoDepartments: ['department:fire-rescue', 'department:procuratorate'],
    committee: ['committee:en-a'],
    owner5: ['owner:en-a:O5'],
    owner7: ['owner:en-a:O7'],
  };
  for (const [name, g] of Object.entries(grants)) tokens[name] = await system.token(g, name);
  await registerAreas(system, [{ districtId: 'D1', streetId: 'S2', communityId: 'K2' }]);
  for (const [id, community] of [
    ['en-a', 'K1'],
    ['en-b', 'K1'],
    ['en-c', 'K1'],
    ['en-x', 'K2'],
  ] as const) {
    expect((await call('POST', '/compounds', { token: tokens.bureau, body: compoundBody(id, { communityId: community }) })).status).toBe(201);
  }
  expect((await call('POST', '/compounds/en-a/roll', { token: tokens.bureau, raw: rollCsv(200), type: 'text/csv' })).status).toBe(201);
  await system.idle();
  campaign = {
    campaignId: CAMPAIGN,
    theme: 'Fire lanes, e-bikes indoors and illegal construction on common parts',
    categories: ['fire_lane_blocked', 'ebike_indoor_charging', 'illegal_construction_common_part'],
    departments: ['fire-rescue', 'urban-management'],
    startsOn: addDaysToDate(today(), 1),
    endsOn: addDaysToDate(today(), 40),
    scope: { kind: 'street', districtId: 'D1', streetId: 'S1' },
  };
});
afterAll(async () => {
  await system.close();
  clock.reset();
});

describe('departments and their remit', () => {
  test('the eight are built in; the bureau adds an X department; nobody else may', async () => {
    const list = await call('GET', '/enforcement/departments', { token: tokens.street });
    expect(list.status).toBe(200);
    expect(list.json.items.map((d: { departmentId: string }) => d.departmentId)).toEqual(
      expect.arrayContaining(['court', 'procuratorate', 'police', 'work-safety', 'justice-bureau', 'housing-bureau', 'urban-management', 'fire-rescue']),
    );
    const body = { departmentId: 'market-regulation', name: '市场监管局 Market regulation', categories: ['property_company_violation'] };
    expect((await call('POST', '/enforcement/departments', { token: tokens.street, body })).status).toBe(403);
    expect((await call('POST', '/enforcement/departments', { token: tokens.bureau, body: { ...body, categories: ['pets'] } })).status).toBe(400);
    expect((await call('POST', '/enforcement/departments', { token: tokens.bureau, body: { ...body, categories: ['group_rental', 'group_rental'] } })).status).toBe(422);
    expect((await call('GET', '/enforcement/departments/market-regulation', { token: tokens.street })).status).toBe(404); // nothing written
    expect((await call('POST', '/enforcement/departments', { token: tokens.bureau, body })).status).toBe(201);
    expect((await call('POST', '/enforcement/departments', { token: tokens.bureau, body })).status).toBe(409);
    expect((await call('POST', '/enforcement/departments', { token: tokens.bureau, body: { ...body, departmentId: 'police' } })).status).toBe(409);
    expect((await call('GET', '/enforcement/departments/market-regulation', { token: tokens.fire })).json).toMatchObject({ categories: ['property_company_violation'], builtIn: false });
    expect(events('DepartmentAdded')).toHaveLength(1);
  });

  test('a department acts only within its remit, as the bureau sets it now', async () => {
    const finding = {
      findingId: 'remit-1',
      category: 'fire_lane_blocked',
      severity: 'general',
      location: { commonPart: 'north gate lane' },
      responsibleParty: { kind: 'property_company' },
      description: 'cars parked across the fire lane',
    };
    // Police may find blocked fire lanes by default; the bureau narrows its remit, and the same request is refused.
    expect((await call('PUT', '/enforcement/departments/police/remit', { token: tokens.bureau, body: { categories: ['group_rental', 'public_order'] } })).json).toMatchObject({
      version: 1,
      builtIn: true,
    });
    const refused = await call('POST', '/enforcement/compounds/en-c/findings', { token: tokens.police, body: finding });
    expect([refused.status, refused.json.detail]).toEqual([403, expect.stringContaining('outside the remit of police')]);
    expect((await call('GET', '/enforcement/compounds/en-c/findings', { token: tokens.bureau })).json.items).toEqual([]);
    // Someone else's category, a department not in the alliance, a body naming a department the caller does not hold.
    expect((await call('POST', '/enforcement/compounds/en-c/findings', { token: tokens.fire, body: { ...finding, category: 'illegal_construction_common_part' } })).status).toBe(403);
    expect((await call('POST', '/enforcement/compounds/en-c/findings', { token: await system.token(['department:nobody']), body: finding })).status).toBe(403);
    expect((await call('POST', '/enforcement/compounds/en-c/findings', { token: tokens.fire, body: { ...finding, department: 'procuratorate' } })).status).toBe(403);
    // Two grants that both cover it: say which.
    const ambiguous = await call('POST', '/enforcement/compounds/en-c/findings', { token: tokens.twoDepartments, body: finding });
    expect([ambiguous.status, ambiguous.json.errors?.[0]?.field]).toEqual([422, 'body.department']);
    expect((await call('PUT', '/enforcement/departments/police/remit', { token: tokens.bureau, body: { categories: ['group_rental', 'public_order', 'fire_lane_blocked'] } })).json.version).toBe(2);
    expect((await call('PUT', '/enforcement/departments/police/remit', { token: tokens.police, body: { categories: [] } })).status).toBe(403);
    expect(events('DepartmentRemitChanged')).toHaveLength(2);
  });
});

describe('a campaign over a street, planned by the schedule and fanned out per compound', () => {
  test('bad campaigns are refused with reasons, and nothing is written', async () => {
    const post = (token: string, body: Record<string, unknown>) => call('POST', '/enforcement/campaigns', { token, body: { ...campaign, ...body } });
    const cases: [string, Record<string, unknown>, number, string?][] = [
      ['street', { endsOn: addDaysToDate(today(), -1), startsOn: addDaysToDate(today(), -5) }, 422, 'body.endsOn'],
      ['street', { endsOn: campaign.startsOn as string, startsOn: addDaysToDate(campaign.startsOn as string, 1) }, 422, 'body.endsOn'],
      ['street', { endsOn: addDaysToDate(today(), 400) }, 422, 'body.endsOn'],
      ['street', { startsOn: '2026-02-30' }, 422, 'body.startsOn'],
      ['street', { startsOn: 'soon' }, 400, 'body.startsOn'],
      ['street', { departments: ['fire-rescue', 'nobody'] }, 422, 'body.departments[1]'],
      ['street', { departments: ['fire-rescue'] }, 422, 'body.categories'],
      ['street', { categories: ['fire_lane_blocked', 'fire_lane_blocked'] }, 422, 'body.categories'],
      ['street', { scope: { kind: 'street', districtId: 'D1', streetId: 'S2' } }, 403],
      ['street', { scope: { kind: 'city' } }, 403],
      ['street', { scope: { kind: 'district', districtId: 'D1' } }, 403],
      ['district', { scope: { kind: 'street', districtId: 'D1', streetId: 'S9' } }, 422, 'body.scope'],
      ['street', { scope: { kind: 'compounds', compoundIds: ['en-a', 'nope'] } }, 422, 'body.scope.compoundIds[1]'],
      ['street', { scope: { kind: 'compounds', compoundIds: ['en-a', 'en-x'] } }, 403],
      ['street', { surprise: true }, 400],
      ['owner5', {}, 403],
      ['fire', {}, 403],
    ];
    for (const [who, body, status, field] of cases) {
      const r = await post(tokens[who]!, body);
      expect([who, JSON.stringify(body), r.status]).toEqual([who, JSON.stringify(body), status]);
      if (field) expect(r.json.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await call('GET', `/enforcement/campaigns/${CAMPAIGN}`, { token: tokens.bureau })).status).toBe(404);
    expect(events('CampaignCreated')).toHaveLength(0);
  });

  test('the street office creates it; a retry returns it, another campaign under its id is a conflict', async () => {
    const created = await call('POST', '/enforcement/campaigns', { token: tokens.street, body: campaign });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      status: 'scheduled',
      selection: 'all',
      area: { districtId: 'D1', streetId: 'S1' },
      assignments: [
        { department: 'fire-rescue', categories: ['fire_lane_blocked', 'ebike_indoor_charging'] },
        { department: 'urban-management', categories: ['illegal_construction_common_part'] },
      ],
      planAt: startOfDate(campaign.startsOn as string),
    });
    const again = await call('POST', '/enforcement/campaigns', { token: tokens.street, body: campaign });
    expect([again.status, again.json]).toEqual([200, created.json]);
    expect((await call('POST', '/enforcement/campaigns', { token: tokens.street, body: { ...campaign, theme: 'Another theme entirely' } })).status).toBe(409);
    // Idempotency-Key replays the first response.
    const keyed = { ...campaign, campaignId: 'keyed', selection: 'due' };
    const first = await call('POST', '/enforcement/campaigns', { token: tokens.street, body: keyed, headers: { 'idempotency-key': 'k-1' } });
    const replay = await call('POST', '/enforcement/campaigns', { token: tokens.street, body: keyed, headers: { 'idempotency-key': 'k-1' } });
    expect([first.status, replay.status, replay.headers.get('idempotent-replayed')]).toEqual([201, 201, 'true']);
    // Who sees it: the street, its district, departments, the bureau; not another street.
    for (const who of ['street', 'district', 'inspector', 'fire', 'bureau']) expect((await call('GET', `/enforcement/campaigns/${CAMPAIGN}`, { token: tokens[who] })).status).toBe(200);
    expect((await call('GET', `/enforcement/campaigns/${CAMPAIGN}`, { token: tokens.otherStreet })).status).toBe(403);
    expect((await call('GET', '/enforcement/campaigns', { token: tokens.otherStreet })).json.items).toEqual([]);
    expect((await call('GET', '/enforcement/campaigns?limit=1', { token: tokens.street })).json.nextCursor).toBeDefined();
  });

  test('at its start the hourly planner queues it; each compound in scope gets a sweep, once', async () => {
    expect((await call('GET', `/enforcement/campaigns/${CAMPAIGN}/sweeps`, { token: tokens.street })).json.items).toEqual([]);
    await advanceTo(startOfDate(campaign.startsOn as string), 61);
    const planned = await call('GET', `/enforcement/campaigns/${CAMPAIGN}`, { token: tokens.street });
    expect(planned.json).toMatchObject({ status: 'planned', compoundsInScope: 3 });
    const sweeps = (await call('GET', `/enforcement/campaigns/${CAMPAIGN}/sweeps`, { token: tokens.street })).json.items;
    expect(sweeps.map((s: { compoundId: string }) => s.compoundId).sort()).toEqual(['en-a', 'en-b', 'en-c']);
    for (const s of sweeps) {
      expect(s).toMatchObject({ status: 'planned', departments: ['fire-rescue', 'urban-management'], reasons: ['never_swept'], riskScore: 20 });
      expect(s.plannedFor >= campaign.startsOn! && s.plannedFor <= campaign.endsOn!).toBe(true);
    }
    expect(events('SweepPlanned').filter((e) => (e.detail.data as { campaignId: string }).campaignId === CAMPAIGN)).toHaveLength(3);
    expect(events('CampaignPlanned')).toHaveLength(2); // this one and the keyed one, both starting today
    expect((await call('POST', `/enforcement/campaigns/${CAMPAIGN}/plan`, { token: tokens.street })).status).toBe(409);

    // A unit delivered twice, and a planning page delivered again, plan nothing more.
    await system.queues.send('enforcement/sweep-plans', [JSON.stringify({ campaignId: CAMPAIGN, compoundId: 'en-a', districtId: 'D1', streetId: 'S1', communityId: 'K1' })]);
    await system.queues.send('enforcement/campaign-plans', [JSON.stringify({ campaignId: CAMPAIGN })]);
    await system.idle();
    expect(events('SweepPlanned').filter((e) => (e.detail.data as { campaignId: string }).campaignId === CAMPAIGN)).toHaveLength(3);
    expect(system.queues.deadLetters.filter((d) => d.queue.startsWith('enforcement/'))).toEqual([]);
  });

  test('sweeps page, and filter by department and status', async () => {
    const first = await call('GET', `/enforcement/campaigns/${CAMPAIGN}/sweeps?limit=2`, { token: tokens.fire });
    expect(first.json.items).toHaveLength(2);
    const second = await call('GET', `/enforcement/campaigns/${CAMPAIGN}/sweeps?limit=2&cursor=${first.json.nextCursor}`, { token: tokens.fire });
    expect(second.json.items).toHaveLength(1);
    expect(second.json.nextCursor).toBeUndefined();
    expect((await call('GET', `/enforcement/campaigns/${CAMPAIGN}/sweeps?department=police`, { token: tokens.fire })).json.items).toEqual([]);
    expect((await call('GET', `/enforcement/campaigns/${CAMPAIGN}/sweeps?cursor=bogus`, { token: tokens.fire })).status).toBe(400);
    expect((await call('GET', `/enforcement/campaigns/${CAMPAIGN}/sweeps/en-a`, { token: tokens.committee })).json.parts['fire-rescue']).toEqual({
      categories: ['fire_lane_blocked', 'ebike_indoor_charging'],
      status: 'pending',
    });
  });
});

describe('inspections and findings', () => {
  const lane = {
    findingId: 'lane-north',
    category: 'fire_lane_blocked',
    severity: 'general',
    location: { buildingId: 'B01', commonPart: 'fire lane north of B01' },
    responsibleParty: { kind: 'property_company', name: 'Haixi Property Services' },
    description: 'Cars and a kiosk block the fire lane north of B01',
  };
  const roof = {
    findingId: 'roof-b02',
    category: 'illegal_construction_common_part',
    severity: 'serious',
    location: { buildingId: 'B02', commonPart: 'roof terrace of B02' },
    responsibleParty: { kind: 'owner', ownerId: 'O5' },
    description: 'A steel-frame room built on the shared roof terrace',
  };
  const sweepFindings = (compound: string) => `/enforcement/campaigns/${CAMPAIGN}/sweeps/${compound}/findings`;

  test('a department records a finding: the notice’s deadline is computed from category and severity', async () => {
    const r = await call('POST', sweepFindings('en-a'), { token: tokens.fire, body: lane });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({
      status: 'open',
      department: 'fire-rescue',
      campaignId: CAMPAIGN,
      source: 'sweep',
      publicInterest: true,
      legalBasis: 'Fire Protection Law art. 28, 60',
      stage: 'notice',
      nextStep: { step: 'reminder' },
    });
    expect(r.json.deadline).toBe(rectificationDeadline('fire_lane_blocked', 'general', r.json.noticeIssuedAt));
    const again = await call('POST', sweepFindings('en-a'), { token: tokens.fire, body: lane });
    expect([again.status, again.json.version]).toEqual([200, 1]);
    expect((await call('POST', sweepFindings('en-a'), { token: tokens.fire, body: { ...lane, severity: 'major' } })).status).toBe(409);
    expect(events('FindingConfirmed')).toHaveLength(1);
    expect(events('ViolationConfirmed')).toHaveLength(0); // a property company is not on the owners' negative list
  });

  test('bad findings are refused with reasons, and nothing is written', async () => {
    const cases: [string, Record<string, unknown>, number, string?][] = [
      ['urban', { ...roof, findingId: 'bad-1', responsibleParty: { kind: 'owner', ownerId: 'O999' } }, 422, 'body.responsibleParty.ownerId'],
      ['urban', { ...roof, findingId: 'bad-2', responsibleParty: { kind: 'owner' } }, 422, 'body.responsibleParty.ownerId'],
      ['urban', { ...roof, findingId: 'bad-3', responsibleParty: { kind: 'owner', ownerId: 'O40' } }, 422, 'body.responsibleParty.ownerId'], // O40's unit is unsold
      ['urban', { ...roof, findingId: 'bad-4', location: {} }, 422, 'body.location'],
      ['urban', { ...roof, findingId: 'bad-5', location: { unitId: 'B09-001' } }, 422, 'body.location.unitId'],
      ['urban', { ...roof, findingId: 'bad-6', location: { buildingId: 'B01', unitId: 'B02-001' } }, 422, 'body.location.unitId'],
      ['urban', { ...roof, findingId: 'bad-7', severity: 'catastrophic' }, 400, 'body.severity'],
      ['urban', { ...roof, findingId: 'bad-8', extra: 1 }, 400],
      ['urban', { ...roof, findingId: 'bad 9' }, 400, 'body.findingId'],
      ['fire', { ...roof, findingId: 'bad-10' }, 403], // outside its remit
      ['police', { ...lane, findingId: 'bad-11' }, 403], // in its remit, but no part in this sweep
      ['committee', { ...lane, findingId: 'bad-12' }, 403],
    ];
    for (const [who, body, status, field] of cases) {
      const r = await call('POST', sweepFindings('en-a'), { token: tokens[who]!, body });
      expect([body.findingId, r.status]).toEqual([body.findingId, status]);
      if (field) expect(r.json.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await call('POST', `/enforcement/campaigns/${CAMPAIGN}/sweeps/en-x/findings`, { token: tokens.fire, body: { ...lane, findingId: 'bad-13' } })).status).toBe(404);
    expect((await call('POST', '/enforcement/compounds/nowhere/findings', { token: tokens.fire, body: lane })).status).toBe(404);
    const all = (await call('GET', '/enforcement/compounds/en-a/findings', { token: tokens.bureau })).json.items;
    expect(all.map((f: { findingId: string }) => f.findingId)).toEqual(['lane-north']);
  });

  test('an owner’s violation is confirmed: the owner is on the negative list', async () => {
    const r = await call('POST', sweepFindings('en-a'), { token: tokens.urban, body: roof });
    expect(r.status).toBe(201);
    expect(r.json.deadline).toBe(rectificationDeadline('illegal_construction_common_part', 'serious', r.json.noticeIssuedAt));
    expect(events('ViolationConfirmed').map((e) => e.detail.data)).toEqual([
      expect.objectContaining({
        compoundId: 'en-a',
        findingId: 'roof-b02',
        category: 'illegal_construction',
        responsibleOwnerId: 'O5',
        department: 'urban-management',
        enforcementCategory: 'illegal_construction_common_part',
        severity: 'serious',
      }),
    ]);
    await system.idle(); // the negative list is kept by an elections consumer of the event
    const records = await call('GET', '/people/O5/disqualifications', { token: tokens.street });
    expect(records.json.items).toEqual([expect.objectContaining({ personId: 'O5', reason: 'unrectified_violation', sourceRef: 'enforcement/finding/roof-b02', active: true })]);
  });

  test('evidence is uploaded to a presigned URL and served back by a download link', async () => {
    const path = '/enforcement/compounds/en-a/findings/roof-b02/evidence';
    const body = { evidenceId: 'photo-1', contentType: 'image/jpeg', filename: 'roof north.jpg' };
    expect((await call('POST', path, { token: tokens.urban, body: { ...body, contentType: 'text/html' } })).status).toBe(400);
    const announced = await call('POST', path, { token: tokens.urban, body });
    expect(announced.status).toBe(201);
    expect(announced.json.evidence).toMatchObject({ evidenceId: 'photo-1', key: 'evidence/en-a/roof-b02/photo-1', department: 'urban-management' });
    const before = await call('GET', '/enforcement/compounds/en-a/findings/roof-b02', { token: tokens.committee });
    expect(before.json.evidence[0]).toMatchObject({ uploaded: false });
    const put = await fetch(announced.json.upload.url, { method: 'PUT', headers: announced.json.upload.headers, body: Buffer.from('JPEG bytes') });
    expect(put.status).toBe(200);
    const after = await call('GET', '/enforcement/compounds/en-a/findings/roof-b02', { token: tokens.committee });
    expect(after.json.evidence[0]).toMatchObject({ uploaded: true, size: 10 });
    expect(await (await fetch(after.json.evidence[0].downloadUrl)).text()).toBe('JPEG bytes');
    expect((await call('POST', path, { token: tokens.urban, body })).status).toBe(200);
    expect((await call('POST', path, { token: tokens.urban, body: { ...body, contentType: 'image/png' } })).status).toBe(409);
    expect((await call('POST', path, { token: tokens.fire, body: { ...body, evidenceId: 'photo-2' } })).status).toBe(403); // not fire's category
    expect(events('EvidenceAttached')).toHaveLength(1);
  });

  test('each department records its checklist; a failed item needs a finding; the last part completes the sweep', async () => {
    const inspect = (compound: string, token: string | undefined, checklist: unknown[]) =>
      call('POST', `/enforcement/campaigns/${CAMPAIGN}/sweeps/${compound}/inspections`, { token, body: { checklist } });
    const missing = await inspect('en-a', tokens.fire, [{ category: 'fire_lane_blocked', result: 'fail' }]);
    expect([missing.status, missing.json.errors]).toEqual([422, [{ field: 'body.checklist', reason: 'ebike_indoor_charging is missing' }]]);
    const unfounded = await inspect('en-a', tokens.fire, [
      { category: 'fire_lane_blocked', result: 'fail' },
      { category: 'ebike_indoor_charging', result: 'fail' },
    ]);
    expect([unfounded.status, unfounded.json.errors]).toEqual([422, [{ field: 'body.checklist[1].result', reason: 'record the finding of ebike_indoor_charging first' }]]);
    expect(
      (
        await inspect('en-a', tokens.fire, [
          { category: 'fire_lane_blocked', result: 'fail' },
          { category: 'ebike_indoor_charging', result: 'pass' },
          { category: 'fire_lane_blocked', result: 'pass' },
        ])
      ).status,
    ).toBe(422);
    const fire = await inspect('en-a', tokens.fire, [
      { category: 'fire_lane_blocked', result: 'fail' },
      { category: 'ebike_indoor_charging', result: 'pass', note: 'charging cabinets in use' },
    ]);
    expect(fire.status).toBe(201);
    expect(fire.json).toMatchObject({ status: 'planned', parts: { 'fire-rescue': { status: 'done', findings: ['lane-north'] } } });
    expect(
      (
        await inspect('en-a', tokens.fire, [
          { category: 'fire_lane_blocked', result: 'fail' },
          { category: 'ebike_indoor_charging', result: 'pass', note: 'charging cabinets in use' },
        ])
      ).status,
    ).toBe(200);
    expect(
      (
        await inspect('en-a', tokens.fire, [
          { category: 'fire_lane_blocked', result: 'pass' },
          { category: 'ebike_indoor_charging', result: 'pass' },
        ])
      ).status,
    ).toBe(409);
    // Its part is closed: no more findings from fire in this sweep.
    expect((await call('POST', sweepFindings('en-a'), { token: tokens.fire, body: { ...lane, findingId: 'late' } })).status).toBe(409);
    const urban = await inspect('en-a', tokens.urban, [{ category: 'illegal_construction_common_part', result: 'fail' }]);
    expect(urban.json).toMatchObject({ status: 'completed', completedAt: expect.any(String) });
    expect(events('SweepCompleted')).toHaveLength(1);
    // en-b passes everything: swept, nothing found.
    expect(
      (
        await inspect('en-b', tokens.fire, [
          { category: 'fire_lane_blocked', result: 'pass' },
          { category: 'ebike_indoor_charging', result: 'not_applicable' },
        ])
      ).status,
    ).toBe(201);
    expect((await inspect('en-b', tokens.urban, [{ category: 'illegal_construction_common_part', result: 'pass' }])).status).toBe(201);
    expect(events('InspectionRecorded')).toHaveLength(4);
  });

  test('owners see only findings naming them; the compound’s committee sees all; lists page', async () => {
    expect((await call('GET', '/enforcement/compounds/en-a/findings', { token: tokens.owner5 })).json.items.map((f: { findingId: string }) => f.findingId)).toEqual(['roof-b02']);
    expect((await call('GET', '/enforcement/compounds/en-a/findings', { token: tokens.owner7 })).json.items).toEqual([]);
    expect((await call('GET', '/enforcement/compounds/en-a/findings/roof-b02', { token: tokens.owner7 })).status).toBe(404);
    const page = await call('GET', '/enforcement/compounds/en-a/findings?limit=1', { token: tokens.committee });
    expect(page.json.items).toHaveLength(1);
    const rest = await call('GET', `/enforcement/compounds/en-a/findings?limit=1&cursor=${page.json.nextCursor}`, { token: tokens.committee });
    expect(rest.json.items).toHaveLength(1);
    expect((await call('GET', '/enforcement/compounds/en-a/findings', { token: await system.token(['committee:en-b']) })).status).toBe(403);
    expect((await call('GET', '/enforcement/departments/fire-rescue/findings', { token: tokens.fire })).json.items.map((f: { findingId: string }) => f.findingId)).toEqual(['lane-north']);
    expect((await call('GET', '/enforcement/departments/fire-rescue/findings', { token: tokens.urban })).status).toBe(403);
  });

  test('re-inspection: not yet rectified is recorded; rectified closes the finding and lifts the owner’s disqualification', async () => {
    const path = '/enforcement/compounds/en-a/findings/roof-b02/reinspections';
    expect((await call('POST', path, { token: tokens.urban, body: { outcome: 'not_rectified', note: 'frame still standing' } })).json).toMatchObject({
      status: 'open',
      reinspections: [{ outcome: 'not_rectified' }],
    });
    expect((await call('POST', path, { token: tokens.fire, body: { outcome: 'rectified', note: 'gone' } })).status).toBe(403);
    const done = await call('POST', path, { token: tokens.urban, body: { outcome: 'rectified', note: 'the owner removed the frame; roof restored' } });
    expect(done.json).toMatchObject({ status: 'rectified', rectification: { how: 'reinspection', department: 'urban-management' } });
    expect(done.json.nextStep).toBeUndefined();
    expect((await call('POST', path, { token: tokens.urban, body: { outcome: 'rectified', note: 'again' } })).status).toBe(409);
    await system.idle();
    expect(events('ViolationRectified').map((e) => e.detail.data)).toEqual([expect.objectContaining({ findingId: 'roof-b02', responsibleOwnerId: 'O5', how: 'reinspection' })]);
    const records = await call('GET', '/people/O5/disqualifications', { token: tokens.street });
    expect(records.json.items).toEqual([expect.objectContaining({ sourceRef: 'enforcement/finding/roof-b02', active: false })]);
  });

  test('abatement: the department demolishes an owner’s steel structure; demolition only for construction', async () => {
    const shed = {
      ...roof,
      findingId: 'shed-b01',
      location: { buildingId: 'B01', unitId: 'B01-007', commonPart: 'green area beside B01-007' },
      responsibleParty: { kind: 'owner', ownerId: 'O7' },
      description: 'Steel shed built on the green area',
    };
    const recorded = await call('POST', '/enforcement/compounds/en-a/findings', { token: tokens.urban, body: shed });
    expect([recorded.status, recorded.json.source, recorded.json.campaignId]).toEqual([201, 'inspection', undefined]);
    expect((await call('POST', '/enforcement/compounds/en-a/findings/lane-north/abatement', { token: tokens.fire, body: { method: 'demolition', note: 'lane cleared by force' } })).status).toBe(422);
    const demolished = await call('POST', '/enforcement/compounds/en-a/findings/shed-b01/abatement', {
      token: tokens.urban,
      body: { method: 'demolition', note: 'demolished after the owner did not act' },
    });
    expect(demolished.json).toMatchObject({ status: 'rectified', rectification: { how: 'abatement', abatement: 'demolition' } });
    await system.idle();
    expect((await call('GET', '/people/O7/disqualifications', { token: tokens.street })).json.items).toEqual([expect.objectContaining({ active: false })]);
  });
});

describe('escalation of an overdue finding', () => {
  const finding = () => call('GET', '/enforcement/compounds/en-a/findings/lane-north', { token: tokens.street }).then((r) => r.json);

  test('reminder at the deadline, an administrative case after the grace, a procuratorate recommendation after the compliance period', async () => {
    const open = await finding();
    expect(open.nextStep).toMatchObject({ step: 'reminder', dueAt: open.deadline });
    await advanceTo(open.deadline, -60); // an hour before the deadline: nothing yet
    expect((await finding()).steps).toEqual([]);
    await advanceTo(open.deadline);
    const reminded = await finding();
    expect(reminded.steps).toEqual([expect.objectContaining({ step: 'reminder', department: 'fire-rescue', dueAt: open.deadline })]);
    expect(reminded.nextStep).toMatchObject({ step: 'administrative_case' });

    await advanceTo(reminded.nextStep.dueAt);
    const cased = await finding();
    expect(cased.steps.at(-1)).toMatchObject({ step: 'administrative_case', department: 'fire-rescue', legalBasis: 'Fire Protection Law art. 28, 60', caseRef: 'en-a/lane-north/administrative_case' });
    expect(cased.nextStep).toMatchObject({ step: 'procuratorate_recommendation', department: 'procuratorate' });

    await advanceTo(cased.nextStep.dueAt);
    const recommended = await finding();
    expect(recommended.stage).toBe('procuratorate_recommendation');
    expect(recommended.steps.at(-1)).toMatchObject({ department: 'procuratorate', addressedTo: 'fire-rescue', legalBasis: expect.stringContaining('Administrative Litigation Law art. 25(4)') });
    expect(recommended.nextStep).toMatchObject({ step: 'litigation' });
    expect(stepsOf('lane-north')).toEqual(['reminder', 'administrative_case', 'procuratorate_recommendation']);
    expect(events('EnforcementEscalated')).toHaveLength(3); // the other findings were closed in time
  });

  test('a unit delivered twice takes no step twice; the clock queues only what is due', async () => {
    await system.queues.send('enforcement/escalations', [JSON.stringify({ compoundId: 'en-a', findingId: 'lane-north' }), JSON.stringify({ compoundId: 'en-a', findingId: 'lane-north' })]);
    await system.idle();
    expect(stepsOf('lane-north')).toHaveLength(3);
    expect(await system.invoke('enforcement', 'escalation-clock', {})).toEqual({ enqueued: 0 });
  });

  test('every step is in the compound’s audit trail, under the sweep’s correlation', async () => {
    const trail = await call('GET', `/compounds/en-a/audit/correlations/sweep-${CAMPAIGN}`, { token: tokens.street });
    const types = trail.json.items.map((r: { type: string }) => r.type);
    for (const t of ['SweepPlanned', 'FindingConfirmed', 'InspectionRecorded', 'SweepCompleted', 'EnforcementEscalated', 'ViolationConfirmed', 'ViolationRectified']) expect(types).toContain(t);
    expect(types.filter((t: string) => t === 'EnforcementEscalated')).toHaveLength(3);
  });

  test('a referral to the police is a step of its own, taken at once', async () => {
    const r = await call('POST', '/enforcement/compounds/en-a/findings/lane-north/police-referral', { token: tokens.fire, body: { note: 'the kiosk owner threatened the inspectors' } });
    expect(r.status).toBe(201);
    expect(r.json.steps.at(-1)).toMatchObject({ step: 'police_case', department: 'police', note: 'the kiosk owner threatened the inspectors' });
    expect((await call('POST', '/enforcement/compounds/en-a/findings/lane-north/police-referral', { token: tokens.fire, body: { note: 'once more' } })).status).toBe(409);
  });
});

describe('complaints referred by the disputes service', () => {
  const referral = (complaintId: string, over: Record<string, unknown> = {}) =>
    ComplaintReferredForEnforcement.create(
      {
        compoundId: 'en-c',
        complaintId,
        category: 'illegal_construction',
        location: { buildingId: 'B01', description: 'glass room on the shared roof' },
        description: 'The owner above is enclosing the shared roof terrace with a glass room.',
        suggestedDepartment: 'urban-management',
        referredAt: clock.nowIso(),
        ...over,
      },
      { compoundId: 'en-c', actor: 'disputes-officer', occurredAt: clock.nowIso(), correlationId: `complaint-${complaintId}` },
    );

  test('each becomes a finding to inspect for the department whose remit covers it, once', async () => {
    await system.bus.put([referral('Q1'), referral('Q1'), referral('Q2', { category: 'water_power_supply', suggestedDepartment: 'fire-rescue' })]);
    await system.idle();
    const queue = await call('GET', '/enforcement/departments/urban-management/findings?status=to_inspect', { token: tokens.urban });
    expect(queue.json.items).toEqual([
      expect.objectContaining({
        findingId: 'ref-Q1',
        status: 'to_inspect',
        source: 'referral',
        category: 'illegal_construction_common_part',
        referral: expect.objectContaining({ complaintId: 'Q1' }),
      }),
    ]);
    // Fire rescue was suggested for a water cut-off, outside its remit: the housing bureau gets it.
    expect((await call('GET', '/enforcement/departments/housing-bureau/findings?status=to_inspect', { token: await system.token(['department:housing-bureau']) })).json.items).toEqual([
      expect.objectContaining({ findingId: 'ref-Q2' }),
    ]);
    expect(events('FindingReferred')).toHaveLength(2);
    const risk = await call('GET', '/enforcement/compounds/en-c/risk', { token: tokens.street });
    expect(risk.json).toMatchObject({ openReferrals: 2, dueReasons: ['never_swept', 'referred_complaints'] });
  });

  test('inspection confirms one (notice and deadline from now) and dismisses the other', async () => {
    const confirmed = await call('POST', '/enforcement/compounds/en-c/findings/ref-Q1/confirm', {
      token: tokens.urban,
      body: { severity: 'general', responsibleParty: { kind: 'other', name: 'owner of the top floor (roll not yet imported)' } },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json).toMatchObject({
      status: 'open',
      department: 'urban-management',
      deadline: rectificationDeadline('illegal_construction_common_part', 'general', confirmed.json.noticeIssuedAt),
    });
    expect((await call('POST', '/enforcement/compounds/en-c/findings/ref-Q1/confirm', { token: tokens.urban, body: { severity: 'general', responsibleParty: { kind: 'other' } } })).status).toBe(409);
    // An owner cannot be named before the compound's roll has arrived.
    const housing = await system.token(['department:housing-bureau']);
    expect(
      (await call('POST', '/enforcement/compounds/en-c/findings/ref-Q2/confirm', { token: housing, body: { severity: 'major', responsibleParty: { kind: 'owner', ownerId: 'O1' } } })).status,
    ).toBe(409);
    expect((await call('POST', '/enforcement/compounds/en-c/findings/ref-Q2/dismiss', { token: tokens.urban, body: { reason: 'not mine' } })).status).toBe(403);
    const dismissed = await call('POST', '/enforcement/compounds/en-c/findings/ref-Q2/dismiss', { token: housing, body: { reason: 'water was never cut off; a burst main, repaired by the utility' } });
    expect(dismissed.json).toMatchObject({ status: 'dismissed' });
    // The audit trail runs from the complaint on.
    const trail = await call('GET', '/compounds/en-c/audit/correlations/complaint-Q1', { token: tokens.street });
    expect(trail.json.items.map((r: { type: string }) => r.type)).toEqual(expect.arrayContaining(['ComplaintReferredForEnforcement', 'FindingReferred', 'FindingConfirmed']));
  });
});

describe('a campaign of the compounds due by risk', () => {
  test('plans the compound with open hazards and the one never swept, not the one swept clean', async () => {
    const due = { ...campaign, campaignId: 'autumn-due', selection: 'due', startsOn: today(), endsOn: addDaysToDate(today(), 30) };
    expect((await call('POST', '/enforcement/campaigns', { token: tokens.district, body: due })).status).toBe(201);
    expect((await call('POST', '/enforcement/campaigns/autumn-due/plan', { token: tokens.otherStreet })).status).toBe(403);
    expect((await call('POST', '/enforcement/campaigns/autumn-due/plan', { token: tokens.district })).status).toBe(202);
    await system.idle();
    const sweeps = (await call('GET', '/enforcement/campaigns/autumn-due/sweeps', { token: tokens.district })).json.items;
    expect(Object.fromEntries(sweeps.map((s: { compoundId: string; reasons: string[] }) => [s.compoundId, s.reasons]))).toEqual({
      'en-a': ['open_hazards'],
      'en-c': ['never_swept', 'open_hazards'],
    });
    const [a, c] = [sweeps.find((s: { compoundId: string }) => s.compoundId === 'en-a'), sweeps.find((s: { compoundId: string }) => s.compoundId === 'en-c')];
    expect(a.riskScore).toBeGreaterThan(0);
    expect(c.riskScore).toBeGreaterThan(a.riskScore); // never swept, one open hazard, a previous finding
    expect((await call('GET', '/enforcement/campaigns/autumn-due', { token: tokens.district })).json).toMatchObject({ status: 'planned', compoundsInScope: 3 });
  });
});

describe('statistics from the counters', () => {
  const year = () => localDate(clock.nowIso()).slice(0, 4);

  test('the city’s figures: compounds swept, hazards by category and class, cases, recommendations, demolitions, police', async () => {
    await system.idle();
    // Everything above happened within one or two local years; ask for each year touched and add up.
    const years = [...new Set([localDate(events('InspectionRecorded')[0]!.detail.metadata.occurredAt).slice(0, 4), year()])];
    const figures = await Promise.all(years.map((y) => call('GET', `/enforcement/statistics?period=${y}`, { token: tokens.bureau }).then((r) => r.json)));
    const sum = (pick: (f: any) => number) => figures.reduce((n, f) => n + pick(f), 0);
    expect(sum((f) => f.compoundsSwept)).toBe(2);
    expect(sum((f) => f.compoundsSweptByCategory.illegal_construction_common_part ?? 0)).toBe(2);
    expect(sum((f) => f.compoundsSweptByCategory.ebike_indoor_charging ?? 0)).toBe(1); // en-b marked it not applicable
    expect(sum((f) => f.sweepsCompleted)).toBe(2);
    expect(sum((f) => f.measures.hazardsFound.total)).toBe(4); // lane, roof, shed, the confirmed referral
    expect(sum((f) => f.hazardsFoundByClass.fire_safety ?? 0)).toBe(1);
    expect(sum((f) => f.hazardsFoundByClass.illegal_construction ?? 0)).toBe(3);
    expect(sum((f) => f.measures.hazardsRectified.total)).toBe(2);
    expect(sum((f) => f.measures.demolitions.total)).toBe(1);
    expect(sum((f) => f.measures.casesFiled.byCategory.fire_lane_blocked ?? 0)).toBe(1);
    expect(sum((f) => f.measures.recommendations.total)).toBe(1);
    expect(sum((f) => f.measures.policeCriminal.total)).toBe(1);
    expect(sum((f) => f.measures.referralsReceived.total)).toBe(2);
  });

  test('a street office sees its street and its compounds, as JSON or CSV; other areas and bad periods are refused', async () => {
    const y = localDate(events('InspectionRecorded')[0]!.detail.metadata.occurredAt).slice(0, 4);
    const street = await call('GET', `/enforcement/statistics?level=street&period=${y}`, { token: tokens.street });
    expect(street.json).toMatchObject({ level: 'street', scopeId: 'S1', compoundsSwept: 2 });
    const month = localDate(events('InspectionRecorded')[0]!.detail.metadata.occurredAt).slice(0, 7);
    const quarter = `${y}-Q${Math.ceil(Number(month.slice(5)) / 3)}`;
    for (const p of [month, quarter]) expect((await call('GET', `/enforcement/statistics?level=compound&compoundId=en-a&period=${p}`, { token: tokens.inspector })).json.compoundsSwept).toBe(1);
    const csv = await call('GET', `/enforcement/statistics?level=street&streetId=S1&period=${y}&format=csv`, { token: tokens.district });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.split('\r\n')[0]).toBe('level,scope,period,measure,category,value');
    expect(csv.text).toContain(`street,S1,${y},compounds_swept,,2`);
    expect(csv.text).toContain(`street,S1,${y},hazards_found,fire_lane_blocked,1`);
    for (const [token, query, status] of [
      [tokens.street, 'level=city', 403],
      [tokens.street, 'level=street&streetId=S2', 403],
      [tokens.street, 'level=compound&compoundId=en-x', 403],
      [tokens.street, 'level=district&districtId=D1', 403],
      [tokens.district, 'level=district&districtId=D2', 403],
      [tokens.district, 'level=street&streetId=S9', 403],
      [tokens.street, 'level=compound', 400],
      [tokens.street, 'level=street&period=2026-13', 400],
      [tokens.street, 'level=galaxy', 400],
      [tokens.committee, 'level=compound&compoundId=en-a', 403],
    ] as const) {
      expect([query, (await call('GET', `/enforcement/statistics?${query}`, { token })).status]).toEqual([query, status]);
    }
  });
});
