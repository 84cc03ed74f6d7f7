import { invalid, ruleBroken } from '../../../libs/errors';
import { shanghaiTime } from './calendar';
import { CATEGORIES, CATEGORY_RULES, handlerLabel, type Category } from './categories';
import { open311Status, type Complaint, type Status } from './complaint';

/**
 * Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2): the one window spoken in the format existing
 * clients and apps already use. Services are our categories, requests our complaints; `open`/`closed`
 * stand for our richer states. Every field the spec lists is present, null when we have nothing, and
 * identifiers are strings (the published JSON schemas: open311/schema-validation).
 */
export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
export type Format = 'json' | 'xml';

/** `services.json`, `123.xml`: the resource and its format (API Gateway cannot put a variable inside a segment, so the extension is parsed here). */
export function splitFormat(file: string): { name: string; format: Format } {
  const m = /^(.+)\.(json|xml)$/.exec(file);
  if (!m) throw invalid(`${file} must end in .json or .xml`, [{ field: 'path', reason: 'unknown format' }]);
  return { name: m[1]!, format: m[2] as Format };
}

export const formatOfPath = (path: string): Format => (path.endsWith('.xml') ? 'xml' : 'json');

export function serviceList() {
  return CATEGORIES.map((code) => {
    const rule = CATEGORY_RULES[code];
    return {
      service_code: code,
      service_name: `${rule.name} ${rule.nameZh}`,
      description: rule.description,
      metadata: rule.attributes.length > 0,
      type: 'realtime' as const,
      keywords: rule.keywords,
      group: rule.group,
    };
  });
}

export function serviceDefinition(code: Category) {
  return {
    service_code: code,
    attributes: CATEGORY_RULES[code].attributes.map((a, i) => ({
      variable: true,
      code: a.code,
      datatype: a.datatype,
      required: a.required,
      datatype_description: a.datatypeDescription ?? null,
      order: i + 1,
      description: a.description,
      ...(a.values ? { values: a.values.map((v) => ({ key: v.key, name: v.name })) } : {}),
    })),
  };
}

/**
 * The `attribute[code]` fields of a POST, checked against the service definition: required ones
 * present, list values among the keys, datetimes parseable. Codes the definition does not know are
 * ignored (clients such as FixMyStreet send their own extras).
 */
export function checkAttributes(code: Category, given: Record<string, string | string[]> | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const errors: { field: string; reason: string }[] = [];
  for (const a of CATEGORY_RULES[code].attributes) {
    const value = given?.[a.code];
    const empty = value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
    if (empty) {
      if (a.required) errors.push({ field: `attribute[${a.code}]`, reason: `required: ${a.description}` });
      continue;
    }
    const values = Array.isArray(value) ? value : [value];
    if (a.datatype !== 'multivaluelist' && values.length > 1) errors.push({ field: `attribute[${a.code}]`, reason: 'takes one value' });
    if (a.values) {
      const keys = a.values.map((v) => v.key);
      for (const v of values) if (!keys.includes(v)) errors.push({ field: `attribute[${a.code}]`, reason: `${v} is not one of ${keys.join(', ')}` });
    }
    if (a.datatype === 'datetime' && values.some((v) => Number.isNaN(Date.parse(v)))) errors.push({ field: `attribute[${a.code}]`, reason: 'not an ISO 8601 datetime' });
    if (a.datatype === 'number' && values.some((v) => !Number.isFinite(Number(v)))) errors.push({ field: `attribute[${a.code}]`, reason: 'not a number' });
    if (values.some((v) => v.length > 500)) errors.push({ field: `attribute[${a.code}]`, reason: 'longer than 500 characters' });
    out[a.code] = a.datatype === 'multivaluelist' ? values : values[0]!;
  }
  if (errors.length) throw invalid(errors.map((e) => `${e.field}: ${e.reason}`).join('; '), errors);
  return out;
}

export interface CompoundFacts {
  name?: string;
  address?: string;
  zipcode?: string;
  lat?: number;
  long?: number;
}

const STATUS_NOTES: Record<Status, string> = {
  received: 'Received; waiting for the handler to acknowledge it.',
  acknowledged: 'Acknowledged by the handler.',
  in_progress: 'Being worked on.',
  in_mediation: 'In mediation between the parties.',
  resolved: 'Resolved; the complainant may confirm or reopen it.',
  referred: 'Referred onwards (court or enforcement departments).',
  closed: 'Closed.',
};

