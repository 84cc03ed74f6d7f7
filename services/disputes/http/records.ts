import { createHash, randomBytes } from 'node:crypto';
import { ApiKeyIssued, ApiKeyRevoked, CompoundLocated, CourtVisitRecorded, PetitionRecorded, WorkingCalendarSet } from '../../../events/disputes';
import type { EventContext } from '../../../events/envelope';
import { clock } from '../../../libs/clock';
import { conflict, forbidden, notFound, ruleBroken } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { localDate } from '../domain/calendar';
import { getCalendar, putCalendar } from '../store/calendar';
import { getComplaints } from '../store/complaints';
import { getKey, insertKey, pageKeys, revokeKey } from '../store/keys';
import { getPlace, putPlace } from '../store/places';
import { pageInbox } from '../store/projections';
import { insertCourtVisit, insertPetition, pageCourtVisits, pagePetitions } from '../store/records';
import { recordRoutes as routes } from '../routes/records';

/** Court visits, petitions, places, work lists, the calendar and api keys. */

const ctx = (compoundId: string | null, actor: string, id: string): EventContext => ({ compoundId, actor, occurredAt: clock.nowIso(), id, correlationId: id });
const code = (n: number) => randomBytes(n).toString('hex').slice(0, n).toUpperCase();

async function requireComplaintsIn(compoundId: string, ids: readonly string[], field: string): Promise<void> {
  if (ids.length === 0) return;
  const found = await getComplaints([...new Set(ids)]);
  const missing = [...new Set(ids)].filter((id) => !found.some((c) => c.complaintId === id && c.compoundId === compoundId));
  if (missing.length)
    throw ruleBroken(
      `not complaints of compound ${compoundId}: ${missing.join(', ')}`,
      missing.map((id) => ({ field, reason: `${id} is not a complaint of this compound` })),
    );
}

const recordCourtVisit = implement(routes.recordCourtVisit, async ({ params, body, principal }) => {
  const today = localDate(clock.nowIso());
  if (body.visitedOn > today) throw ruleBroken('a visit is recorded once it happened', [{ field: 'body.visitedOn', reason: 'in the future' }]);
  if (body.settledOnSite > body.casesHandled) throw ruleBroken('more disputes settled than handled', [{ field: 'body.settledOnSite', reason: 'exceeds casesHandled' }]);
  await requireComplaintsIn(params.compoundId, body.complaintIds, 'body.complaintIds');
  const visitId = `V${body.visitedOn.replaceAll('-', '')}-${code(6)}`;
  const visit = { visitId, compoundId: params.compoundId, ...body, recordedAt: clock.nowIso(), recordedBy: principal.subject };
  const event = CourtVisitRecorded.create(
    { compoundId: params.compoundId, visitId, visitedOn: body.visitedOn, court: body.court, judges: body.judges.length, casesHandled: body.casesHandled, settledOnSite: body.settledOnSite },
    ctx(params.compoundId, principal.subject, `courtvisit-${visitId}`),
  );
  if (!(await insertCourtVisit(visit, event))) throw conflict(`visit ${visitId} already exists`);
  return { status: 201, body: visit };
});

const listCourtVisits = implement(routes.listCourtVisits, async ({ params, query }) => ({ body: await pageCourtVisits(params.compoundId, query.limit, query.cursor) }));

const recordPetition = implement(routes.recordPetition, async ({ params, body, principal }) => {
  if (body.receivedOn > localDate(clock.nowIso())) throw ruleBroken('a petition is recorded once received', [{ field: 'body.receivedOn', reason: 'in the future' }]);
  if (body.complaintId) await requireComplaintsIn(params.compoundId, [body.complaintId], 'body.complaintId');
  const petitionId = `P${body.receivedOn.replaceAll('-', '')}-${code(6)}`;
  const petition = { petitionId, compoundId: params.compoundId, ...body, recordedAt: clock.nowIso(), recordedBy: principal.subject };
  const event = PetitionRecorded.create(
    { compoundId: params.compoundId, petitionId, category: body.category, channel: body.channel, receivedOn: body.receivedOn, complaintId: body.complaintId },
    ctx(params.compoundId, principal.subject, `petition-${petitionId}`),
  );
  if (!(await insertPetition(petition, event))) throw conflict(`petition ${petitionId} already exists`);
  return { status: 201, body: petition };
});

const listPetitions = implement(routes.listPetitions, async ({ params, query }) => ({ body: await pagePetitions(params.compoundId, query.limit, query.cursor) }));

