import { XMLParser } from 'fast-xml-parser';
import type { LocalSystem } from '../infra/local/runtime';
import { clock } from '../libs/clock';
import { client, compoundBody, registerAreas, startSystem } from './helpers';

/**
 * An Open311 GeoReport v2 client against /open311/v2/: discovery, services and their definitions,
 * POST requests form-encoded with an api_key, GET requests and one request in JSON and XML, tokens,
 * and the spec's error arrays. The XML is read back with a real parser.
 */
let system: LocalSystem;
let call: ReturnType<typeof client>;
let bureau: string, street: string, owner: string;
let districtKey: string, compoundKey: string;
const xml = new XMLParser({ isArray: (name) => ['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format'].includes(name), parseTagValue: false });
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  call('POST', `/open311/v2/${path}`, { raw: form(fields), type: 'application/x-www-form-urlencoded; charset=utf-8', headers });
const get = (path: string) => call('GET', `/open311/v2/${path}`);

const W3C = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;
const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
];

beforeAll(async () => {
  clock.reset();
  ({ system, call } = await startSystem());
  bureau = await system.token(['bureau'], 'bureau');
  street = await system.token(['street:S1'], 'street-officer');
  owner = await system.token(['owner:o3-a:O2'], 'owner-2');
  await registerAreas(system, [{ districtId: 'D2', streetId: 'S9', communityId: 'K9' }]);
  expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('o3-a', { name: '东湖花园 Donghu Garden', communityId: 'K1' }) })).status).toBe(201);
  expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('o3-b', { name: 'Xihu Court', communityId: 'K9' }) })).status).toBe(201);
  await system.idle();
  expect((await call('PUT', '/compounds/o3-a/place', { token: street, body: { lat: 24.9101, long: 118.6107, radiusMetres: 400, address: '1 Donghu Road, Fengze', zipcode: '362000' } })).status).toBe(
    200,
  );
  expect((await call('PUT', '/compounds/o3-b/place', { token: bureau, body: { lat: 24.9301, long: 118.5907, radiusMetres: 300 } })).status).toBe(200);
  districtKey = (await call('POST', '/disputes/api-keys', { token: bureau, body: { organisation: '12345 citizen hotline', areas: [{ districtId: 'D1' }] } })).json.apiKey;
  compoundKey = (await call('POST', '/disputes/api-keys', { token: bureau, body: { organisation: 'Xihu Court mini program', compounds: ['o3-b'] } })).json.apiKey;
});
afterAll(async () => {
  await system.close();
  clock.reset();
});