/**
 * One complaint as an Open311 request. `full`: the caller may see the description and precise place
 * (a public complaint, or an api key whose scope covers the compound); otherwise only what places
 * the case at its compound. The complainant is never shown.
 */
export function requestView(c: Complaint, compound: CompoundFacts, options: { full: boolean; mediaBase: string }) {
  const open = open311Status(c.status) === 'open';
  const detail = options.full;
  const last = c.history.at(-1);
  const unitPart = detail ? [c.location.unitId ?? c.location.buildingId].filter(Boolean) : [];
  const address = detail && c.location.address ? c.location.address : [...unitPart, compound.name, compound.address].filter(Boolean).join(', ') || null;
  const addressId = detail ? [c.compoundId, c.location.buildingId, c.location.unitId].filter(Boolean).join(':') : c.compoundId;
  const media = detail ? c.attachments[0] : undefined;
  return {
    service_request_id: c.complaintId,
    status: open311Status(c.status),
    status_notes: detail && last ? last.note : STATUS_NOTES[c.status],
    service_name: `${CATEGORY_RULES[c.category].name} ${CATEGORY_RULES[c.category].nameZh}`,
    service_code: c.category,
    description: detail ? c.description : null,
    agency_responsible: handlerLabel(c.handler, compound.name),
    service_notice: CATEGORY_RULES[c.category].notice,
    requested_datetime: shanghaiTime(c.requestedAt),
    updated_datetime: shanghaiTime(c.updatedAt),
    expected_datetime: open ? shanghaiTime(c.resolveBy) : null,
    address,
    address_id: addressId,
    zipcode: compound.zipcode ?? null,
    lat: detail && c.location.lat !== undefined ? c.location.lat : (compound.lat ?? null),
    long: detail && c.location.long !== undefined ? c.location.long : (compound.long ?? null),
    media_url: media ? (media.source === 'link' ? media.url! : `${options.mediaBase}/${c.complaintId}/${media.attachmentId}`) : null,
  };
}

export type RequestView = ReturnType<typeof requestView>;

/**
 * Where an Open311 request is, in our terms. `address_id` is a compound id, optionally with a building
 * and a unit (`demo-donghu:B03:B03-1202`); `jurisdiction_id` may name a compound; lat/long is matched
 * to the nearest compound whose registered radius covers it. An address string alone cannot be placed
 * (we do not geocode).
 */
export interface Placement {
  compoundId?: string;
  buildingId?: string;
  unitId?: string;
  /** Look for the compound at this point. */
  point?: { lat: number; long: number };
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function placement(input: { address_id?: string; lat?: number; long?: number; address_string?: string }, jurisdictionCompound: string | undefined): Placement {
  if ((input.lat === undefined) !== (input.long === undefined)) throw invalid('send lat and long together', [{ field: input.lat === undefined ? 'lat' : 'long', reason: 'missing its pair' }]);
  const point = input.lat !== undefined ? { lat: input.lat, long: input.long! } : undefined;
  if (input.address_id) {
    const [compoundId, buildingId, unitId, ...rest] = input.address_id.split(':');
    if (rest.length || ![compoundId, buildingId, unitId].every((p) => p === undefined || ID.test(p))) {
      throw invalid(`address_id ${input.address_id} is not compound[:building[:unit]]`, [{ field: 'address_id', reason: 'malformed' }]);
    }
    if (jurisdictionCompound && jurisdictionCompound !== compoundId)
      throw invalid('address_id is in another compound than jurisdiction_id', [{ field: 'address_id', reason: 'conflicts with jurisdiction_id' }]);
    return { compoundId, buildingId, unitId, point };
  }
  if (jurisdictionCompound) return { compoundId: jurisdictionCompound, point };
  if (point) return { point };
  if (input.address_string)
    throw ruleBroken('an address string alone cannot be placed in a compound: send address_id (a compound id) or lat and long', [{ field: 'address_string', reason: 'not geocoded' }]);
  throw invalid('a location is required: address_id, lat and long, or address_string', [{ field: 'address_id', reason: 'missing location' }]);
}
