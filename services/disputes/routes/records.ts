import * as z from '../../../events/zod';
import { pageQuery } from '../../../libs/http/page-query';
import { id } from '../../../libs/ids';
import type { RouteDecl } from '../../../libs/topology';
import { MAX_RADIUS_METRES } from '../domain/geo';
import { category, complaintId, compoundParams, date, HANDLERS, lat, long, OFFICIALS, text } from './shared';

const areaScope = z.strictObject({ districtId: z.optional(id), streetId: z.optional(id) });

/** Court visits, petitions, where compounds are, work lists, statistics, the calendar and Open311 api keys. */
export const recordRoutes = {
  recordCourtVisit: {
    operationId: 'recordCourtVisit',
    method: 'POST',
    path: '/compounds/{compoundId}/court-visits',
    summary: 'Record judges’ visit to the compound (法官进小区): date, court, judges, cases handled and settled on the spot',
    allow: OFFICIALS,
    params: compoundParams,
    body: z.strictObject({
      visitedOn: date,
      court: text(2, 200),
      judges: z.array(text(1, 100)).check(z.minLength(1), z.maxLength(50)),
      casesHandled: z.int().check(z.nonnegative(), z.maximum(10_000)),
      settledOnSite: z.int().check(z.nonnegative(), z.maximum(10_000)),
      complaintIds: z._default(z.array(complaintId).check(z.maxLength(100)), []),
      note: z.optional(text(1, 2000)),
    }),
    successStatus: 201,
  },
  listCourtVisits: {
    operationId: 'listCourtVisits',
    method: 'GET',
    path: '/compounds/{compoundId}/court-visits',
    summary: 'Court visits to the compound, newest first',
    allow: ['committee', 'property', 'community', 'street', 'district', 'inspector', 'bureau'],
    params: compoundParams,
    query: pageQuery,
  },
  recordPetition: {
    operationId: 'recordPetition',
    method: 'POST',
    path: '/compounds/{compoundId}/petitions',
    summary: 'Record a petition (信访) about the compound, by category, so the city sees whether they fall',
    allow: ['street', 'district', 'bureau'],
    params: compoundParams,
    body: z.strictObject({
      category,
      channel: z.enum(['letter', 'visit', 'online', 'hotline']),
      receivedOn: date,
      summary: text(5, 2000),
      petitioners: z._default(z.int().check(z.positive(), z.maximum(10_000)), 1),
      complaintId: z.optional(complaintId),
    }),
    successStatus: 201,
  },
  listPetitions: {
    operationId: 'listPetitions',
    method: 'GET',
    path: '/compounds/{compoundId}/petitions',
    summary: 'Petitions about the compound, newest first',
    allow: ['community', 'street', 'district', 'inspector', 'bureau'],
    params: compoundParams,
    query: pageQuery,
  },
  setPlace: {
    operationId: 'setPlace',
    method: 'PUT',
    path: '/compounds/{compoundId}/place',
    summary: 'Where the compound is (centre, radius, postal address): Open311 requests with lat/long are placed by it',
    allow: OFFICIALS,
    params: compoundParams,
    body: z.strictObject({
      lat,
      long,
      radiusMetres: z._default(z.int().check(z.positive(), z.maximum(MAX_RADIUS_METRES)), 300),
      address: z.optional(text(2, 200)),
      zipcode: z.optional(z.string().check(z.regex(/^\d{6}$/, 'a six-digit postal code'))),
    }),
  },
  getPlace: {
    operationId: 'getPlace',
    method: 'GET',
    path: '/compounds/{compoundId}/place',
    summary: 'Where the compound is, as Open311 places it',
    allow: ['owner', 'committee', 'property', 'community', 'street', 'district', 'inspector', 'department', 'bureau'],
    params: compoundParams,
  },
  inbox: {
    operationId: 'disputesInbox',
    method: 'GET',
    path: '/disputes/inbox',
    summary: 'A handler’s complaints (street:S, community:K, department:fire-rescue, property:C…), newest first; the caller must hold that grant',
    allow: HANDLERS,
    query: z.extend(pageQuery, {
      handler: z.string().check(z.regex(/^(property|committee|community|street|district|department):[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'kind:id, e.g. street:S1')),
      state: z._default(z.enum(['open', 'closed', 'all']), 'open'),
    }),
  },
  disputesReport: {
    operationId: 'disputesReport',
    method: 'GET',
    path: '/reports/disputes',
    summary:
      'Cases accepted, mediated, referred, court visits and on-site settlements, time to acknowledge and resolve, petitions against the previous period — for a compound, street, district or the city (JSON or CSV)',
    allow: OFFICIALS,
    query: z.extend(areaScope, {
      compoundId: z.optional(id),
      period: z.optional(z.string().check(z.regex(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/, 'a year (2026), quarter (2026-Q2) or month (2026-05)'))),
      format: z._default(z.enum(['json', 'csv']), 'json'),
    }),
  },
  setCalendar: {
    operationId: 'setCalendar',
    method: 'PUT',
    path: '/disputes/calendar/{year}',
    summary: 'A year’s public holidays and make-up working days (调休), which deadlines are counted in (bureau)',
    allow: ['bureau'],
    params: z.strictObject({ year: z.coerce.number().check(z.int(), z.minimum(2000), z.maximum(2100)) }),
    body: z.strictObject({ holidays: z.array(z.iso.date()).check(z.maxLength(60)), workdays: z.array(z.iso.date()).check(z.maxLength(30)) }),
  },
  getCalendar: {
    operationId: 'getCalendar',
    method: 'GET',
    path: '/disputes/calendar/{year}',
    summary: 'The working calendar of a year',
    allow: ['owner', 'committee', 'property', 'community', 'street', 'district', 'inspector', 'department', 'bureau'],
    params: z.strictObject({ year: z.coerce.number().check(z.int(), z.minimum(2000), z.maximum(2100)) }),
  },
  issueApiKey: {
    operationId: 'issueApiKey',
    method: 'POST',
    path: '/disputes/api-keys',
    summary: 'Issue an Open311 api key to an organisation, for compounds and/or areas; the key is shown once (bureau)',
    allow: ['bureau'],
    body: z
      .strictObject({
        organisation: text(2, 200),
        compounds: z._default(z.array(id).check(z.maxLength(500)), []),
        areas: z._default(z.array(areaScope).check(z.maxLength(100)), []),
      })
      .check(z.refine((b) => b.compounds.length > 0 || b.areas.length > 0, { message: 'name compounds or areas the key may file in (an empty area {} is the whole city)', path: ['areas'] })),
    successStatus: 201,
  },
  listApiKeys: {
    operationId: 'listApiKeys',
    method: 'GET',
    path: '/disputes/api-keys',
    summary: 'Open311 api keys, newest first (never the secrets)',
    allow: ['bureau'],
    query: pageQuery,
  },
  revokeApiKey: {
    operationId: 'revokeApiKey',
    method: 'POST',
    path: '/disputes/api-keys/{keyId}/revoke',
    summary: 'Revoke an Open311 api key (bureau)',
    allow: ['bureau'],
    params: z.strictObject({ keyId: z.string().check(z.regex(/^k[0-9a-z]{10}$/)) }),
    body: z.strictObject({ reason: text(2, 500) }),
  },
} as const satisfies Record<string, RouteDecl>;
