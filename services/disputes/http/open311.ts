import { timingSafeEqual } from 'node:crypto';
import type { CompoundLocation } from '../../../libs/auth';
import { clock } from '../../../libs/clock';
import { stage } from '../../../libs/config';
import { stripKeys } from '../../../libs/db';
import { forbidden, invalid, notFound, ruleBroken } from '../../../libs/errors';
import { downloadUrl, objectInfo } from '../../../libs/files';
import { implement, type HttpEvent, type Reply } from '../../../libs/http/api';
import { beginIdempotent, completeIdempotent, fingerprint, releaseIdempotent } from '../../../libs/http/idempotency';
import { file, locate } from '../cases';
import { shanghaiTime } from '../domain/calendar';
import { CATEGORIES, CATEGORY_RULES, type Category } from '../domain/categories';
import type { Complaint } from '../domain/complaint';
import { nearestCovering } from '../domain/geo';
import { checkAttributes, placement, requestView, serviceDefinition, serviceList, SPECIFICATION, splitFormat, type CompoundFacts, type Format } from '../domain/open311';
import { complaintOfToken, getComplaint, getComplaints } from '../store/complaints';
import { getKey, type ApiKey } from '../store/keys';
import { placesNear, type Place } from '../store/places';
import { entriesBetween } from '../store/projections';
import { batchGet, table } from '../store/table';
import { open311Routes as routes } from '../routes/open311';
import { instant, listFields, parseFields, postFields, type PostFields } from './open311-input';
import { CONTENT_TYPES, render } from './open311-format';
import { hashSecret } from './records';

/**
 * Open311 GeoReport v2 (docs/open311.md). One jurisdiction per deployment, the city; a compound id is
 * also accepted as jurisdiction_id (an app for one compound). Reading is public as the spec has it,
 * but a complaint's description and exact place are shown only when the complaint is public or the
 * api_key sent covers its compound; the complainant is never shown.
 */
export const JURISDICTION_ID = process.env.OPEN311_JURISDICTION_ID ?? 'quanzhou.gov.cn';
/** When the service list or a definition last changed (discovery's changeset). */
export const SERVICES_CHANGED_AT = '2026-05-01T00:00:00.000Z';
const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 90;
const MAX_REQUESTS = 1000;

const baseUrl = (event: HttpEvent) => {
  const headers = event.headers ?? {};
  const proto = headers['x-forwarded-proto'] ?? (stage() === 'local' ? 'http' : 'https');
  return `${proto}://${headers.host ?? event.requestContext?.domainName ?? 'localhost'}/open311/v2`;
};

/** jurisdiction_id: absent or the city → the whole city; a known compound id → that compound; anything else → 404. */
async function jurisdiction(id: string | undefined): Promise<{ compound?: CompoundLocation & { name: string } }> {
  if (!id || id === JURISDICTION_ID) return {};
  const compound = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(id) ? await locate(id) : undefined;
  if (!compound) throw notFound(`jurisdiction_id ${id} was not found: use ${JURISDICTION_ID} or a compound id`);
  return { compound };
}

/** `<keyId>.<secret>`, compared by hash in constant time; a revoked or unknown key is a 403. */
async function verifyKey(apiKey: string | undefined, doing: string): Promise<ApiKey> {
  if (!apiKey) throw forbidden(`api_key is missing -- can't proceed with ${doing}`);
  const [keyId, secret, ...rest] = apiKey.split('.');
  const key = keyId && secret && rest.length === 0 && /^k[0-9a-z]{10}$/.test(keyId) ? await getKey(keyId) : undefined;
  const given = Buffer.from(hashSecret(secret ?? ''), 'hex');
  if (!key || key.revoked || !timingSafeEqual(given, Buffer.from(key.secretHash, 'hex'))) throw forbidden(`invalid api_key received -- can't proceed with ${doing}`);
  return key;
}

export const keyCovers = (key: ApiKey, c: CompoundLocation): boolean =>
  key.compounds.includes(c.compoundId) || key.areas.some((a) => (!a.districtId || a.districtId === c.districtId) && (!a.streetId || a.streetId === c.streetId));

