import { randomBytes } from 'node:crypto';
import { RollActivated, RollChunkPublished, RollImportCompleted, RollImportFailed, RollImportStarted } from '../../events/catalogue';
import { clock } from '../../libs/clock';
import { conflict } from '../../libs/errors';
import { readObject } from '../../libs/files';
import { logger } from '../../libs/logger';
import { decodeRollBytes, type RollEncoding } from './domain/encoding';
import { MAX_ROLL_ROWS, summarizeRoll, type RollUnit } from './domain/roll';
import { badRows, parseRoll, type RollRowError } from './domain/roll-csv';
import * as store from './store';
import type { CompoundItem, FailureReason, ImportItem } from './store';

/**
 * Importing a roll, in bounded steps that any invocation can take up where another stopped: a
 * version is reserved, its chunks (units and their pending event) are written in order, each
 * recorded on the import item, then the version is activated by one conditional write on the
 * compound. A request import runs every step at once; an upload import runs as a job, as far as its
 * invocation's time allows, and is put back on its queue to go on.
 */
export const IMPORT_QUEUE = 'roll-imports';
/** Invocations an upload import may take before it is failed as stuck (a 20,000-unit roll needs a few). */
export const MAX_PASSES = 50;
/** Time kept back at the end of an invocation for the activation and the re-enqueue. */
const RESERVE_MS = 5_000;

export interface Budget {
  remainingMs(): number;
}
const unlimited: Budget = { remainingMs: () => Infinity };

/** Import ids sort by creation time (the imports of a compound list newest first). */
export const newImportId = () => `${clock.nowIso().replace(/[-:.]/g, '').toLowerCase()}-${randomBytes(4).toString('hex')}`;

const eventContext = (job: Pick<ImportItem, 'compoundId' | 'importId'>, actor: string, what: string) => ({
  compoundId: job.compoundId,
  actor,
  occurredAt: clock.nowIso(),
  id: `roll-import-${job.compoundId}-${job.importId}-${what}`,
  correlationId: `roll-import-${job.compoundId}-${job.importId}`,
});

/** A roll from a request body, already parsed: every step now. Returns the activated version's totals, or a 409. */
export async function importFromRequest(compound: CompoundItem, units: RollUnit[], encoding: RollEncoding, actor: string) {
  const importId = newImportId();
  buildEvents(compound, units, compound.nextRollVersion + 1, { importId, actor, encoding }); // validates before any write
  const { version, previous } = await store.reserveRollVersion(compound.compoundId);
  const now = clock.nowIso();
  const job: ImportItem = {
    compoundId: compound.compoundId,
    importId,
    mode: 'request',
    status: 'running',
    createdAt: now,
    createdBy: actor,
    updatedAt: now,
    encoding,
    rows: units.length,
    rollVersion: version,
    previousVersion: previous,
    chunkCount: store.rollChunks(units).length,
    chunksWritten: 0,
    passes: 1,
  };
  await store.createImport(job, [RollImportStarted.create({ compoundId: job.compoundId, importId, mode: 'request', rows: units.length }, eventContext(job, actor, 'started'))]);
  const outcome = await writeAndActivate(job, compound, units, unlimited);
  if (outcome.status !== 'completed') throw conflict('another roll import finished first; reload and import again', { importId });
  return { importId, rollVersion: version, ...summarizeRoll(units) };
}

/**
 * One invocation's work on an upload import: read and parse the file (every invocation: the file is
 * the truth, and parsing 20,000 rows takes a fraction of a second), fail it with the per-line report,
 * or reserve a version and write chunks until the budget runs low. Safe to run twice at once: every
 * step is conditional on the import's state, and chunks are idempotent.
 */
export async function importPass(compoundId: string, importId: string, budget: Budget): Promise<'done' | 'continue' | 'nothing'> {
  let job = await store.getImport(compoundId, importId, true);
  if (!job || store.FINAL.includes(job.status) || job.status === 'awaiting_upload') return 'nothing';
  if (job.mode === 'request') {
    // Its text lived only in the request, which is gone (the watch found it stale): it cannot go on.
    await fail(job, 'abandoned', 'the request that carried this roll ended before the import did; nothing was imported', 'import-watch');
    return 'done';
  }
  if (job.passes >= MAX_PASSES) {
    await fail(job, 'stuck', `no end after ${job.passes} attempts; nothing was imported`, 'import-watch');
    return 'done';
  }
  if (!(await store.advanceImport(job, job.status, { passes: job.passes + 1 }, [], { passes: job.passes }))) return 'nothing'; // another invocation took this pass
  job = { ...job, passes: job.passes + 1 };

  const compound = await store.getCompound(compoundId, true);
  if (!compound) return 'nothing';
  const bytes = job.fileKey ? await readObject(job.fileKey) : undefined;
  if (!bytes) {
    await fail(job, 'missing_file', 'the uploaded file is gone; nothing was imported', job.createdBy);
    return 'done';
  }
  const decoded = decodeRollBytes(bytes);
  if ('error' in decoded) {
    await fail(job, 'unreadable', decoded.error.reason, job.createdBy, [decoded.error]);
    return 'done';
  }
  const parsed = parseRoll(decoded.text, compound.developerId, MAX_ROLL_ROWS);
  if (parsed.errors.length) {
    await fail(job, 'invalid_rows', `the roll has ${badRows(parsed.errors)} bad row(s); nothing was imported`, job.createdBy, parsed.errors);
    return 'done';
  }
  if (job.status === 'queued') {
    buildEvents(compound, parsed.units, compound.nextRollVersion + 1, { importId, actor: job.createdBy, encoding: decoded.encoding }); // validates before any write
    const { version, previous } = await store.reserveRollVersion(compoundId);
    const running = { rows: parsed.units.length, encoding: decoded.encoding, rollVersion: version, previousVersion: previous, chunkCount: store.rollChunks(parsed.units).length, chunksWritten: 0 };
    if (!(await store.advanceImport(job, 'running', running, [], { passes: job.passes }))) return 'nothing';
    job = { ...job, ...running, status: 'running' };
  }
  const outcome = await writeAndActivate(job, compound, parsed.units, budget);
  return outcome.status === 'running' ? 'continue' : 'done';
}

