import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../libs/config';
import { downloadUrl, objectInfo, readObject, uploadUrl } from '../libs/files';
import { db } from '../libs/db';
import type { LocalSystem } from '../infra/local/runtime';
import { decodeForm } from '../libs/http/api';
import { compoundBody, startSystem } from './helpers';
import { probe } from './probe/topology';

/** The platform under the services: fan-out through declared queues, failures per unit, timeouts, one table per service. */
describe('work fanned out through a declared queue (local runtime)', () => {
  let system: LocalSystem;
  beforeAll(async () => ({ system } = await startSystem({ services: [probe] })));
  afterAll(() => system.close());

  const deliveries = (id: string) =>
    system.asService('probe', async () => {
      const { Item } = await db().send(new GetCommand({ TableName: tableName('probe'), Key: { pk: 'UNIT', sk: id }, ConsistentRead: true }));
      return (Item?.deliveries as number | undefined) ?? 0;
    });

  test('each unit runs on its own: a failing unit is retried alone and dead-lettered, the others are done once', async () => {
    const good = Array.from({ length: 23 }, (_, i) => `c${i}`);
    expect(await system.invoke('probe', 'fan-out', { ids: [...good, 'bad', 'flaky', 'foreign'] })).toEqual({ enqueued: 26 });
    await system.idle();
    for (const id of good) expect(await deliveries(id)).toBe(1);
    expect(await deliveries('flaky')).toBe(3); // failed twice, then done
    expect(await deliveries('bad')).toBe(3); // maxReceives 3, then parked
    const parked = system.queues.deadLetters.filter((d) => d.queue === 'probe/units');
    expect(parked.map((d) => JSON.parse(d.body).id).sort()).toEqual(['bad', 'foreign']);
    expect(parked.find((d) => d.body.includes('bad'))).toMatchObject({ receives: 3 });
  });

  test('a function sees only its own service’s table, locally as deployed', async () => {
    expect(await deliveries('foreign')).toBe(0);
    await expect(system.asService('probe', async () => tableName('funds'))).rejects.toThrow(/may not use the funds table/);
    expect(() => tableName('probe')).toThrow(/outside a probe function/);
  });

  test('a worker that runs past its declared timeout fails as Lambda’s would, and is dead-lettered after its receives', async () => {
    await system.queues.send('probe/slow', [JSON.stringify({})]);
    await system.idle();
    expect(system.queues.deadLetters.find((d) => d.queue === 'probe/slow')).toMatchObject({ receives: 1, error: expect.stringMatching(/Task timed out after 1 seconds/) });
  });

  test('a queue that is not declared, or a message over 256 KB, is refused at the send', async () => {
    await expect(system.queues.send('probe/nope', ['{}'])).rejects.toThrow(/no queue/);
    await expect(system.queues.send('probe/units', ['x'.repeat(256 * 1024 + 1)])).rejects.toThrow(/256 KB/);
  });
});

describe('files through presigned URLs (local runtime)', () => {
  let system: LocalSystem;
  beforeAll(async () => ({ system } = await startSystem({ services: [probe] })));
  afterAll(() => system.close());

  test('a client PUTs to the signed URL, the service reads it back, and a download URL serves it', async () => {
    const upload = await system.asService('probe', () => uploadUrl('rolls/r1.csv', 'text/csv'));
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: 'building,unit\nB1,101\n' });
    expect(put.status).toBe(200);
    expect((await system.asService('probe', () => readObject('rolls/r1.csv')))?.toString()).toBe('building,unit\nB1,101\n');
    expect(await system.asService('probe', () => objectInfo('rolls/r1.csv'))).toEqual({ size: 21, contentType: 'text/csv' });
    const download = await system.asService('probe', () => downloadUrl('rolls/r1.csv'));
    const got = await fetch(download);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('building,unit\nB1,101\n');
  });

  test('the URL allows one method on one key with the signed content type, until it expires', async () => {
    const upload = await system.asService('probe', () => uploadUrl('photos/p1.jpg', 'image/jpeg', 60));
    expect((await fetch(upload.url, { method: 'PUT', headers: { 'content-type': 'text/html' }, body: 'x' })).status).toBe(403);
    expect((await fetch(upload.url.replace('photos/p1.jpg', 'photos/p2.jpg'), { method: 'PUT', headers: upload.headers, body: 'x' })).status).toBe(403);
    expect((await fetch(upload.url, { method: 'GET' })).status).toBe(403);
    const expired = await system.asService('probe', () => uploadUrl('photos/p3.jpg', 'image/jpeg', -1));
    expect((await fetch(expired.url, { method: 'PUT', headers: expired.headers, body: 'x' })).status).toBe(403);
    expect(await system.asService('probe', () => readObject('photos/p3.jpg'))).toBeUndefined();
  });

  test('keys are checked and files belong to the service that runs', async () => {
    await expect(system.asService('probe', () => uploadUrl('../elsewhere', 'text/plain'))).rejects.toThrow(/not a safe object key/);
    await expect(uploadUrl('x.txt', 'text/plain')).rejects.toThrow(/inside a gongzhi function/);
  });
});