function serviceCode(code: string | undefined, required: boolean): Category | undefined {
  if (!code) {
    if (required) throw invalid('service_code was not provided', [{ field: 'service_code', reason: 'required' }]);
    return undefined;
  }
  if (!CATEGORIES.includes(code as Category)) throw notFound(`service_code ${code} was not found`);
  return code as Category;
}

/** Name, address and position of each compound, in two batched reads (the registry copy and the places). */
async function compoundFacts(compoundIds: readonly string[]): Promise<Map<string, CompoundFacts & CompoundLocation>> {
  const ids = [...new Set(compoundIds)];
  const items = await batchGet(
    ids.flatMap((c) => [
      { pk: `COMPOUND#${c}`, sk: 'META' },
      { pk: `COMPOUND#${c}`, sk: 'PLACE' },
    ]),
  );
  const out = new Map<string, CompoundFacts & CompoundLocation>();
  for (const item of items.filter((i) => i.sk === 'META')) out.set(item.compoundId as string, { ...(stripKeys<CompoundLocation & { name: string }>(item) as CompoundLocation & { name: string }) });
  for (const item of items.filter((i) => i.sk === 'PLACE')) {
    const place = stripKeys<Place>(item)!;
    const facts = out.get(place.compoundId);
    if (facts) Object.assign(facts, { address: place.address, zipcode: place.zipcode, lat: place.lat, long: place.long });
  }
  return out;
}

async function views(event: HttpEvent, complaints: readonly Complaint[], key: ApiKey | undefined) {
  const facts = await compoundFacts(complaints.map((c) => c.compoundId));
  const mediaBase = `${baseUrl(event)}/media`;
  return complaints.map((c) => {
    const f = facts.get(c.compoundId);
    const full = c.visibility === 'public' || (key !== undefined && f !== undefined && keyCovers(key, f));
    return requestView(c, f ?? {}, { full, mediaBase });
  });
}

// ---- discovery and services ------------------------------------------------------------------------

function discovery(event: HttpEvent, format: Format): Reply {
  return render(format, 'discovery', {
    changeset: shanghaiTime(SERVICES_CHANGED_AT),
    contact: 'Quanzhou housing and urban-rural development bureau: the 12345 citizen hotline, or the street office of your compound',
    key_service: 'Api keys are issued by the city housing bureau to organisations (hotlines, apps, compound mini programs), for the compounds or areas they serve.',
    endpoints: [
      {
        specification: SPECIFICATION,
        url: baseUrl(event),
        changeset: shanghaiTime(SERVICES_CHANGED_AT),
        type: stage() === 'prod' ? 'production' : 'test',
        formats: [CONTENT_TYPES.xml.split(';')[0], CONTENT_TYPES.json.split(';')[0]],
      },
    ],
  });
}

const discoveryJson = implement(routes.open311DiscoveryJson, async ({ event }) => discovery(event, 'json'));
const discoveryXml = implement(routes.open311DiscoveryXml, async ({ event }) => discovery(event, 'xml'));

const services =
  (format: Format) =>
  async ({ query }: { query: { jurisdiction_id?: string } }) => {
    await jurisdiction(query.jurisdiction_id || undefined);
    return render(format, 'services', serviceList());
  };
const servicesJson = implement(routes.open311ServicesJson, services('json'));
const servicesXml = implement(routes.open311ServicesXml, services('xml'));

const definition = implement(routes.open311ServiceDefinition, async ({ params, query }) => {
  const { name, format } = splitFormat(params.serviceFile);
  await jurisdiction(query.jurisdiction_id || undefined);
  const code = serviceCode(name, true)!;
  return render(format, 'service_definition', serviceDefinition(code));
});

// ---- POST requests -----------------------------------------------------------------------------------

async function place(fields: PostFields): Promise<{ location: CompoundLocation; buildingId?: string; unitId?: string }> {
  const { compound } = await jurisdiction(fields.jurisdiction_id);
  const where = placement(fields, compound?.compoundId);
  let compoundId = where.compoundId;
  if (!compoundId) {
    const found = nearestCovering(where.point!.lat, where.point!.long, await placesNear(where.point!.lat, where.point!.long));
    if (!found)
      throw ruleBroken(`no registered compound covers ${where.point!.lat},${where.point!.long}: send address_id (a compound id)`, [{ field: 'lat', reason: 'outside every registered compound' }]);
    compoundId = found.compoundId;
  }
  const location = compound?.compoundId === compoundId ? compound : await locate(compoundId);
  if (!location) throw notFound(`address_id ${compoundId} was not found: it is not a registered compound`);
  return { location, buildingId: where.buildingId, unitId: where.unitId };
}

