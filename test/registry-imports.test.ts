import type { LocalSystem } from '../infra/local/runtime';
import { clock } from '../libs/clock';
import { importPass } from '../services/registry/roll-import';
import * as store from '../services/registry/store';
import { gb18030 } from './gb18030';
import { client, compoundBody, rollCsv, startSystem } from './helpers';

/**
 * Big rolls are jobs, not requests: the file goes to object storage through a presigned URL, the
 * import runs on a queue in bounded steps (re-queueing itself), and GET …/roll/imports/{id} follows it.
 */
let system: LocalSystem;
let call: ReturnType<typeof client>;
let bureau: string;

beforeAll(async () => {
  clock.reset();
  ({ system, call } = await startSystem());
  bureau = await system.token(['bureau'], 'bureau-1');
});
afterAll(async () => {
  await system.close();
  clock.reset();
});

const events = (type: string, compoundId: string) => system.bus.log.filter((e) => e['detail-type'] === type && e.detail.metadata.compoundId === compoundId);

async function upload(compoundId: string, body: string | Uint8Array, token = bureau) {
  const created = await call('POST', `/compounds/${compoundId}/roll/imports`, { token });
  expect(created.status).toBe(201);
  const { upload: target, importId, start } = created.json;
  const put = await fetch(target.url, { method: target.method, headers: target.headers, body });
  expect(put.status).toBe(200);
  return { importId: importId as string, start: start as string, created };
}

