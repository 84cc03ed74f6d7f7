import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { clock } from '../../../libs/clock';
import { db, isConditionFailed, type Key } from '../../../libs/db';
import { dueAt } from '../../../libs/due';
import { conflict } from '../../../libs/errors';
import { queryPage, type Page } from '../../../libs/http/pagination';
import { outboxAttributes, publishAfterWrite, updateWithEvents } from '../../../libs/outbox';
import type { RollEncoding } from '../domain/encoding';
import type { RollRowError } from '../domain/roll-csv';
import { compoundPk, table } from './keys';

/**
 * A roll import, from a request body or an uploaded file, kept as `COMPOUND#c / IMPORT#<importId>`:
 *   awaiting_upload → queued → running → completed | failed     (an upload, run as a job)
 *                               running → completed | failed     (a request: parsed before it exists)
 * Every step is one conditional write on this item. While queued or running the item is in the due
 * index (`roll-import`), moved along by each step: one that stops moving (a crashed request, a job
 * whose messages were dead-lettered) is found by the import watch and resumed or failed.
 */
export type ImportStatus = 'awaiting_upload' | 'queued' | 'running' | 'completed' | 'failed';
export type ImportMode = 'request' | 'upload';
export type FailureReason = 'invalid_rows' | 'unreadable' | 'missing_file' | 'superseded' | 'abandoned' | 'stuck';

export interface ImportItem {
  compoundId: string;
  importId: string;
  mode: ImportMode;
  status: ImportStatus;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  /** Where an upload's file is (libs/files.ts). */
  fileKey?: string;
  bytes?: number;
  encoding?: RollEncoding;
  rows?: number;
  rollVersion?: number;
  /** The compound's roll version when this one was reserved: activation is conditional on it. */
  previousVersion?: number;
  chunkCount?: number;
  chunksWritten: number;
  /** Job invocations that worked on it (an upload may take several). */
  passes: number;
  result?: { unitCount: number; totalArea: number; ownerCount: number };
  failure?: { reason: FailureReason; detail: string };
  errorCount?: number;
  /** The first bad rows (at most REPORTED_ERRORS). */
  errors?: RollRowError[];
}

export const FINAL: readonly ImportStatus[] = ['completed', 'failed'];
/** An import in progress that has not moved for this long is looked at by the import watch. */
export const STALE_MS = 10 * 60_000;
export const REPORTED_ERRORS = 1000;
const DUE_KIND = 'roll-import';

const importKey = (compoundId: string, importId: string): Key => ({ pk: compoundPk(compoundId), sk: `IMPORT#${importId}` });
const due = (item: Pick<ImportItem, 'compoundId' | 'importId'>, now: string) => dueAt(DUE_KIND, new Date(Date.parse(now) + STALE_MS).toISOString(), `${item.compoundId}#${item.importId}`);

export const dueKind = DUE_KIND;

function view(item: Record<string, unknown>): ImportItem {
  const { pk: _pk, sk: _sk, outbox: _o, outboxPk: _op, outboxSince: _os, duePk: _dp, dueSk: _ds, ...rest } = item;
  return rest as unknown as ImportItem;
}

/** A new import: an upload slot (no event: nothing has started) or a request import already running (RollImportStarted). */
export async function createImport(item: ImportItem, events: readonly BusEvent[]): Promise<void> {
  const key = importKey(item.compoundId, item.importId);
  const inProgress = item.status === 'queued' || item.status === 'running';
  try {
    await db().send(
      new PutCommand({
        TableName: table(),
        Item: { ...key, ...item, ...(inProgress ? due(item, item.updatedAt) : {}), ...outboxAttributes(events) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw conflict(`import ${item.importId} already exists`);
    throw error;
  }
  if (events.length) await publishAfterWrite(table(), key);
}

export async function getImport(compoundId: string, importId: string, consistent = false): Promise<ImportItem | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: importKey(compoundId, importId), ConsistentRead: consistent }));
  return Item && view(Item);
}

/** Imports of a compound, newest first (import ids begin with their creation time). */
export function listImports(compoundId: string, limit: number, cursor?: string): Promise<Page<ImportItem>> {
  return queryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': compoundPk(compoundId), ':prefix': 'IMPORT#' },
      ScanIndexForward: false,
    },
    limit,
    cursor,
    view,
  );
}

/**
 * Move an import from one status to the next (or within `running`), setting `fields`, conditional on
 * the status (and `when`) still being what the caller read. Keeps it in the due index while it is in
 * progress, takes it out when final. False when another worker or request moved it first.
 */
export async function advanceImport(
  job: Pick<ImportItem, 'compoundId' | 'importId' | 'status'>,
  next: ImportStatus,
  fields: Partial<ImportItem>,
  events: readonly BusEvent[] = [],
  when?: { chunksWritten?: number; passes?: number },
): Promise<boolean> {
  const now = clock.nowIso();
  const assigned: Record<string, unknown> = { ...fields, status: next, updatedAt: now };
  const inProgress = next === 'queued' || next === 'running';
  if (inProgress) Object.assign(assigned, due(job, now));
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':from': job.status };
  const set = Object.entries(assigned).map(([name, value], i) => {
    names[`#a${i}`] = name;
    values[`:a${i}`] = value;
    return `#a${i} = :a${i}`;
  });
  const conditions = ['#status = :from'];
  names['#status'] = 'status';
  if (when?.chunksWritten !== undefined) {
    conditions.push('chunksWritten = :chunks');
    values[':chunks'] = when.chunksWritten;
  }
  if (when?.passes !== undefined) {
    conditions.push('passes = :passes');
    values[':passes'] = when.passes;
  }
  return updateWithEvents(table(), importKey(job.compoundId, job.importId), { set, remove: inProgress ? [] : ['duePk', 'dueSk'], condition: conditions.join(' AND '), names, values }, events);
}