async function createRequest(event: HttpEvent, format: Format, raw: Record<string, unknown>, headers: Record<string, string | undefined>): Promise<Reply> {
  const fields = parseFields(postFields, raw);
  const key = await verifyKey(fields.api_key, 'create_request');
  // Idempotency-Key works here as on every POST, keyed by the api key instead of a person.
  const idempotencyKey = headers['idempotency-key'];
  const claimed = idempotencyKey ? await beginIdempotent(table(), `open311:${key.keyId}`, event.routeKey, idempotencyKey, fingerprint('POST', event.rawPath, event.body ?? '')) : undefined;
  if (claimed && 'replay' in claimed) {
    return { status: claimed.replay.statusCode, contentType: claimed.replay.headers?.['content-type'] as string, body: claimed.replay.body, headers: { 'idempotent-replayed': 'true' } };
  }
  try {
    const code = serviceCode(fields.service_code, true)!;
    const where = await place(fields);
    if (!keyCovers(key, where.location)) throw forbidden(`this api_key may not file complaints in compound ${where.location.compoundId}`);
    const attributes = checkAttributes(code, fields.attribute);
    const now = clock.nowIso();
    const name = [fields.last_name, fields.first_name].filter(Boolean).join('') || undefined;
    const complaint = await file(
      {
        compoundId: where.location.compoundId,
        category: code,
        channel: 'open311',
        description: fields.description ?? `${CATEGORY_RULES[code].name} (no description given)`,
        location: { buildingId: where.buildingId, unitId: where.unitId, lat: fields.lat, long: fields.long, address: fields.address_string },
        attributes,
        complainant: { organisation: key.organisation, email: fields.email, name, phone: fields.phone, accountId: fields.account_id, deviceId: fields.device_id },
        anonymous: !name && !fields.email && !fields.phone && !fields.account_id,
        wantsPublic: true,
        attachments: fields.media_url ? [{ attachmentId: 'A1', source: 'link', url: fields.media_url, contentType: 'text/uri-list', addedBy: `open311:${key.keyId}`, addedAt: now }] : [],
      },
      where.location,
      `open311:${key.keyId}`,
    );
    const reply = render(format, 'service_requests', [{ service_request_id: complaint.complaintId, service_notice: CATEGORY_RULES[code].notice, account_id: fields.account_id ?? null }]);
    if (claimed) await completeIdempotent(claimed.claim, { statusCode: reply.status, headers: { 'content-type': reply.contentType! }, body: String(reply.body) });
    return reply;
  } catch (error) {
    if (claimed) await releaseIdempotent(claimed.claim);
    throw error;
  }
}

const postJson = implement(routes.open311PostRequestJson, async ({ event, body, headers }) => createRequest(event, 'json', body, headers));
const postXml = implement(routes.open311PostRequestXml, async ({ event, body, headers }) => createRequest(event, 'xml', body, headers));

// ---- GET requests ---------------------------------------------------------------------------------------