describe('roll imports as jobs', () => {
  test('a 2,500-unit roll: upload, start, run on the queue, then the activated version, with events', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('big-a') })).status).toBe(201);
    const street = await system.token(['street:S1'], 'street-officer');
    // Too many rows for a request: the 422 says where they go.
    const refused = await call('POST', '/compounds/big-a/roll', { token: street, raw: rollCsv(2001), type: 'text/csv' });
    expect(refused.status).toBe(422);
    expect(refused.json.errors[0].reason).toMatch(/at most 2000 units.*roll\/imports/);

    const { importId, start, created } = await upload('big-a', rollCsv(2500), street);
    expect(created.json).toMatchObject({ importId, mode: 'upload', status: 'awaiting_upload', upload: { method: 'PUT', headers: { 'content-type': 'text/csv' } } });
    expect(created.headers.get('location')).toBe(`/compounds/big-a/roll/imports/${importId}`);
    const started = await call('POST', start, { token: street });
    expect(started.status).toBe(202);
    expect(started.json.status).toMatch(/queued|running|completed/);
    await system.idle();

    const done = await call('GET', `/compounds/big-a/roll/imports/${importId}`, { token: street });
    expect(done.json).toMatchObject({
      status: 'completed',
      rollVersion: 1,
      encoding: 'utf-8',
      rows: 2500,
      result: { unitCount: 2500 },
      progress: { rows: 2500, unitsWritten: 2500, chunksWritten: 10, chunkCount: 10, percent: 100 },
    });
    expect(done.json.fileKey).toBeUndefined();
    expect((await call('GET', '/compounds/big-a', { token: street })).json).toMatchObject({ rollVersion: 1, unitCount: 2500 });

    expect(events('RollImportStarted', 'big-a').map((e) => e.detail.data)).toEqual([{ compoundId: 'big-a', importId, mode: 'upload', bytes: expect.any(Number) }]);
    expect(events('RollImportCompleted', 'big-a').map((e) => e.detail.data)).toEqual([
      { compoundId: 'big-a', importId, rollVersion: 1, unitCount: 2500, totalArea: expect.any(Number), ownerCount: expect.any(Number), encoding: 'utf-8' },
    ]);
    expect(events('RollActivated', 'big-a')).toHaveLength(1);
    expect(new Set(events('RollChunkPublished', 'big-a').map((e) => (e.detail.data as { chunkIndex: number }).chunkIndex)).size).toBe(10);
    expect(events('RollImportStarted', 'big-a')[0]!.detail.metadata.actor).toBe('street-officer');

    // Starting it again changes nothing; the list shows it, newest first, without its report.
    expect((await call('POST', start, { token: street })).status).toBe(409);
    const list = await call('GET', '/compounds/big-a/roll/imports', { token: street });
    expect(list.json.items.map((i: { importId: string }) => i.importId)).toEqual([importId]);
  });

  test('each invocation writes what its time allows and the next goes on from there; the roll appears only at the end', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('steps-a') })).status).toBe(201);
    const { importId } = await upload('steps-a', rollCsv(1600)); // 7 chunks
    // Started by hand (no message): each pass gets a budget good for three chunks.
    await system.asService('registry', async () => {
      const job = (await store.getImport('steps-a', importId, true))!;
      expect(await store.advanceImport(job, 'queued', { bytes: 1 })).toBe(true);
    });
    const threeChunks = () => {
      let asked = 0;
      return { remainingMs: () => (asked++ < 3 ? 60_000 : 0) };
    };
    const seen: number[] = [];
    for (let pass = 1; pass <= 3; pass++) {
      const outcome = await system.asService('registry', () => importPass('steps-a', importId, threeChunks()));
      const job = (await call('GET', `/compounds/steps-a/roll/imports/${importId}`, { token: bureau })).json;
      seen.push(job.chunksWritten);
      expect(outcome).toBe(pass < 3 ? 'continue' : 'done');
      expect(job.passes).toBe(pass);
      expect((await call('GET', '/compounds/steps-a', { token: bureau })).json.rollVersion).toBe(pass < 3 ? 0 : 1);
    }
    expect(seen).toEqual([3, 6, 7]);
    await system.idle();
    expect(events('RollChunkPublished', 'steps-a')).toHaveLength(7);
    expect(await system.asService('registry', () => importPass('steps-a', importId, threeChunks()))).toBe('nothing');
  });

  test('a GB18030 (GBK) file uploaded is read as GB18030, and says so', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('gbk-a') })).status).toBe(201);
    const text = '楼栋,房号,面积,面积来源,持有状态,业主编号,业主姓名,已登记\r\nB1,101,89.50,登记,已交付,O1,陈美,是\r\nB1,102,70,合同,未售,,,否\r\n';
    const { importId, start } = await upload('gbk-a', gb18030(text));
    expect((await call('POST', start, { token: bureau })).status).toBe(202);
    await system.idle();
    expect((await call('GET', `/compounds/gbk-a/roll/imports/${importId}`, { token: bureau })).json).toMatchObject({ status: 'completed', encoding: 'gb18030' });
    expect((await call('GET', '/compounds/gbk-a/owners/O1', { token: bureau })).json.units[0].ownerName).toBe('陈美');
  });

  test('a file with bad rows fails with the per-line report and RollImportFailed; nothing becomes visible', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('bad-a') })).status).toBe(201);
    const lines = rollCsv(3000).trim().split('\n');
    lines[10] = lines[10]!.replace('register', 'guess');
    lines[2500] = lines[2500]!.replace(/,yes$/, ',maybe');
    const { importId, start } = await upload('bad-a', lines.join('\n'));
    expect((await call('POST', start, { token: bureau })).status).toBe(202);
    await system.idle();
    const failed = await call('GET', `/compounds/bad-a/roll/imports/${importId}`, { token: bureau });
    expect(failed.json).toMatchObject({ status: 'failed', failure: { reason: 'invalid_rows' }, errorCount: 2 });
    expect(failed.json.errors).toEqual([
      { line: 11, field: 'area_source', value: 'guess', reason: expect.stringMatching(/^"guess": one of register/) },
      { line: 2501, field: 'registered', value: 'maybe', reason: '"maybe": yes (是) or no (否)' },
    ]);
    expect(events('RollImportFailed', 'bad-a').map((e) => e.detail.data)).toEqual([
      { compoundId: 'bad-a', importId, reason: 'invalid_rows', errorCount: 2, detail: 'the roll has 2 bad row(s); nothing was imported' },
    ]);
    expect((await call('GET', '/compounds/bad-a', { token: bureau })).json).toMatchObject({ rollVersion: 0, unitCount: 0 });
    expect(events('RollChunkPublished', 'bad-a')).toEqual([]);
  });

  test('start before the upload is a 409; imports are scoped like the roll', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('early-a') })).status).toBe(201);
    const created = await call('POST', '/compounds/early-a/roll/imports', { token: bureau });
    const notYet = await call('POST', created.json.start, { token: bureau });
    expect(notYet.status).toBe(409);
    expect(notYet.json.detail).toMatch(/upload the roll file/);
    expect((await call('GET', `/compounds/early-a/roll/imports/${created.json.importId}`, { token: bureau })).json.status).toBe('awaiting_upload');
    expect((await call('POST', '/compounds/early-a/roll/imports', { token: await system.token(['committee:early-a']) })).status).toBe(403);
    expect((await call('GET', `/compounds/early-a/roll/imports/${created.json.importId}`, { token: await system.token(['street:S2']) })).status).toBe(403);
    expect((await call('GET', '/compounds/early-a/roll/imports/nope', { token: bureau })).status).toBe(404);
  });

  test('the import watch resumes an upload whose job stopped, and fails a request import whose request is gone', async () => {
    expect((await call('POST', '/compounds', { token: bureau, body: compoundBody('watch-a') })).status).toBe(201);
    const { importId } = await upload('watch-a', rollCsv(500));
    const now = clock.nowIso();
    // Queued, but its message never reached the queue; and a request import left running by a crash.
    await system.asService('registry', async () => {
      const job = (await store.getImport('watch-a', importId, true))!;
      expect(await store.advanceImport(job, 'queued', { bytes: 1 })).toBe(true);
      await store.createImport(
        {
          compoundId: 'watch-a',
          importId: 'crashed-1',
          mode: 'request',
          status: 'running',
          createdAt: now,
          createdBy: 'someone',
          updatedAt: now,
          rows: 10,
          rollVersion: 7,
          previousVersion: 0,
          chunkCount: 1,
          chunksWritten: 0,
          passes: 1,
        },
        [],
      );
    });
    await system.scheduler.fire('registry/import-watch');
    await system.idle();
    expect((await call('GET', `/compounds/watch-a/roll/imports/${importId}`, { token: bureau })).json.status).toBe('queued'); // not stale yet

    clock.advance(11 * 60_000);
    await system.scheduler.fire('registry/import-watch');
    await system.idle();
    expect((await call('GET', `/compounds/watch-a/roll/imports/${importId}`, { token: bureau })).json).toMatchObject({ status: 'completed', rollVersion: 1 });
    expect((await call('GET', '/compounds/watch-a/roll/imports/crashed-1', { token: bureau })).json).toMatchObject({ status: 'failed', failure: { reason: 'abandoned' } });
    expect(events('RollImportFailed', 'watch-a').map((e) => (e.detail.data as { importId: string }).importId)).toEqual(['crashed-1']);
    // Done imports leave the due index: the next watch finds nothing.
    clock.advance(11 * 60_000);
    expect(await system.scheduler.fire('registry/import-watch')).toEqual({ enqueued: 0 });
  });
});
