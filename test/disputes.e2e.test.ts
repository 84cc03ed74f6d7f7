import type { DeliveredEvent } from '../events/envelope';
import { WEEKDAYS_ONLY } from '../libs/calendar';
import { clock } from '../libs/clock';
import { judicialConfirmationDeadline } from '../services/disputes/domain/mediation';
import type { LocalSystem } from '../infra/local/runtime';
import { client, compoundBody, registerAreas, rollCsv, startSystem } from './helpers';

const DAY = 86_400_000;
const dayAfter = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00.000Z`) + n * DAY).toISOString().slice(0, 10);
const MONDAY = (() => {
  const today = new Date().toISOString().slice(0, 10);
  const weekday = new Date(`${today}T00:00:00.000Z`).getUTCDay();
  return dayAfter(today, ((8 - weekday) % 7) + 7);
})();

let system: LocalSystem;
let call: ReturnType<typeof client>;
const received: DeliveredEvent[] = [];
const events = (type: string, complaintId?: string) => received.filter((e) => e['detail-type'] === type && (!complaintId || (e.detail.data as { complaintId?: string }).complaintId === complaintId));
let bureau: string,
  owner5: string,
  owner7: string,
  owner9: string,
  committee: string,
  property: string,
  community: string,
  street: string,
  district: string,
  inspector: string,
  otherOwner: string,
  fire: string;

const advance = async (ms: number) => {
  await system.scheduler.advance(ms);
  await system.idle();
};

async function fileLeak(token = owner5, over: Record<string, unknown> = {}) {
  const r = await call('POST', '/compounds/dq-a/complaints', {
    token,
    body: { category: 'leaks_repairs', description: 'Water comes through the bathroom ceiling of B01-005 since Monday.', location: { buildingId: 'B01', unitId: 'B01-005' }, ...over },
  });
  expect(r.status).toBe(201);
  return r.json as { complaint: { complaintId: string; [k: string]: any }; trackingToken: string; uploads: any[] };
}

beforeAll(async () => {
  clock.reset();
  // The next Monday, 09:00 Beijing time: deadlines below are counted from there (no holiday calendar is set here).
  clock.advance(Date.parse(`${MONDAY}T01:00:00.000Z`) - Date.now());
  ({ system, call } = await startSystem());
  system.bus.subscribe({ target: 'probe', pattern: { source: ['gongzhi.disputes'] }, invoke: async (e) => void received.push(e) });
  bureau = await system.token(['bureau'], 'bureau-officer');
  owner5 = await system.token(['owner:dq-a:O5'], 'owner-5');
  owner7 = await system.token(['owner:dq-a:O7'], 'owner-7');
  owner9 = await system.token(['owner:dq-a:O9'], 'owner-9');
  committee = await system.token(['committee:dq-a'], 'committee-chair');
  property = await system.token(['property:dq-a'], 'property-manager');
  community = await system.token(['community:K1'], 'community-mediator');
  street = await system.token(['street:S1'], 'street-officer');
  district = await system.token(['district:D1'], 'district-officer');
  inspector = await system.token(['inspector:S1'], 'inspector');
  otherOwner = await system.token(['owner:dq-b:O1'], 'owner-elsewhere');
  fire = await system.token(['department:fire-rescue'], 'fire-officer');
  await registerAreas(system, [{ districtId: 'D1', streetId: 'S2', communityId: 'K2' }]);
  for (const id of ['dq-a', 'dq-b']) expect((await call('POST', '/compounds', { token: bureau, body: compoundBody(id, { communityId: id === 'dq-a' ? 'K1' : 'K2' }) })).status).toBe(201);
  expect((await call('POST', '/compounds/dq-a/roll', { token: bureau, raw: rollCsv(100), type: 'text/csv' })).status).toBe(201);
  await system.idle();
});
afterAll(async () => {
  await system.close();
  clock.reset();
});

describe('intake: one window', () => {
  test('an owner files a leak with a photo: routed to the property company, deadlines in working days, upload by presigned URL', async () => {
    const { complaint, trackingToken, uploads } = await fileLeak(owner5, { attachments: [{ filename: 'ceiling.jpg', contentType: 'image/jpeg', size: 5 }] });
    expect(complaint).toMatchObject({
      status: 'received',
      category: 'leaks_repairs',
      handler: { kind: 'property', id: 'dq-a' },
      channel: 'app',
      complainant: { subject: 'owner-5', ownerId: 'O5' },
      // filed Monday 09:00: acknowledge within 1 working day (end of Tuesday, Beijing time), resolve within 7 (end of Wednesday next week)
      acknowledgeBy: `${dayAfter(MONDAY, 1)}T15:59:59.999Z`,
      resolveBy: `${dayAfter(MONDAY, 9)}T15:59:59.999Z`,
      visibility: 'restricted',
    });
    expect(complaint.complaintId).toMatch(new RegExp(`^Q${MONDAY.replaceAll('-', '')}-[0-9A-Z]{6}$`));
    expect(trackingToken).toMatch(/^[0-9a-z]{12}$/);
    const put = await fetch(uploads[0].url, { method: 'PUT', headers: uploads[0].headers, body: 'jpeg!' });
    expect(put.status).toBe(200);
    const got = await call('GET', `/complaints/${complaint.complaintId}/attachments/${uploads[0].attachmentId}`, { token: property });
    expect(got.status).toBe(200);
    expect(await (await fetch(got.json.url)).text()).toBe('jpeg!');
    await system.idle();
    expect(events('ComplaintReceived', complaint.complaintId)[0]!.detail).toMatchObject({
      metadata: { compoundId: 'dq-a', actor: 'owner-5', correlationId: `complaint-${complaint.complaintId}` },
      data: { handler: { kind: 'property', id: 'dq-a' }, channel: 'app', anonymous: false },
    });
    // The event carries no identity.
    expect(JSON.stringify(events('ComplaintReceived', complaint.complaintId))).not.toContain('O5');
  });

  test('who may file, and bad input: 4xx with reasons and nothing written', async () => {
    const before = (await call('GET', '/compounds/dq-a/complaints?limit=500', { token: bureau })).json.items.length;
    const body = { category: 'noise', description: 'Drilling after 22:00 every night.' };
    expect((await call('POST', '/compounds/dq-a/complaints', { body })).status).toBe(401);
    expect((await call('POST', '/compounds/dq-a/complaints', { token: inspector, body })).status).toBe(403);
    expect((await call('POST', '/compounds/dq-a/complaints', { token: otherOwner, body })).status).toBe(403);
    expect((await call('POST', '/compounds/dq-a/complaints', { token: fire, body })).status).toBe(403);
    expect((await call('POST', '/compounds/nowhere/complaints', { token: bureau, body })).status).toBe(404);
    const bad = await call('POST', '/compounds/dq-a/complaints', { token: owner5, body: { category: 'gossip', description: 'x', anonymous: 'yes' } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.anonymous', 'body.category', 'body.description']);
    const unknown = await call('POST', '/compounds/dq-a/complaints', { token: owner5, body: { ...body, complainantId: 'O7' } });
    expect(unknown.status).toBe(400);
    // A category that needs an attribute refuses a complaint without it (utilities: which one was cut off).
    const missing = await call('POST', '/compounds/dq-a/complaints', {
      token: owner5,
      body: { category: 'utilities_cut_off', description: 'No water since this morning, the property company says we owe fees.' },
    });
    expect([missing.status, missing.json.errors[0].field]).toEqual([400, 'attribute[utility]']);
    const tooMany = await call('POST', '/compounds/dq-a/complaints', {
      token: owner5,
      body: { ...body, attachments: Array.from({ length: 6 }, () => ({ filename: 'a.jpg', contentType: 'image/jpeg', size: 1 })) },
    });
    expect(tooMany.status).toBe(400);
    const exe = await call('POST', '/compounds/dq-a/complaints', { token: owner5, body: { ...body, attachments: [{ filename: 'a.exe', contentType: 'application/x-msdownload', size: 1 }] } });
    expect(exe.status).toBe(400);
    expect((await call('GET', '/compounds/dq-a/complaints?limit=500', { token: bureau })).json.items.length).toBe(before);
  });

  test('a retry with the same Idempotency-Key files once and replays the answer', async () => {
    const body = { category: 'parking', description: 'A van has blocked the fire lane by B02 for three days.' };
    const headers = { 'idempotency-key': 'parking-van-1' };
    const first = await call('POST', '/compounds/dq-a/complaints', { token: owner7, body, headers });
    const again = await call('POST', '/compounds/dq-a/complaints', { token: owner7, body, headers });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json.complaint.complaintId).toBe(first.json.complaint.complaintId);
    const other = await call('POST', '/compounds/dq-a/complaints', { token: owner7, body: { ...body, description: 'Something else entirely, a van again.' }, headers });
    expect(other.status).toBe(422);
    const mine = await call('GET', '/compounds/dq-a/complaints', { token: owner7 });
    expect(mine.json.items.filter((c: { category: string }) => c.category === 'parking')).toHaveLength(1);
  });

  test('an owner sees only their own complaints; the complainant’s identity only those handling the case see', async () => {
    const { complaint } = await fileLeak(owner9, { respondent: { kind: 'property_company' }, contact: { name: '王芳', phone: '13800000009' } });
    const asOwner7 = await call('GET', `/complaints/${complaint.complaintId}`, { token: owner7 });
    expect(asOwner7.status).toBe(403);
    expect((await call('GET', '/compounds/dq-a/complaints', { token: owner9 })).json.items.every((c: { complainant: { subject: string } }) => c.complainant.subject === 'owner-9')).toBe(true);
    // The property company handles it but is the party complained about: it does not learn who complained.
    const asProperty = await call('GET', `/complaints/${complaint.complaintId}`, { token: property });
    expect([asProperty.status, asProperty.json.complainant]).toEqual([200, {}]);
    const asCommittee = await call('GET', `/complaints/${complaint.complaintId}`, { token: committee });
    expect(asCommittee.json.complainant).toEqual({});
    const asCommunity = await call('GET', `/complaints/${complaint.complaintId}`, { token: community });
    expect(asCommunity.json.complainant).toMatchObject({ name: '王芳', phone: '13800000009' });
    expect((await call('GET', `/complaints/${complaint.complaintId}`, { token: fire })).status).toBe(403);
    // Anonymous: nobody sees who, not even the community.
    const anonymous = (await fileLeak(owner9, { anonymous: true, contact: { name: '王芳' } })).complaint;
    expect((await call('GET', `/complaints/${anonymous.complaintId}`, { token: community })).json.complainant).toEqual({});
    expect((await call('GET', `/complaints/${anonymous.complaintId}`, { token: owner9 })).json.complainant).toMatchObject({ name: '王芳' });
  });

  test('lists paginate', async () => {
    const first = await call('GET', '/compounds/dq-a/complaints?limit=2', { token: bureau });
    expect(first.json.items).toHaveLength(2);
    const second = await call('GET', `/compounds/dq-a/complaints?limit=2&cursor=${first.json.nextCursor}`, { token: bureau });
    expect(second.json.items).toHaveLength(2);
    expect(second.json.items[0].complaintId).not.toBe(first.json.items[0].complaintId);
    expect((await call('GET', '/compounds/dq-a/complaints?limit=0', { token: bureau })).status).toBe(400);
  });
});

describe('handling: acknowledged → in progress → resolved → confirmed or reopened', () => {
  test('only the handler (or an official above it) acts; states move one way; two at once: one wins', async () => {
    const { complaint } = await fileLeak();
    const id = complaint.complaintId;
    expect((await call('POST', `/complaints/${id}/acknowledge`, { token: owner5, body: {} })).status).toBe(403);
    expect((await call('POST', `/complaints/${id}/acknowledge`, { token: committee, body: {} })).status).toBe(403);
    expect((await call('POST', `/complaints/${id}/resolve`, { token: fire, body: { note: 'done' } })).status).toBe(403);
    const both = await Promise.all([property, community].map((token) => call('POST', `/complaints/${id}/acknowledge`, { token, body: { note: 'on our way' } })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const started = await call('POST', `/complaints/${id}/start`, { token: property, body: { note: 'plumber booked for Wednesday' } });
    expect(started.json).toMatchObject({ status: 'in_progress', version: 2 });
    const resolved = await call('POST', `/complaints/${id}/resolve`, { token: property, body: { note: 'pipe in the riser replaced' } });
    expect(resolved.json).toMatchObject({ status: 'resolved', resolution: { kind: 'handled' } });
    expect((await call('POST', `/complaints/${id}/acknowledge`, { token: property, body: {} })).status).toBe(409);
    // Only the complainant confirms or reopens.
    expect((await call('POST', `/complaints/${id}/confirm`, { token: property, body: { rating: 5 } })).status).toBe(403);
    expect((await call('POST', `/complaints/${id}/confirm`, { token: owner5, body: { rating: 6 } })).status).toBe(400);
    const confirmed = await call('POST', `/complaints/${id}/confirm`, { token: owner5, body: { rating: 4, comment: 'fixed, thank you' } });
    expect(confirmed.json).toMatchObject({ status: 'closed', rating: { score: 4 }, closure: { reason: 'confirmed' } });
    await system.idle();
    expect(events('ComplaintAcknowledged', id)[0]!.detail.data).toMatchObject({ onTime: true });
    expect(events('ComplaintClosed', id)[0]!.detail.data).toEqual({ compoundId: 'dq-a', complaintId: id, reason: 'confirmed', rating: 4 });
  });

  test('the complainant reopens within the period; after it the case closes by itself', async () => {
    const a = (await fileLeak()).complaint.complaintId;
    const b = (await fileLeak()).complaint.complaintId;
    for (const id of [a, b]) expect((await call('POST', `/complaints/${id}/resolve`, { token: property, body: { note: 'sealed the pipe' } })).status).toBe(200);
    const reopened = await call('POST', `/complaints/${a}/reopen`, { token: owner5, body: { reason: 'it leaks again after rain' } });
    expect(reopened.json).toMatchObject({ status: 'in_progress' });
    await advance(8 * DAY); // past 5 working days
    const closed = await call('GET', `/complaints/${b}`, { token: owner5 });
    expect(closed.json).toMatchObject({ status: 'closed', closure: { reason: 'confirmation_lapsed', by: 'schedule:case-clock' } });
    expect((await call('POST', `/complaints/${b}/reopen`, { token: owner5, body: { reason: 'too late?' } })).status).toBe(409);
  });

  test('a missed deadline escalates one level at a time: property → community → street → district, with events', async () => {
    const { complaint } = await fileLeak();
    const id = complaint.complaintId;
    const seen = ['property'];
    for (let day = 0; day < 20; day++) {
      await advance(DAY);
      const kind = (await call('GET', `/complaints/${id}`, { token: bureau })).json.handler.kind;
      if (kind !== seen.at(-1)) seen.push(kind);
    }
    expect(seen).toEqual(['property', 'community', 'street', 'district']);
    expect((await call('GET', `/complaints/${id}`, { token: bureau })).json).toMatchObject({ handler: { kind: 'district', id: 'D1' }, escalationLevel: 3 });
    // Each escalation came after the deadline it names, never before.
    for (const e of events('ComplaintEscalated', id)) expect(e.detail.metadata.occurredAt > (e.detail.data as { dueAt: string }).dueAt).toBe(true);
    const escalations = events('ComplaintEscalated', id).map((e) => e.detail.data as { to: { kind: string }; missed: string });
    expect(escalations.map((e) => [e.to.kind, e.missed])).toEqual([
      ['community', 'acknowledge'],
      ['street', 'acknowledge'],
      ['district', 'acknowledge'],
    ]);
    // The district's work list has it; the property company's does not.
    const inbox = await call('GET', '/disputes/inbox?handler=district:D1', { token: district });
    expect(inbox.json.items.map((e: { complaintId: string }) => e.complaintId)).toContain(id);
    expect((await call('GET', '/disputes/inbox?handler=property:dq-a', { token: property })).json.items.map((e: { complaintId: string }) => e.complaintId)).not.toContain(id);
    expect((await call('GET', '/disputes/inbox?handler=district:D1', { token: street })).status).toBe(403);
  });

  test('the street office re-routes within the compound’s chain or to a department', async () => {
    const { complaint } = await fileLeak();
    const id = complaint.complaintId;
    expect((await call('POST', `/complaints/${id}/route`, { token: community, body: { to: { kind: 'street', id: 'S1' }, reason: 'needs the street' } })).status).toBe(403);
    expect((await call('POST', `/complaints/${id}/route`, { token: street, body: { to: { kind: 'community', id: 'K2' }, reason: 'wrong community' } })).status).toBe(422);
    const routed = await call('POST', `/complaints/${id}/route`, { token: street, body: { to: { kind: 'department', id: 'fire-rescue' }, reason: 'the leak reaches the fire alarm panel' } });
    expect(routed.json.handler).toEqual({ kind: 'department', id: 'fire-rescue' });
    expect((await call('GET', `/complaints/${id}`, { token: fire })).status).toBe(200);
    expect((await call('POST', `/complaints/${id}/acknowledge`, { token: fire, body: {} })).status).toBe(200);
  });
});

describe('mediation and the courts', () => {
  test('from a complaint to a signed mediation agreement and its judicial confirmation', async () => {
    const { complaint } = await fileLeak(owner5, {
      category: 'fees',
      description: 'The property company charges B01-005 a lift fee although B01 has no lift.',
      respondent: { kind: 'property_company' },
    });
    const id = complaint.complaintId;
    expect(complaint.handler).toEqual({ kind: 'community', id: 'K1' });
    const parties = [{ kind: 'property_company', name: 'Haixi Property Services' }];
    expect((await call('POST', `/complaints/${id}/mediation`, { token: property, body: { mediator: { kind: 'community', name: 'Chen Li' }, parties } })).status).toBe(403);
    const opened = await call('POST', `/complaints/${id}/mediation`, { token: community, body: { mediator: { kind: 'community', name: 'Chen Li', personId: 'med-chen' }, parties } });
    expect(opened.status).toBe(201);
    expect(opened.json).toMatchObject({
      status: 'in_mediation',
      mediation: {
        status: 'open',
        parties: [
          { partyId: 'P1', role: 'complainant' },
          { partyId: 'P2', kind: 'property_company' },
        ],
      },
    });
    expect(opened.json.escalateAt).toBeUndefined(); // mediation has its own pace
    // No agreement before a session was held.
    expect((await call('POST', `/complaints/${id}/mediation/agreement`, { token: community, body: { terms: 'The lift fee is withdrawn.' } })).status).toBe(422);
    const at = new Date(clock.now().getTime() + 2 * 3600_000).toISOString();
    const scheduled = await call('POST', `/complaints/${id}/mediation/sessions`, { token: community, body: { scheduledAt: at, place: 'community office, room 2' } });
    expect(scheduled.json.mediation.sessions).toEqual([{ sessionNo: 1, scheduledAt: at, place: 'community office, room 2', status: 'scheduled' }]);
    expect((await call('POST', `/complaints/${id}/mediation/sessions/1`, { token: community, body: { status: 'held', outcome: 'too early' } })).status).toBe(422);
    await advance(3 * 3600_000);
    const held = await call('POST', `/complaints/${id}/mediation/sessions/1`, { token: community, body: { status: 'held', outcome: 'both sides heard; the company agrees the fee was wrong' } });
    expect(held.json.mediation.sessions[0].status).toBe('held');
    const drafted = await call('POST', `/complaints/${id}/mediation/agreement`, {
      token: community,
      body: { terms: 'Haixi Property Services withdraws the lift fee for B01-005 and refunds 360 yuan by the end of the month.' },
    });
    const termsHash = drafted.json.mediation.agreement.termsHash;
    expect(termsHash).toMatch(/^[0-9a-f]{64}$/);
    // Each party confirms: the owner for themselves, the company for itself; nobody for another.
    expect((await call('POST', `/complaints/${id}/mediation/agreement/confirmations`, { token: owner7, body: { partyId: 'P1', termsHash } })).status).toBe(403);
    expect((await call('POST', `/complaints/${id}/mediation/agreement/confirmations`, { token: owner5, body: { partyId: 'P2', termsHash } })).status).toBe(403);
    expect((await call('POST', `/complaints/${id}/mediation/agreement/confirmations`, { token: owner5, body: { partyId: 'P1', termsHash: 'f'.repeat(64) } })).status).toBe(409);
    const first = await call('POST', `/complaints/${id}/mediation/agreement/confirmations`, { token: owner5, body: { partyId: 'P1', termsHash } });
    expect(first.json).toMatchObject({ status: 'in_mediation' });
    expect((await call('POST', `/complaints/${id}/mediation/agreement/confirmations`, { token: owner5, body: { partyId: 'P1', termsHash } })).status).toBe(409);
    const signed = await call('POST', `/complaints/${id}/mediation/agreement/confirmations`, { token: property, body: { partyId: 'P2', termsHash } });
    expect(signed.json).toMatchObject({ status: 'resolved', resolution: { kind: 'mediated' }, mediation: { status: 'agreed', agreement: { signedAt: expect.any(String) } } });
    // Judicial confirmation (司法确认), applied for within 30 days, decided by the court.
    expect((await call('POST', `/complaints/${id}/judicial-confirmation/decision`, { token: community, body: { decision: 'confirmed', rulingRef: 'x', decidedAt: clock.nowIso() } })).status).toBe(409);
    const applied = await call('POST', `/complaints/${id}/judicial-confirmation`, { token: community, body: { court: 'Fengze District People’s Court' } });
    expect(applied.status).toBe(201);
    await advance(3 * DAY);
    const decided = await call('POST', `/complaints/${id}/judicial-confirmation/decision`, {
      token: community,
      body: { decision: 'confirmed', rulingRef: '(2026)闽0503民特88号', decidedAt: new Date(clock.now().getTime() - 3600_000).toISOString() },
    });
    expect(decided.json.judicialConfirmation).toMatchObject({ court: 'Fengze District People’s Court', decision: 'confirmed', rulingRef: '(2026)闽0503民特88号' });
    await system.idle();
    const types = received.filter((e) => (e.detail.data as { complaintId?: string }).complaintId === id).map((e) => e['detail-type']);
    expect(types).toEqual([
      'ComplaintReceived',
      'ComplaintAcknowledged',
      'MediationOpened',
      'MediationSessionRecorded',
      'MediationSessionRecorded',
      'MediationAgreementDrafted',
      'MediationAgreementConfirmed',
      'MediationAgreementConfirmed',
      'MediationAgreementSigned',
      'ComplaintResolved',
      'JudicialConfirmationApplied',
      'JudicialConfirmationDecided',
    ]);
    // The audit trail follows the case by its correlation id.
    const trail = await call('GET', `/compounds/dq-a/audit/correlations/complaint-${id}`, { token: community });
    expect(trail.json.items.map((r: { type: string }) => r.type)).toEqual(expect.arrayContaining(['MediationAgreementSigned', 'JudicialConfirmationDecided']));
  });

  test('judicial confirmation is applied for within 30 days of the agreement', async () => {
    const { complaint } = await fileLeak(owner5, {
      category: 'pets',
      description: 'The dog of B01-007 barks all night and is walked without a lead.',
      respondent: { kind: 'owner', unitId: 'B01-007' },
    });
    const id = complaint.complaintId;
    await call('POST', `/complaints/${id}/mediation`, {
      token: community,
      body: { mediator: { kind: 'centre', name: 'Lin Hua' }, parties: [{ kind: 'owner', name: 'owner of B01-007', ownerId: 'O7' }] },
    });
    await call('POST', `/complaints/${id}/mediation/sessions`, { token: community, body: { scheduledAt: clock.nowIso(), place: 'centre' } });
    await call('POST', `/complaints/${id}/mediation/sessions/1`, { token: community, body: { status: 'held', outcome: 'agreed on a lead and quiet hours' } });
    const hash = (await call('POST', `/complaints/${id}/mediation/agreement`, { token: community, body: { terms: 'The dog is kept on a lead in common areas and indoors from 22:00.' } })).json
      .mediation.agreement.termsHash;
    await call('POST', `/complaints/${id}/mediation/agreement/confirmations`, { token: owner5, body: { partyId: 'P1', termsHash: hash } });
    // The other owner confirms for themselves (the neighbour's identity stays hidden from them).
    const signed = await call('POST', `/complaints/${id}/mediation/agreement/confirmations`, { token: owner7, body: { partyId: 'P2', termsHash: hash } });
    expect(signed.json.status).toBe('resolved');
    expect(signed.json.complainant).toEqual({});
    expect(signed.json.mediation.parties[0]).toMatchObject({ role: 'complainant', name: 'the complainant' });
    // The time runs from the day after signature to 24:00 Beijing time of the 30th day (moved past a
    // weekend; no holiday calendar here): the first instant after it is refused, naming the deadline.
    const deadline = judicialConfirmationDeadline(signed.json.mediation.agreement.signedAt, WEEKDAYS_ONLY);
    expect(Date.parse(deadline) - Date.parse(signed.json.mediation.agreement.signedAt)).toBeGreaterThan(30 * DAY);
    await advance(Date.parse(deadline) - Date.parse(clock.nowIso()));
    const late = await call('POST', `/complaints/${id}/judicial-confirmation`, { token: community, body: { court: 'Fengze District People’s Court' } });
    expect([late.status, late.json.detail]).toEqual([422, expect.stringContaining(`within 30 days of the agreement (by ${deadline})`)]);
  });

  test('mediation fails; the case is referred to the court (诉调对接) and the court’s outcome closes it', async () => {
    const { complaint } = await fileLeak(owner5, { category: 'property_service', description: 'The lift of B01 has been broken for three weeks.' });
    const id = complaint.complaintId;
    await call('POST', `/complaints/${id}/mediation`, {
      token: street,
      body: { mediator: { kind: 'centre', name: 'Lin Hua' }, parties: [{ kind: 'property_company', name: 'Haixi Property Services' }] },
    });
    const failed = await call('POST', `/complaints/${id}/mediation/failure`, { token: street, body: { reason: 'the company refuses any repair before the fees are paid' } });
    expect(failed.json).toMatchObject({ status: 'in_progress', mediation: { status: 'failed' } });
    expect(failed.json.escalateAt).toBeDefined();
    const referred = await call('POST', `/complaints/${id}/court-referral`, { token: street, body: { court: 'Fengze District People’s Court', note: 'the owner sues for the repair' } });
    expect(referred.json).toMatchObject({ status: 'referred', referral: { kind: 'court', court: 'Fengze District People’s Court' } });
    expect((await call('POST', `/complaints/${id}/court-outcome`, { token: street, body: { outcome: 'judgment', caseNumber: 'x', decidedAt: '2000-01-01T00:00:00Z' } })).status).toBe(422);
    const outcome = await call('POST', `/complaints/${id}/court-outcome`, { token: street, body: { outcome: 'court_mediation', caseNumber: '(2026)闽0503民初1234号', decidedAt: clock.nowIso() } });
    expect(outcome.json).toMatchObject({ status: 'closed', closure: { reason: 'court_decided' }, referral: { outcome: { outcome: 'court_mediation' } } });
    await system.idle();
    expect(events('CaseReferredToCourt', id)[0]!.detail.data).toMatchObject({ afterMediation: true });
  });

  test('a confirmed complaint about an owner’s illegal construction becomes an enforcement referral naming the owner', async () => {
    const { complaint } = await fileLeak(owner5, {
      category: 'illegal_construction',
      description: 'The owner of B01-009 is building a steel room on the shared roof terrace.',
      respondent: { kind: 'owner', unitId: 'B01-009' },
      attributes: { structure: 'roof_terrace' },
    });
    const id = complaint.complaintId;
    expect(complaint).toMatchObject({ handler: { kind: 'street', id: 'S1' }, visibility: 'restricted' });
    // Only once someone confirmed it (acknowledged), and only by its handler.
    expect((await call('POST', `/complaints/${id}/enforcement-referral`, { token: street, body: { note: 'seen on site' } })).status).toBe(409);
    await call('POST', `/complaints/${id}/acknowledge`, { token: street, body: { note: 'inspected: a steel frame on the roof' } });
    expect((await call('POST', `/complaints/${id}/enforcement-referral`, { token: property, body: { note: 'seen it too' } })).status).toBe(403);
    const referred = await call('POST', `/complaints/${id}/enforcement-referral`, { token: street, body: { note: 'seen on site', locationNote: 'roof terrace of B01' } });
    expect(referred.json).toMatchObject({ status: 'referred', referral: { kind: 'enforcement', enforcementCategory: 'illegal_construction', suggestedDepartment: 'urban-management' } });
    await system.idle();
    expect(events('ComplaintReferredForEnforcement', id)[0]!.detail.data).toEqual({
      compoundId: 'dq-a',
      complaintId: id,
      category: 'illegal_construction',
      location: { buildingId: 'B01', unitId: 'B01-005', description: 'roof terrace of B01' },
      description: 'The owner of B01-009 is building a steel room on the shared roof terrace.',
      respondentOwnerId: 'O9',
      suggestedDepartment: 'urban-management',
      referredAt: expect.any(String),
    });
    // Noise is not a matter for the departments.
    const noise = (await fileLeak(owner5, { category: 'noise', description: 'Drilling at midnight from the flat above.' })).complaint.complaintId;
    await call('POST', `/complaints/${noise}/acknowledge`, { token: property, body: {} });
    expect((await call('POST', `/complaints/${noise}/enforcement-referral`, { token: property, body: { note: 'loud' } })).status).toBe(422);
  });
});

describe('court visits, petitions and the city’s figures', () => {
  test('visits and petitions are recorded with their checks, and counted in the report (JSON and CSV), petitions against the previous period', async () => {
    // The clock has moved on since MONDAY (perhaps into a new year): visits and petitions are dated in MONDAY's year.
    const today = MONDAY;
    const year = MONDAY.slice(0, 4);
    const visit = await call('POST', '/compounds/dq-a/court-visits', {
      token: street,
      body: { visitedOn: today, court: 'Fengze District People’s Court', judges: ['Judge Wu', 'Judge Xu'], casesHandled: 5, settledOnSite: 3 },
    });
    expect(visit.status).toBe(201);
    expect((await call('POST', '/compounds/dq-a/court-visits', { token: street, body: { visitedOn: today, court: 'x court', judges: ['a'], casesHandled: 1, settledOnSite: 2 } })).status).toBe(422);
    expect((await call('POST', '/compounds/dq-a/court-visits', { token: street, body: { visitedOn: '2999-01-01', court: 'x court', judges: ['a'], casesHandled: 1, settledOnSite: 1 } })).status).toBe(
      422,
    );
    expect((await call('POST', '/compounds/dq-a/court-visits', { token: property, body: { visitedOn: today, court: 'x court', judges: ['a'], casesHandled: 1, settledOnSite: 1 } })).status).toBe(403);
    expect(
      (
        await call('POST', '/compounds/dq-a/court-visits', {
          token: street,
          body: { visitedOn: today, court: 'x court', judges: ['a'], casesHandled: 1, settledOnSite: 1, complaintIds: ['Q20000101-AAAAAA'] },
        })
      ).status,
    ).toBe(422);
    expect((await call('GET', '/compounds/dq-a/court-visits', { token: committee })).json.items).toHaveLength(1);
    const lastYear = `${Number(year) - 1}${today.slice(4)}`;
    for (const receivedOn of [lastYear, lastYear, lastYear, today, today]) {
      expect((await call('POST', '/compounds/dq-a/petitions', { token: street, body: { category: 'fees', channel: 'hotline', receivedOn, summary: 'fees raised without a vote' } })).status).toBe(201);
    }
    expect((await call('POST', '/compounds/dq-a/petitions', { token: community, body: { category: 'fees', channel: 'hotline', receivedOn: today, summary: 'fees raised' } })).status).toBe(403);
    await system.idle();
    const city = await call('GET', `/reports/disputes?period=${year}`, { token: bureau });
    expect(city.status).toBe(200);
    expect(city.json).toMatchObject({ level: 'city', period: year, figures: { courtVisits: 1, settledOnSite: 3 }, petitions: { current: 2, previous: 3, changePercent: '-33.33' } });
    // Everything that happened in this file, over the years it spans.
    const years = [...new Set([year, new Date(clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 4)])];
    const all = await Promise.all(years.map(async (y) => (await call('GET', `/reports/disputes?period=${y}`, { token: bureau })).json.figures));
    const total = (pick: (f: any) => number) => all.reduce((n, f) => n + pick(f), 0);
    expect(total((f) => f.accepted)).toBe(14); // every complaint filed above, the idempotent retry once
    expect(total((f) => f.mediatedSuccessfully)).toBe(2);
    expect(total((f) => f.mediationsFailed)).toBe(1);
    expect(total((f) => f.referredToCourt)).toBe(1);
    expect(total((f) => f.referredForEnforcement)).toBe(1);
    expect(total((f) => f.judicialConfirmations.confirmed)).toBe(1);
    expect(total((f) => f.escalated)).toBeGreaterThanOrEqual(3);
    expect(city.json.parts).toEqual([expect.objectContaining({ level: 'district', id: 'D1' })]);
    const street1 = await call('GET', `/reports/disputes?streetId=S1&period=${year}`, { token: street });
    expect(street1.json.parts.map((p: { id: string }) => p.id)).toEqual(['dq-a']);
    expect(street1.json.figures).toEqual(city.json.figures);
    expect((await call('GET', `/reports/disputes?streetId=S2&period=${year}`, { token: street })).status).toBe(403);
    expect((await call('GET', `/reports/disputes?period=${year}`, { token: community })).status).toBe(403);
    expect((await call('GET', `/reports/disputes?compoundId=dq-a&period=${year}`, { token: community })).json.figures.courtVisits).toBe(1);
    expect((await call('GET', '/reports/disputes?period=2026-13', { token: bureau })).status).toBe(400);
    const csv = await call('GET', `/reports/disputes?districtId=D1&period=${year}&format=csv`, { token: district });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^level,id,period,accepted,mediated_successfully,/);
    expect(lines[1]).toMatch(new RegExp(`^district,D1,${year},`));
    expect(lines.slice(2).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['street,S1']);
  });
});