async function listRequests(event: HttpEvent, format: Format, raw: Record<string, unknown>): Promise<Reply> {
  const q = parseFields(listFields, raw);
  const { compound } = await jurisdiction(q.jurisdiction_id);
  const key = q.api_key ? await verifyKey(q.api_key, 'get_service_requests') : undefined;
  let complaints: Complaint[];
  if (q.service_request_id) {
    // "This overrides all other arguments."
    if (q.service_request_id.length > 100) throw invalid('at most 100 service_request_id at once', [{ field: 'service_request_id', reason: 'too many' }]);
    const ids = q.service_request_id.filter((id) => /^Q\d{8}-[0-9A-Z]{6}$/.test(id));
    const found = new Map((await getComplaints(ids)).map((c) => [c.complaintId, c]));
    complaints = ids.map((id) => found.get(id)).filter((c): c is Complaint => c !== undefined);
  } else {
    for (const s of q.status ?? []) if (s !== 'open' && s !== 'closed') throw invalid(`status ${s} is not open or closed`, [{ field: 'status', reason: 'open or closed' }]);
    for (const c of q.service_code ?? []) serviceCode(c, false);
    const now = clock.nowIso();
    const start = q.start_date ? instant(q.start_date) : undefined;
    const end = q.end_date ? instant(q.end_date) : start ? new Date(Date.parse(start) + MAX_RANGE_DAYS * DAY_MS).toISOString() : now;
    const from = start ?? new Date(Date.parse(end) - MAX_RANGE_DAYS * DAY_MS).toISOString();
    if (from > end) throw invalid('start_date is after end_date', [{ field: 'start_date', reason: 'after end_date' }]);
    if (Date.parse(end) - Date.parse(from) > MAX_RANGE_DAYS * DAY_MS)
      throw invalid(`the range may not span more than ${MAX_RANGE_DAYS} days`, [{ field: 'end_date', reason: `more than ${MAX_RANGE_DAYS} days after start_date` }]);
    const pageSize = q.page_size ?? MAX_REQUESTS;
    const page = q.page ?? 1;
    if (page * pageSize > 100 * MAX_REQUESTS) throw invalid('page too far', [{ field: 'page', reason: 'out of range' }]);
    const entries = await entriesBetween(from, end, { status: q.status, codes: q.service_code, compoundId: compound?.compoundId }, page * pageSize);
    const wanted = entries.slice((page - 1) * pageSize, page * pageSize);
    const found = new Map((await getComplaints(wanted.map((e) => e.complaintId))).map((c) => [c.complaintId, c]));
    complaints = wanted.map((e) => found.get(e.complaintId)).filter((c): c is Complaint => c !== undefined);
  }
  if (compound) complaints = complaints.filter((c) => c.compoundId === compound.compoundId);
  return render(format, 'service_requests', await views(event, complaints, key));
}

const listJson = implement(routes.open311RequestsJson, async ({ event, query }) => listRequests(event, 'json', query));
const listXml = implement(routes.open311RequestsXml, async ({ event, query }) => listRequests(event, 'xml', query));

const oneRequest = implement(routes.open311Request, async ({ event, params, query }) => {
  const { name, format } = splitFormat(params.requestFile);
  const q = parseFields(listFields, query);
  const { compound } = await jurisdiction(q.jurisdiction_id);
  const key = q.api_key ? await verifyKey(q.api_key, 'get_service_request') : undefined;
  const c = /^Q\d{8}-[0-9A-Z]{6}$/.test(name) ? await getComplaint(name, false) : undefined;
  if (!c || (compound && c.compoundId !== compound.compoundId)) throw notFound(`service_request_id ${name} was not found`);
  return render(format, 'service_requests', await views(event, [c], key));
});

const token = implement(routes.open311Token, async ({ params, query }) => {
  const { name, format } = splitFormat(params.tokenFile);
  await jurisdiction(query.jurisdiction_id || undefined);
  const complaintId = /^[0-9a-z]{12}$/.test(name) ? await complaintOfToken(name) : undefined;
  if (!complaintId || !(await getComplaint(complaintId, false))) throw notFound(`token ${name} was not found`);
  return render(format, 'service_requests', [{ service_request_id: complaintId, token: name }]);
});

/** media_url of a public complaint: a redirect to a fresh short-lived download URL (a presigned URL cannot be a stable address). */
const media = implement(routes.open311Media, async ({ params }) => {
  const c = await getComplaint(params.complaintId, false);
  const a = c?.visibility === 'public' ? c.attachments.find((x) => x.attachmentId === params.attachmentId && x.source === 'upload') : undefined;
  if (!a || !(await objectInfo(a.key!))) throw notFound('no such media');
  return { status: 302, headers: { location: await downloadUrl(a.key!, { expiresSeconds: 300 }) }, contentType: 'text/plain; charset=utf-8', body: '' };
});

export const open311Implementations = [discoveryJson, discoveryXml, servicesJson, servicesXml, definition, postJson, postXml, listJson, listXml, oneRequest, token, media];