/**
 * Write the chunks not yet written, then activate. A job writes one chunk at a time, recording each,
 * while its budget lasts; a request import (unlimited budget, not resumable) writes them all at once.
 */
async function writeAndActivate(job: ImportItem, compound: CompoundItem, units: RollUnit[], budget: Budget): Promise<{ status: 'running' | 'completed' | 'failed' }> {
  const v = job.rollVersion!;
  const chunks = store.rollChunks(units);
  const events = buildEvents(compound, units, v, { importId: job.importId, actor: job.createdBy, encoding: job.encoding ?? 'utf-8' });
  const chunk = (i: number) => ({ index: i, units: chunks[i]!, event: events.chunks[i]! });
  if (budget === unlimited) {
    await store.writeRollChunks(
      compound.compoundId,
      v,
      chunks.map((_, i) => chunk(i)),
      job.createdBy,
    );
    if (!(await store.advanceImport(job, 'running', { chunksWritten: chunks.length }, [], { chunksWritten: job.chunksWritten }))) return { status: 'running' };
  } else {
    let slowest = 0;
    for (let i = job.chunksWritten; i < chunks.length; i++) {
      if (budget.remainingMs() < RESERVE_MS + 2 * slowest) return { status: 'running' };
      const started = performance.now();
      await store.writeRollChunks(compound.compoundId, v, [chunk(i)], job.createdBy);
      // Another invocation is ahead (or ended the import): leave it to that one.
      if (!(await store.advanceImport(job, 'running', { chunksWritten: i + 1 }, [], { chunksWritten: i }))) return { status: 'running' };
      job = { ...job, chunksWritten: i + 1 };
      slowest = Math.max(slowest, performance.now() - started);
    }
  }

  const summary = summarizeRoll(units);
  if (await store.activateRoll(compound.compoundId, v, job.previousVersion!, summary, [events.activated, events.completed])) {
    await complete(job, summary);
    return { status: 'completed' };
  }
  const now = await store.getCompound(compound.compoundId, true);
  if (now?.rollVersion === v) {
    // Activated by an earlier invocation that stopped before recording it.
    await complete(job, summary);
    return { status: 'completed' };
  }
  await fail(job, 'superseded', 'another roll import finished first; nothing of this one was imported', job.createdBy);
  return { status: 'failed' };
}

/** Record the completion (RollImportCompleted went out with the activation; the consumer records it too). */
export async function complete(job: Pick<ImportItem, 'compoundId' | 'importId'>, result: { unitCount: number; totalArea: number; ownerCount: number }): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await store.getImport(job.compoundId, job.importId, true);
    if (!current || current.status === 'completed') return;
    // Completion is the truth even over a failure recorded meanwhile: the roll did become current.
    if (await store.advanceImport(current, 'completed', { result: { unitCount: result.unitCount, totalArea: result.totalArea, ownerCount: result.ownerCount } })) return;
  }
}

async function fail(job: ImportItem, reason: FailureReason, detail: string, actor: string, errors: readonly RollRowError[] = []): Promise<void> {
  const event = RollImportFailed.create({ compoundId: job.compoundId, importId: job.importId, reason, errorCount: errors.length, detail: detail.slice(0, 500) }, eventContext(job, actor, 'failed'));
  const report = errors.slice(0, store.REPORTED_ERRORS).map((e) => ({ ...e, reason: e.reason.slice(0, 300) }));
  const failed = await store.advanceImport(job, 'failed', { failure: { reason, detail }, errorCount: errors.length, errors: report }, [event]);
  if (!failed) logger('registry').info('import moved on before it could be failed', { compoundId: job.compoundId, importId: job.importId, reason });
}

/** Every event of an import, built before anything is written: a value the event schemas refuse fails here. */
function buildEvents(compound: CompoundItem, units: readonly RollUnit[], v: number, meta: { importId: string; actor: string; encoding: RollEncoding }) {
  const chunks = store.rollChunks(units);
  const summary = summarizeRoll(units);
  const context = (id: string) => ({ compoundId: compound.compoundId, actor: meta.actor, occurredAt: clock.nowIso(), id, correlationId: `roll-import-${compound.compoundId}-${meta.importId}` });
  return {
    chunks: chunks.map((slice, i) =>
      RollChunkPublished.create(
        { compoundId: compound.compoundId, rollVersion: v, chunkIndex: i, chunkCount: chunks.length, units: store.withoutNames(slice) },
        context(`roll-${compound.compoundId}-${v}-chunk-${i}`),
      ),
    ),
    activated: RollActivated.create(
      { compoundId: compound.compoundId, rollVersion: v, chunkCount: chunks.length, unitCount: summary.unitCount, totalArea: summary.totalArea },
      context(`roll-${compound.compoundId}-${v}-activated`),
    ),
    completed: RollImportCompleted.create(
      { compoundId: compound.compoundId, importId: meta.importId, rollVersion: v, unitCount: summary.unitCount, totalArea: summary.totalArea, ownerCount: summary.ownerCount, encoding: meta.encoding },
      context(`roll-import-${compound.compoundId}-${meta.importId}-completed`),
    ),
  };
}