const setPlace = implement(routes.setPlace, async ({ params, body, principal }) => {
  const place = { compoundId: params.compoundId, ...body, setAt: clock.nowIso(), setBy: principal.subject };
  const event = CompoundLocated.create(
    { compoundId: params.compoundId, lat: body.lat, long: body.long, radiusMetres: body.radiusMetres },
    ctx(params.compoundId, principal.subject, `place-${params.compoundId}-${place.setAt}`),
  );
  await putPlace(place, event);
  return { body: place };
});

const getPlaceRoute = implement(routes.getPlace, async ({ params }) => {
  const place = await getPlace(params.compoundId);
  if (!place) throw notFound(`compound ${params.compoundId} has no registered place`);
  return { body: place };
});

/** A handler's list: the caller must hold the handler's grant itself (the bureau may look at any). */
const inbox = implement(routes.inbox, async ({ query, principal }) => {
  const [kind, id] = query.handler.split(':') as [string, string];
  if (!principal.isCityWide() && !principal.grants.some((g) => g.role === kind && g.scope === id)) throw forbidden(`you do not act as ${query.handler}`);
  return { body: await pageInbox(query.handler, query.state, query.limit, query.cursor) };
});

const setCalendar = implement(routes.setCalendar, async ({ params, body, principal }) => {
  const wrongYear = [...body.holidays, ...body.workdays].filter((d) => !d.startsWith(`${params.year}-`));
  if (wrongYear.length)
    throw ruleBroken(
      `dates outside ${params.year}: ${wrongYear.join(', ')}`,
      wrongYear.map((d) => ({ field: 'body', reason: `${d} is not in ${params.year}` })),
    );
  const both = body.holidays.filter((d) => body.workdays.includes(d));
  if (both.length) throw ruleBroken(`a date cannot be both a holiday and a working day: ${both.join(', ')}`);
  const calendar = { holidays: [...new Set(body.holidays)].sort(), workdays: [...new Set(body.workdays)].sort() };
  const at = clock.nowIso();
  await putCalendar(
    params.year,
    calendar,
    principal.subject,
    at,
    WorkingCalendarSet.create(
      { year: params.year, holidays: calendar.holidays.length, workdays: calendar.workdays.length, holidayDates: calendar.holidays, workdayDates: calendar.workdays },
      ctx(null, principal.subject, `calendar-${params.year}-${at}`),
    ),
  );
  return { body: { year: params.year, ...calendar, setAt: at, setBy: principal.subject } };
});

const getCalendarRoute = implement(routes.getCalendar, async ({ params }) => ({
  body: (await getCalendar(params.year)) ?? { year: params.year, holidays: [], workdays: [], note: 'no calendar entered for this year: Monday to Friday are working days' },
}));

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

const issueApiKey = implement(routes.issueApiKey, async ({ body, principal }) => {
  const keyId = `k${randomBytes(8).toString('hex').slice(0, 10)}`;
  const secret = randomBytes(24).toString('base64url');
  const issuedAt = clock.nowIso();
  const record = { keyId, organisation: body.organisation, secretHash: hashSecret(secret), compounds: body.compounds, areas: body.areas, issuedAt, issuedBy: principal.subject };
  const event = ApiKeyIssued.create({ keyId, organisation: body.organisation, compounds: body.compounds, areas: body.areas }, ctx(null, principal.subject, `apikey-${keyId}`));
  if (!(await insertKey(record, event))) throw conflict('key id clash; retry');
  const { secretHash: _h, ...shown } = record;
  return { status: 201, body: { ...shown, apiKey: `${keyId}.${secret}`, note: 'the api key is shown once; only its hash is stored' } };
});

const listApiKeys = implement(routes.listApiKeys, async ({ query }) => ({ body: await pageKeys(query.limit, query.cursor) }));

const revokeApiKey = implement(routes.revokeApiKey, async ({ params, body, principal }) => {
  const revoked = { at: clock.nowIso(), by: principal.subject, reason: body.reason };
  const done = await revokeKey(params.keyId, revoked, ApiKeyRevoked.create({ keyId: params.keyId, reason: body.reason }, ctx(null, principal.subject, `apikey-${params.keyId}-revoked`)));
  if (!done) {
    const key = await getKey(params.keyId);
    if (!key) throw notFound(`no api key ${params.keyId}`);
    throw conflict(`api key ${params.keyId} was already revoked at ${key.revoked?.at}`);
  }
  return { body: { keyId: params.keyId, revoked } };
});

export const recordImplementations = [
  recordCourtVisit,
  listCourtVisits,
  recordPetition,
  listPetitions,
  setPlace,
  getPlaceRoute,
  inbox,
  setCalendar,
  getCalendarRoute,
  issueApiKey,
  listApiKeys,
  revokeApiKey,
];