describe('discovery and services', () => {
  test('discovery in both formats, with the content types the spec gives', async () => {
    const json = await get('discovery.json');
    expect([json.status, json.headers.get('content-type')]).toEqual([200, 'application/json; charset=utf-8']);
    expect(json.json).toMatchObject({
      contact: expect.any(String),
      key_service: expect.any(String),
      endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: `${system.url}/open311/v2`, type: 'test', formats: ['text/xml', 'application/json'] }],
    });
    expect(Date.parse(json.json.changeset)).not.toBeNaN();
    const x = await get('discovery.xml');
    expect(x.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(x.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const doc = xml.parse(x.text).discovery;
    expect(doc.endpoints.endpoint[0].formats.format).toEqual(['text/xml', 'application/json']);
    expect(doc.contact).toBe(json.json.contact);
  });

  test('services list the categories; those needing more fields have a definition with attributes', async () => {
    const services = (await get('services.json')).json as { service_code: string; metadata: boolean; type: string }[];
    expect(services.map((s) => s.service_code)).toEqual(expect.arrayContaining(['property_service', 'noise', 'illegal_construction', 'fire_safety', 'utilities_cut_off', 'other']));
    for (const s of services) expect(Object.keys(s).sort()).toEqual(['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type']);
    expect(services.find((s) => s.service_code === 'fire_safety')).toMatchObject({ metadata: true, type: 'realtime' });
    expect(services.find((s) => s.service_code === 'parking')).toMatchObject({ metadata: false });
    const fromXml = xml.parse((await get('services.xml')).text).services.service;
    expect(fromXml.map((s: { service_code: string }) => s.service_code)).toEqual(services.map((s) => s.service_code));
    expect(fromXml[0].metadata).toBe(String(services[0]!.metadata));
    const definition = (await get('services/utilities_cut_off.json')).json;
    expect(definition).toMatchObject({
      service_code: 'utilities_cut_off',
      attributes: [
        { variable: true, code: 'utility', datatype: 'singlevaluelist', required: true, order: 1, values: expect.arrayContaining([{ key: 'water', name: 'water' }]) },
        { code: 'since', datatype: 'datetime', required: false, order: 2 },
      ],
    });
    const defXml = xml.parse((await get('services/utilities_cut_off.xml')).text).service_definition;
    expect(defXml.attributes.attribute[0].values.value.map((v: { key: string }) => v.key)).toEqual(['water', 'power', 'gas', 'heating']);
  });

  test('errors come as the spec’s arrays: unknown service 404, unknown jurisdiction 404, unknown format 400', async () => {
    const unknown = await get('services/graffiti.json');
    expect([unknown.status, unknown.json]).toEqual([404, [{ code: 404, description: 'service_code graffiti was not found' }]]);
    const unknownXml = await get('services/graffiti.xml');
    expect([unknownXml.status, xml.parse(unknownXml.text).errors.error]).toEqual([404, [{ code: '404', description: 'service_code graffiti was not found' }]]);
    expect((await get('services.json?jurisdiction_id=sf.gov')).status).toBe(404);
    expect((await get('services.json?jurisdiction_id=quanzhou.gov.cn')).status).toBe(200);
    expect((await get('services.json?jurisdiction_id=')).status).toBe(200); // empty = absent
    expect((await get('services/noise.html')).json).toEqual([{ code: 400, description: expect.stringContaining('.json or .xml') }]);
  });
});

