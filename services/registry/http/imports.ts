import { RollImportStarted } from '../../../events/catalogue';
import { clock } from '../../../libs/clock';
import { conflict, notFound, notReady, ruleBroken } from '../../../libs/errors';
import { objectInfo, uploadUrl } from '../../../libs/files';
import { implement } from '../../../libs/http/api';
import { enqueue } from '../../../libs/queue';
import { describeRowError } from '../domain/roll-csv';
import { IMPORT_QUEUE, newImportId } from '../roll-import';
import * as store from '../store';
import { routes } from '../topology';

/** The largest roll file taken (20,000 rows of long names fit in a few MB). */
export const MAX_ROLL_FILE_BYTES = 20 * 1024 * 1024;
const UPLOAD_SECONDS = 3600;

/** What a caller sees of an import: progress while it runs, the roll version or the report at the end. */
export function importView(job: store.ImportItem) {
  const { fileKey: _file, previousVersion: _previous, errors, ...rest } = job;
  const unitsWritten = Math.min(job.rows ?? 0, job.chunksWritten * store.CHUNK_SIZE);
  return {
    ...rest,
    progress: job.rows === undefined ? undefined : { rows: job.rows, unitsWritten, chunksWritten: job.chunksWritten, chunkCount: job.chunkCount, percent: Math.floor((unitsWritten * 100) / job.rows) },
    errors: errors?.map((e) => ({ line: e.line, field: e.field, value: e.value, reason: describeRowError(e) })),
  };
}

async function found(compoundId: string, importId: string) {
  const job = await store.getImport(compoundId, importId, true);
  if (!job) throw notFound(`no import ${importId} in compound ${compoundId}`);
  return job;
}

const createImport = implement(routes.createImport, async ({ location, principal }) => {
  const compound = store.locatedCompound(location);
  const importId = newImportId();
  const fileKey = `rolls/${compound.compoundId}/${importId}.csv`;
  const now = clock.nowIso();
  const job: store.ImportItem = {
    compoundId: compound.compoundId,
    importId,
    mode: 'upload',
    status: 'awaiting_upload',
    createdAt: now,
    createdBy: principal.subject,
    updatedAt: now,
    fileKey,
    chunksWritten: 0,
    passes: 0,
  };
  // The slot alone changes nothing in the registry (no event): the import starts with …/start.
  await store.createImport(job, []);
  const upload = await uploadUrl(fileKey, 'text/csv', UPLOAD_SECONDS);
  const self = `/compounds/${compound.compoundId}/roll/imports/${importId}`;
  return { status: 201, body: { ...importView(job), upload, start: `${self}/start` }, headers: { location: self } };
});

const startImport = implement(routes.startImport, async ({ params, principal }) => {
  let job = await found(params.compoundId, params.importId);
  if (job.status === 'awaiting_upload') {
    const file = await objectInfo(job.fileKey!);
    if (!file || file.size === 0) throw notReady('upload the roll file to the upload URL first (PUT, content-type text/csv)');
    if (file.size > MAX_ROLL_FILE_BYTES) throw ruleBroken(`the file has ${file.size} bytes; at most ${MAX_ROLL_FILE_BYTES}`, [{ field: 'file', reason: 'too large' }]);
    const started = RollImportStarted.create(
      { compoundId: job.compoundId, importId: job.importId, mode: 'upload', bytes: file.size },
      {
        compoundId: job.compoundId,
        actor: principal.subject,
        occurredAt: clock.nowIso(),
        id: `roll-import-${job.compoundId}-${job.importId}-started`,
        correlationId: `roll-import-${job.compoundId}-${job.importId}`,
      },
    );
    if (await store.advanceImport(job, 'queued', { bytes: file.size }, [started])) job = { ...job, status: 'queued', bytes: file.size };
    else job = await found(params.compoundId, params.importId);
  }
  if (store.FINAL.includes(job.status)) throw conflict(`import ${job.importId} has ended (${job.status})`, { import: importView(job) });
  // Queued or running: (re)put it on the queue. A duplicate is harmless (every step is conditional).
  await enqueue(IMPORT_QUEUE, [{ compoundId: job.compoundId, importId: job.importId }]);
  return { status: 202, body: importView(job), headers: { location: `/compounds/${job.compoundId}/roll/imports/${job.importId}` } };
});

const getImport = implement(routes.getImport, async ({ params }) => ({ body: importView(await found(params.compoundId, params.importId)) }));

const listImports = implement(routes.listImports, async ({ params, query }) => {
  const page = await store.listImports(params.compoundId, query.limit, query.cursor);
  // The list shows each import's outcome; its report is on the import itself.
  return { body: { items: page.items.map((job) => ({ ...importView(job), errors: undefined })), nextCursor: page.nextCursor } };
});

export const importRoutes = [createImport, startImport, getImport, listImports];
