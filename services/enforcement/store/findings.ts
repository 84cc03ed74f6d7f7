import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { assignments, db, queryAll, stripKeys } from '../../../libs/db';
import { dueAt, dueItems } from '../../../libs/due';
import { queryPage, type Page } from '../../../libs/http/pagination';
import { insertWithEvents, updateWithEvents } from '../../../libs/outbox';
import { pendingStep, type Finding, type FindingStatus } from '../domain/finding';
import { DUE, findingKey, table } from './table';

/** The index attributes a finding carries: its department's work list by status, and its next escalation step on the due index. */
function indexAttributes(f: Finding): Record<string, string | undefined> {
  const next = pendingStep(f);
  const due = next ? dueAt(DUE.escalation, next.dueAt, `${f.compoundId}#${f.findingId}`) : { duePk: undefined, dueSk: undefined };
  return { gsi1pk: `DEPT#${f.department}#FINDINGS`, gsi1sk: `${f.status}#${f.createdAt}#${f.compoundId}#${f.findingId}`, ...due };
}

/** A new finding with its events, if the id is free in the compound. */
export async function insertFinding(f: Finding, events: readonly BusEvent[]): Promise<boolean> {
  const index = Object.fromEntries(Object.entries(indexAttributes(f)).filter(([, v]) => v !== undefined));
  return insertWithEvents(table(), { ...findingKey(f.compoundId, f.findingId), ...f, ...index }, events);
}

export async function getFinding(compoundId: string, findingId: string): Promise<Finding | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: findingKey(compoundId, findingId), ConsistentRead: true }));
  return stripKeys<Finding>(Item);
}

/**
 * Write a finding's new state over the version read, with its events, in one conditional update.
 * Returns false when someone else changed it first (the caller reads again or reports a conflict).
 */
export async function updateFinding(previous: Finding, next: Finding, events: readonly BusEvent[]): Promise<boolean> {
  const { compoundId: _c, findingId: _f, ...fields } = { ...next, version: previous.version + 1 };
  const index = indexAttributes(next);
  const a = assignments({ ...fields, ...index });
  return updateWithEvents(
    table(),
    findingKey(previous.compoundId, previous.findingId),
    { set: a.set, remove: a.remove, condition: '#version = :expectedVersion', names: { ...a.names, '#version': 'version' }, values: { ...a.values, ':expectedVersion': previous.version } },
    events,
  );
}

/** A compound's findings by id; `status` and `ownerId` filter (a filtered page may hold fewer than `limit`). */
export function pageFindings(compoundId: string, filter: { status?: FindingStatus; ownerId?: string }, limit: number, cursor?: string): Promise<Page<Finding>> {
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': `COMPOUND#${compoundId}`, ':prefix': 'FINDING#' };
  if (filter.status) {
    conditions.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = filter.status;
  }
  if (filter.ownerId) {
    conditions.push('responsibleParty.ownerId = :owner');
    values[':owner'] = filter.ownerId;
  }
  return queryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: conditions.length ? conditions.join(' AND ') : undefined,
      ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
      ExpressionAttributeValues: values,
    },
    limit,
    cursor,
    (i) => stripKeys<Finding>(i)!,
  );
}

/** A department's findings of one status, oldest first. */
export function pageDepartmentFindings(department: string, status: FindingStatus, limit: number, cursor?: string): Promise<Page<Finding>> {
  return queryPage(
    {
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :status)',
      ExpressionAttributeValues: { ':pk': `DEPT#${department}#FINDINGS`, ':status': `${status}#` },
    },
    limit,
    cursor,
    (i) => stripKeys<Finding>(i)!,
  );
}

/** The findings a sweep recorded in one compound (a compound has tens of findings, not thousands). */
export async function findingsOfSweep(compoundId: string, campaignId: string): Promise<Finding[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    FilterExpression: 'campaignId = :campaign',
    ExpressionAttributeValues: { ':pk': `COMPOUND#${compoundId}`, ':prefix': 'FINDING#', ':campaign': campaignId },
    ConsistentRead: true,
  });
  return items.map((i) => stripKeys<Finding>(i)!);
}

/** Findings whose next escalation step is due by `now`. */
export const dueFindings = (now: string) => dueItems<{ compoundId: string; findingId: string }>(table(), DUE.escalation, now, ['compoundId', 'findingId']);