describe('POST requests, form-encoded with an api_key', () => {
  let filed: string;

  test('a hotline files a fire hazard at a compound by address_id, with attributes and reporter fields', async () => {
    const r = await post('requests.json', {
      api_key: districtKey,
      jurisdiction_id: 'quanzhou.gov.cn',
      service_code: 'fire_safety',
      address_id: 'o3-a:B03',
      address_string: 'Building 3, Donghu Garden',
      email: 'li@example.cn',
      first_name: '丽',
      last_name: '李',
      phone: '13800000001',
      account_id: 'hotline-778',
      device_id: 'desk-4',
      description: 'E-bikes are charged in the stairwell of building 3 every night.',
      media_url: 'https://img.example.cn/stairwell.jpg',
      'attribute[hazard]': 'ebike_charging',
      'attribute[WHATEVER]': 'ignored',
    });
    expect([r.status, r.headers.get('content-type')]).toEqual([200, 'application/json; charset=utf-8']);
    expect(r.json).toEqual([{ service_request_id: expect.stringMatching(/^Q\d{8}-[0-9A-Z]{6}$/), service_notice: expect.stringContaining('Fire rescue'), account_id: 'hotline-778' }]);
    filed = r.json[0].service_request_id;
    await system.idle();
    // In our own API: the complaint, handled by fire rescue, the reporter visible to officials only.
    const mine = await call('GET', `/complaints/${filed}`, { token: street });
    expect(mine.json).toMatchObject({
      channel: 'open311',
      handler: { kind: 'department', id: 'fire-rescue' },
      attributes: { hazard: 'ebike_charging' },
      location: { buildingId: 'B03' },
      complainant: { organisation: '12345 citizen hotline', email: 'li@example.cn', name: '李丽', accountId: 'hotline-778', deviceId: 'desk-4' },
    });
    expect(mine.json.attributes.WHATEVER).toBeUndefined();
  });

  test('GET requests.json and .xml show it with every field, W3C datetimes in +08:00, ids as strings', async () => {
    const list = await get('requests.json');
    const found = (list.json as Record<string, unknown>[]).find((r) => r.service_request_id === filed)!;
    expect(Object.keys(found)).toEqual(REQUEST_FIELDS);
    expect(found).toMatchObject({
      status: 'open',
      service_code: 'fire_safety',
      description: 'E-bikes are charged in the stairwell of building 3 every night.',
      agency_responsible: 'Department fire-rescue',
      address: 'Building 3, Donghu Garden',
      address_id: 'o3-a:B03',
      zipcode: '362000',
      lat: 24.9101,
      long: 118.6107,
      media_url: 'https://img.example.cn/stairwell.jpg',
    });
    for (const k of ['requested_datetime', 'updated_datetime', 'expected_datetime']) expect(found[k]).toMatch(W3C);
    const x = await get('requests.xml');
    expect(x.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    const fromXml = xml.parse(x.text).service_requests.request.find((r: { service_request_id: string }) => r.service_request_id === filed);
    expect(fromXml).toMatchObject({ status: 'open', address_id: 'o3-a:B03', lat: '24.9101', requested_datetime: found.requested_datetime });
    const one = await get(`requests/${filed}.xml`);
    expect(xml.parse(one.text).service_requests.request).toHaveLength(1);
    expect((await get(`requests/${filed}.json`)).json).toEqual([found]);
  });

  test('the same in XML; lat/long placed at the nearest registered compound; empty arguments count as absent', async () => {
    const r = await post('requests.xml', { api_key: compoundKey, service_code: 'parking', lat: '24.9303', long: '118.5905', address_id: '', description: 'A car blocks the gate.' });
    expect([r.status, r.headers.get('content-type')]).toEqual([200, 'text/xml; charset=utf-8']);
    const [created] = xml.parse(r.text).service_requests.request;
    expect(created.account_id).toBe('');
    const one = (await get(`requests/${created.service_request_id}.json`)).json[0];
    expect(one).toMatchObject({ address_id: 'o3-b', lat: 24.9303, long: 118.5905 });
  });

  test('api keys: missing, wrong, revoked or outside their scope are 403; nothing is written', async () => {
    const before = (await get('requests.json')).json.length;
    const fields = { service_code: 'noise', address_id: 'o3-a', description: 'Karaoke until 2 am.' };
    const missing = await post('requests.json', fields);
    expect([missing.status, missing.json[0].description]).toEqual([403, "api_key is missing -- can't proceed with create_request"]);
    const wrong = await post('requests.xml', { ...fields, api_key: `${districtKey.split('.')[0]}.not-the-secret` });
    expect([wrong.status, xml.parse(wrong.text).errors.error[0].code]).toEqual([403, '403']);
    expect((await post('requests.json', { ...fields, api_key: 'garbage' })).status).toBe(403);
    expect((await post('requests.json', { ...fields, api_key: compoundKey })).json).toEqual([{ code: 403, description: 'this api_key may not file complaints in compound o3-a' }]);
    const temporary = (await call('POST', '/disputes/api-keys', { token: bureau, body: { organisation: 'trial app', compounds: ['o3-a'] } })).json;
    expect((await post('requests.json', { ...fields, api_key: temporary.apiKey })).status).toBe(200);
    expect((await call('POST', `/disputes/api-keys/${temporary.keyId}/revoke`, { token: bureau, body: { reason: 'trial ended' } })).status).toBe(200);
    expect((await call('POST', `/disputes/api-keys/${temporary.keyId}/revoke`, { token: bureau, body: { reason: 'again' } })).status).toBe(409);
    expect((await post('requests.json', { ...fields, api_key: temporary.apiKey })).status).toBe(403);
    expect((await call('POST', '/disputes/api-keys', { token: street, body: { organisation: 'x', areas: [{}] } })).status).toBe(403);
    const keys = await call('GET', '/disputes/api-keys', { token: bureau });
    expect(JSON.stringify(keys.json)).not.toMatch(/secretHash|apiKey/);
    expect((await get('requests.json')).json.length).toBe(before + 1);
  });

  test('bad requests: the spec’s codes and a description per problem; nothing is written', async () => {
    const before = (await get('requests.json')).json.length;
    const base = { api_key: districtKey, address_id: 'o3-a' };
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ ...base }, 400, /service_code was not provided/],
      [{ ...base, service_code: 'potholes' }, 404, /service_code potholes was not found/],
      [{ ...base, service_code: 'noise', jurisdiction_id: 'sf.gov' }, 404, /jurisdiction_id sf.gov was not found/],
      [{ api_key: districtKey, service_code: 'noise' }, 400, /a location is required/],
      [{ api_key: districtKey, service_code: 'noise', address_string: '5 Somewhere Road' }, 400, /address string alone cannot be placed/],
      [{ api_key: districtKey, service_code: 'noise', lat: '24.9101' }, 400, /lat and long together/],
      [{ api_key: districtKey, service_code: 'noise', lat: '95', long: '118' }, 400, /^lat: /],
      [{ api_key: districtKey, service_code: 'noise', lat: '10.5', long: '20.5' }, 400, /no registered compound covers/],
      [{ ...base, address_id: 'nowhere', service_code: 'noise' }, 404, /address_id nowhere was not found/],
      [{ ...base, address_id: 'o3-a:B1:U1:extra', service_code: 'noise' }, 400, /not compound\[:building\[:unit\]\]/],
      [{ ...base, service_code: 'utilities_cut_off' }, 400, /attribute\[utility\]: required/],
      [{ ...base, service_code: 'utilities_cut_off', 'attribute[utility]': 'wifi' }, 400, /wifi is not one of water, power, gas, heating/],
      [{ ...base, service_code: 'noise', email: 'not-an-email' }, 400, /^email: /],
      [{ ...base, service_code: 'noise', media_url: 'javascript:alert(1)' }, 400, /^media_url: /],
      [{ ...base, service_code: 'noise', description: 'x'.repeat(4001) }, 400, /description/],
    ];
    for (const [fields, status, description] of cases) {
      const r = await post('requests.json', fields);
      expect([fields, r.status, r.json[0].code]).toEqual([fields, status, status]);
      expect(r.json.some((e: { description: string }) => description.test(e.description))).toBe(true);
    }
    // A JSON body is not what the spec sends.
    const asJson = await call('POST', '/open311/v2/requests.json', { body: { ...base, service_code: 'noise' } });
    expect([asJson.status, asJson.json[0].code]).toEqual([400, 400]);
    expect((await get('requests.json')).json.length).toBe(before);
  });

  test('a retried POST with the same Idempotency-Key files once', async () => {
    const fields = { api_key: districtKey, service_code: 'leaks_repairs', address_id: 'o3-a', description: 'Water in the lift pit of B02.' };
    const first = await post('requests.json', fields, { 'idempotency-key': 'hotline-call-991' });
    const retry = await post('requests.json', fields, { 'idempotency-key': 'hotline-call-991' });
    expect(retry.json).toEqual(first.json);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await get('requests.json?service_code=leaks_repairs')).json.filter((r: { description: string }) => r.description === 'Water in the lift pit of B02.')).toHaveLength(1);
  });
});

