import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, isConditionFailed, stripKeys } from '../../../libs/db';
import { queryPage } from '../../../libs/http/pagination';
import { handlerKey } from '../domain/categories';
import { isOpen, open311Status, type Complaint } from '../domain/complaint';
import { table } from './table';

/**
 * Two lists kept from the service's own events (services/disputes/consume-cases.ts), each entry a
 * copy of the case's list fields taken from the case as it is now, written only if newer than what
 * the entry holds: events may arrive late, twice or out of order and the lists still converge.
 *   REQUESTS#<UTC month> / <requestedAt>#q   the city by date (Open311 GET requests, the bureau)
 *   INBOX#<handler>      / <requestedAt>#q   what a handler has (moves when the case is routed or escalated)
 */
export interface CaseEntry {
  complaintId: string;
  compoundId: string;
  category: string;
  status: Complaint['status'];
  open311: 'open' | 'closed';
  open: boolean;
  handler: string;
  requestedAt: string;
  updatedAt: string;
  resolveBy: string;
  version: number;
}

export const monthPartition = (iso: string) => `REQUESTS#${iso.slice(0, 7)}`;

const entryOf = (c: Complaint): CaseEntry => ({
  complaintId: c.complaintId,
  compoundId: c.compoundId,
  category: c.category,
  status: c.status,
  open311: open311Status(c.status),
  open: isOpen(c),
  handler: handlerKey(c.handler),
  requestedAt: c.requestedAt,
  updatedAt: c.updatedAt,
  resolveBy: c.resolveBy,
  version: c.version,
});

/** Put the entry unless a newer one is there; returns what it replaced (atomically), or false when it was not newer. */
async function putIfNewer(pk: string, sk: string, entry: CaseEntry): Promise<Record<string, unknown> | undefined | false> {
  try {
    const result = await db().send(
      new PutCommand({
        TableName: table(),
        Item: { pk, sk, ...entry },
        ConditionExpression: 'attribute_not_exists(pk) OR #version < :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':version': entry.version },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Bring both lists up to the case as it is now. */
export async function project(c: Complaint): Promise<void> {
  const entry = entryOf(c);
  const sk = `${c.requestedAt}#${c.complaintId}`;
  const pk = monthPartition(c.requestedAt);
  const before = await putIfNewer(pk, sk, entry);
  if (before === false) return;
  const previousHandler = before?.handler as string | undefined;
  if (previousHandler && previousHandler !== entry.handler) {
    await db()
      .send(
        new DeleteCommand({
          TableName: table(),
          Key: { pk: `INBOX#${previousHandler}`, sk },
          ConditionExpression: 'attribute_not_exists(pk) OR #version < :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':version': entry.version },
        }),
      )
      .catch((error) => {
        if (!isConditionFailed(error)) throw error;
      });
  }
  await putIfNewer(`INBOX#${entry.handler}`, sk, entry);
}

/** A handler's cases, newest first; `open` narrows to those still being worked on. */
export function pageInbox(handler: string, state: 'open' | 'closed' | 'all', limit: number, cursor?: string) {
  return queryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: state === 'all' ? undefined : '#open = :open',
      ExpressionAttributeNames: state === 'all' ? undefined : { '#open': 'open' },
      ExpressionAttributeValues: { ':pk': `INBOX#${handler}`, ...(state === 'all' ? {} : { ':open': state === 'open' }) },
      ScanIndexForward: false,
    },
    limit,
    cursor,
    (i) => stripKeys<CaseEntry>(i)!,
  );
}

/**
 * City-wide entries requested within [from, to], newest first, filtered by Open311 status, service
 * code and compound, at most `limit`: one query per UTC month of the range.
 */
export async function entriesBetween(from: string, to: string, filter: { status?: readonly string[]; codes?: readonly string[]; compoundId?: string }, limit: number): Promise<CaseEntry[]> {
  const months: string[] = [];
  for (let d = new Date(`${from.slice(0, 7)}-01T00:00:00.000Z`); d.toISOString() <= to; d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))) months.unshift(d.toISOString());
  const out: CaseEntry[] = [];
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':from': from, ':to': `${to}#~` };
  if (filter.status?.length) {
    conditions.push(`#o311 IN (${filter.status.map((_, i) => `:s${i}`).join(', ')})`);
    names['#o311'] = 'open311';
    filter.status.forEach((s, i) => (values[`:s${i}`] = s));
  }
  if (filter.codes?.length) {
    conditions.push(`#category IN (${filter.codes.map((_, i) => `:c${i}`).join(', ')})`);
    names['#category'] = 'category';
    filter.codes.forEach((c, i) => (values[`:c${i}`] = c));
  }
  if (filter.compoundId) {
    conditions.push('compoundId = :compound');
    values[':compound'] = filter.compoundId;
  }
  for (const month of months) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await db().send(
        new QueryCommand({
          TableName: table(),
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          FilterExpression: conditions.length ? conditions.join(' AND ') : undefined,
          ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
          ExpressionAttributeValues: { ...values, ':pk': monthPartition(month) },
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        out.push(stripKeys<CaseEntry>(item)!);
        if (out.length >= limit) return out;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return out;
}
