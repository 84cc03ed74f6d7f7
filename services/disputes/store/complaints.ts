import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { DUE_ATTRIBUTES, dueAt, dueItems } from '../../../libs/due';
import { assignments, db, putIfAbsent, stripKeys, type Key } from '../../../libs/db';
import { queryPage } from '../../../libs/http/pagination';
import { insertWithEvents, updateWithEvents } from '../../../libs/outbox';
import type { Complaint } from '../domain/complaint';
import { batchGet, table } from './table';

export const CASE_CLOCK = 'case-clock';

const caseKey = (complaintId: string): Key => ({ pk: `COMPLAINT#${complaintId}`, sk: 'CASE' });
const tokenKey = (token: string): Key => ({ pk: `TOKEN#${token}`, sk: 'TOKEN' });

/** When the case clock should next look at the case: its escalation time while open, the end of the confirmation period once resolved. */
export function dueTime(c: Pick<Complaint, 'status' | 'escalateAt' | 'confirmBy'>): string | undefined {
  if (c.status === 'resolved') return c.confirmBy;
  if (c.status === 'received' || c.status === 'acknowledged' || c.status === 'in_progress') return c.escalateAt;
  return undefined;
}

function indexes(c: Complaint): Record<string, string | undefined> {
  const due = dueTime(c);
  return {
    gsi1pk: `CASES#${c.compoundId}`,
    gsi1sk: `${c.requestedAt}#${c.complaintId}`,
    ...(due ? dueAt(CASE_CLOCK, due, c.complaintId) : { duePk: undefined, dueSk: undefined }),
  };
}

/** A tracking token is claimed before its complaint is written; a retry with a fresh token never finds it taken. */
export const claimToken = (token: string, complaintId: string): Promise<boolean> => putIfAbsent(table(), { ...tokenKey(token), complaintId });

export async function complaintOfToken(token: string): Promise<string | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: tokenKey(token) }));
  return Item?.complaintId as string | undefined;
}

/** One conditional put of the new case with its events; false when the id is taken. */
export async function insertComplaint(c: Complaint, events: BusEvent[]): Promise<boolean> {
  const { duePk, dueSk, ...index } = indexes(c);
  return insertWithEvents(table(), { ...caseKey(c.complaintId), ...c, ...index, ...(duePk ? { duePk, dueSk } : {}) }, events);
}

export async function getComplaint(complaintId: string, consistent = true): Promise<Complaint | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: caseKey(complaintId), ConsistentRead: consistent }));
  return stripKeys<Complaint>(Item);
}

export async function getComplaints(ids: readonly string[]): Promise<Complaint[]> {
  return (await batchGet(ids.map(caseKey))).map((i) => stripKeys<Complaint>(i)!);
}

/**
 * Write the whole case, conditional on the version it was read at: two officials acting at once,
 * or the schedule and a person, cannot both win. The events ride in the same write.
 */
export async function saveComplaint(c: Complaint, expectedVersion: number, events: BusEvent[]): Promise<boolean> {
  const { version: _v, ...fields } = c;
  const update = assignments({ ...fields, ...indexes(c) });
  return updateWithEvents(
    table(),
    caseKey(c.complaintId),
    {
      set: [...update.set, '#version = :next'],
      remove: update.remove,
      condition: '#version = :version',
      names: { ...update.names, '#version': 'version' },
      values: { ...update.values, ':version': expectedVersion, ':next': expectedVersion + 1 },
    },
    events,
  );
}

/** A compound's cases, newest first; `filedBy` narrows to one complainant's. */
export function pageCompoundComplaints(compoundId: string, limit: number, cursor: string | undefined, filter: { status?: string; filedBy?: string }) {
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': `CASES#${compoundId}` };
  if (filter.status) {
    conditions.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = filter.status;
  }
  if (filter.filedBy) {
    conditions.push('complainant.#subject = :subject');
    names['#subject'] = 'subject';
    values[':subject'] = filter.filedBy;
  }
  return queryPage(
    {
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      FilterExpression: conditions.length ? conditions.join(' AND ') : undefined,
      ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
    },
    limit,
    cursor,
    (i) => stripKeys<Complaint>(i)!,
  );
}

/** Cases whose deadline or confirmation period has come. */
export const dueComplaints = (now: string, limit = 5000) => dueItems<{ complaintId: string }>(table(), CASE_CLOCK, now, ['complaintId'], limit);

export { DUE_ATTRIBUTES };