describe('GET requests: filters, privacy, states, tokens', () => {
  test('a complaint about a neighbour shows no description or exact place without an api_key that covers it', async () => {
    const r = await post('requests.json', { api_key: districtKey, service_code: 'noise', address_id: 'o3-a:B05:B05-1202', description: 'The flat B05-1102 plays loud music every night.' });
    const id = r.json[0].service_request_id;
    const open = (await get(`requests/${id}.json`)).json[0];
    expect(open).toMatchObject({ description: null, address_id: 'o3-a', address: '东湖花园 Donghu Garden, 1 Donghu Road, Fengze', lat: 24.9101, media_url: null });
    const withKey = (await get(`requests/${id}.json?api_key=${encodeURIComponent(districtKey)}`)).json[0];
    expect(withKey).toMatchObject({ description: 'The flat B05-1102 plays loud music every night.', address_id: 'o3-a:B05:B05-1202' });
    const otherKey = (await get(`requests/${id}.json?api_key=${encodeURIComponent(compoundKey)}`)).json[0];
    expect(otherKey.description).toBeNull();
    expect((await get(`requests/${id}.json?api_key=bogus`)).status).toBe(403);
  });

  test('our states map to open and closed, with status notes; filters by status, service code, dates and ids', async () => {
    const id = (await post('requests.json', { api_key: districtKey, service_code: 'property_service', address_id: 'o3-a', description: 'Corridor lights of B01 are out.' })).json[0].service_request_id;
    const property = await system.token(['property:o3-a'], 'property');
    await call('POST', `/complaints/${id}/start`, { token: property, body: { note: 'electrician booked for tomorrow' } });
    expect((await get(`requests/${id}.json`)).json[0]).toMatchObject({ status: 'open', status_notes: 'electrician booked for tomorrow' });
    await call('POST', `/complaints/${id}/resolve`, { token: property, body: { note: 'all lights replaced' } });
    await system.idle();
    const closed = (await get(`requests/${id}.json`)).json[0];
    expect(closed).toMatchObject({ status: 'closed', status_notes: 'all lights replaced', expected_datetime: null });
    expect((await get('requests.json?status=closed')).json.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([id]);
    expect((await get('requests.json?status=open,closed')).json.length).toBe((await get('requests.json')).json.length);
    expect((await get('requests.json?service_code=property_service,parking')).json.map((r: { service_code: string }) => r.service_code).sort()).toEqual(['parking', 'property_service']);
    const ids = await get(`requests.json?service_request_id=${id},Q20000101-AAAAAA&status=open`);
    expect(ids.json.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([id]); // overrides the other arguments
    const tomorrow = new Date(clock.now().getTime() + 86_400_000).toISOString();
    expect((await get(`requests.json?start_date=${tomorrow}`)).json).toEqual([]);
    expect((await get('requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-06-01T00:00:00Z')).json[0]).toMatchObject({ code: 400, description: expect.stringContaining('90 days') });
    expect((await get('requests.json?start_date=2026-05-02&end_date=2026-05-01')).status).toBe(400);
    expect((await get('requests.json?start_date=yesterday')).status).toBe(400);
    expect((await get('requests.json?status=pending')).status).toBe(400);
    expect((await get('requests.json?jurisdiction_id=o3-b')).json.every((r: { address_id: string }) => r.address_id.startsWith('o3-b'))).toBe(true);
    expect((await get('requests.json?page_size=2&page=1')).json).toHaveLength(2);
    expect((await get('requests/Q20000101-AAAAAA.json')).json).toEqual([{ code: 404, description: 'service_request_id Q20000101-AAAAAA was not found' }]);
  });

  test('a tracking token given at intake gives the service_request_id', async () => {
    const filed = await call('POST', '/compounds/o3-a/complaints', { token: owner, body: { category: 'pets', description: 'A large dog without a lead near the playground.' } });
    const { trackingToken, complaint } = filed.json;
    expect((await get(`tokens/${trackingToken}.json`)).json).toEqual([{ service_request_id: complaint.complaintId, token: trackingToken }]);
    expect(xml.parse((await get(`tokens/${trackingToken}.xml`)).text).service_requests.request[0]).toEqual({ service_request_id: complaint.complaintId, token: trackingToken });
    expect((await get('tokens/aaaaaaaaaaaa.json')).status).toBe(404);
  });
});