describe('the HTTP edge refuses what it cannot read with a 400, never a 500', () => {
  let system: LocalSystem;
  let call: Awaited<ReturnType<typeof startSystem>>['call'];
  beforeAll(async () => ({ system, call } = await startSystem()));
  afterAll(() => system.close());

  test('a tampered cursor, a cursor from another list, a reversed date range, a malformed %-escape', async () => {
    const bureau = await system.token(['bureau']);
    await call('POST', '/compounds', { token: bureau, body: compoundBody('edge-a') });
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursor of ['%%%', 'bm90IGpzb24', forged([1, 2]), forged({ pk: 1 }), forged({}), forged({ pk: 'COMPOUND#x', sk: 'META', extra: 'y' })]) {
      const r = await call('GET', `/compounds?cursor=${encodeURIComponent(cursor)}`, { token: bureau });
      expect([r.status, r.json?.errors?.[0]?.field]).toEqual([400, 'query.cursor']);
    }
    const reversed = await call('GET', '/compounds/edge-a/audit?from=2026-12-01T00:00:00.000Z&to=2026-01-01T00:00:00.000Z', { token: bureau });
    expect(reversed.status).toBe(400);
    const escape = await call('GET', '/compounds/edge%ZZa', { token: bureau });
    expect(escape.status).toBe(400);
  });
});

describe('form bodies', () => {
  test('decode into nested objects and arrays, and never crash on a malformed escape', () => {
    expect(decodeForm('service_code=001&attribute%5BWHISKEY%5D=6&attribute[color]=red&media[]=a&media[]=b&lat=37.7&x=1&x=2&bad=%E0%A4%A')).toEqual({
      service_code: '001',
      attribute: { WHISKEY: '6', color: 'red' },
      media: ['a', 'b'],
      lat: '37.7',
      x: ['1', '2'],
      bad: '\uFFFD%A', // decoded leniently, as browsers do
    });
  });
});

describe('routes scoped by their resource, form bodies, other error formats (local runtime)', () => {
  let system: LocalSystem;
  let call: Awaited<ReturnType<typeof startSystem>>['call'];
  beforeAll(async () => ({ system, call } = await startSystem({ services: [probe] })));
  afterAll(() => system.close());

  test('a scoped role reaches a resource only where the resource lives', async () => {
    expect((await call('GET', '/probe/things/T1', { token: await system.token(['committee:C1']) })).json).toEqual({ thingId: 'T1', compoundId: 'C1' });
    expect((await call('GET', '/probe/things/T1', { token: await system.token(['street:S1']) })).status).toBe(200);
    expect((await call('GET', '/probe/things/T1', { token: await system.token(['committee:C2']) })).status).toBe(403);
    expect((await call('GET', '/probe/things/T9', { token: await system.token(['committee:C1']) })).status).toBe(404);
    expect((await call('GET', '/probe/things/T9', { token: await system.token(['owner:C1:O1']) })).status).toBe(403); // no role: 403 before existence
  });

  test('a form body is decoded and validated; its errors come in the route’s own format', async () => {
    const ok = await call('POST', '/probe/form', { raw: 'name=Li&attribute[floor]=3&media[]=a.jpg', type: 'application/x-www-form-urlencoded' });
    expect([ok.status, ok.json]).toEqual([201, { name: 'Li', attribute: { floor: '3' }, media: ['a.jpg'] }]);
    const bad = await call('POST', '/probe/form', { raw: 'name=L', type: 'application/x-www-form-urlencoded' });
    expect([bad.status, bad.headers.get('content-type'), bad.text]).toEqual([400, 'text/plain', 'ERR 400: the form does not match the schema']);
    const json = await call('POST', '/probe/form', { body: { name: 'Li' } });
    expect([json.status, json.text]).toEqual([415, 'ERR 415: send the body as application/x-www-form-urlencoded']);
  });
});
