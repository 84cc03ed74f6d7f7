import { BatchGetCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { clock } from '../../../libs/clock';
import { db, isConditionFailed, stripKeys } from '../../../libs/db';
import { invalid } from '../../../libs/errors';
import type { Audience } from '../domain/audiences';
import type { Notice } from './broadcasts';
import { keys, table } from './keys';

/**
 * A person's inbox is the notices of every audience their token carries, merged newest first, with
 * their own read state (READ#subject): one notice read is one item; "read everything" is a mark in
 * time. A broadcast addressed to two of their audiences (owner and committee member) shows once.
 */
export type InboxItem = Notice & { read: boolean };

interface CursorState {
  /** Per audience: the last sort key consumed, or null when that inbox is exhausted. */
  [audience: string]: string | null;
}

const encode = (state: CursorState): string => Buffer.from(JSON.stringify({ v: 1, at: state })).toString('base64url');

function decode(cursor: string | undefined, audiences: readonly Audience[]): CursorState {
  if (!cursor) return {};
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: number; at?: Record<string, unknown> };
    const at = parsed.at;
    if (parsed.v === 1 && at && typeof at === 'object' && Object.entries(at).every(([a, sk]) => audiences.includes(a) && (sk === null || (typeof sk === 'string' && sk.length <= 300))))
      return at as CursorState;
  } catch {
    // refused below
  }
  throw invalid('cursor is not one this API issued for you', [{ field: 'query.cursor', reason: 'invalid cursor' }]);
}

const readMark = async (subject: string): Promise<string | undefined> => {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: keys.readMark(subject), ConsistentRead: true }));
  return Item?.before as string | undefined;
};

export async function pageInbox(subject: string, audiences: readonly Audience[], limit: number, cursor: string | undefined): Promise<{ items: InboxItem[]; nextCursor?: string }> {
  const state = decode(cursor, audiences);
  const fetched = await Promise.all(
    audiences
      .filter((a) => state[a] !== null)
      .map(async (audience) => {
        const after = state[audience];
        const page = await db().send(
          new QueryCommand({
            TableName: table(),
            KeyConditionExpression: after ? 'pk = :pk AND sk < :after' : 'pk = :pk',
            ExpressionAttributeValues: after ? { ':pk': keys.inbox(audience), ':after': after } : { ':pk': keys.inbox(audience) },
            ScanIndexForward: false,
            Limit: limit,
          }),
        );
        return { audience, items: (page.Items ?? []) as (Notice & { sk: string })[], more: page.LastEvaluatedKey !== undefined };
      }),
  );
  const merged = fetched
    .flatMap((f) => f.items.map((item) => ({ audience: f.audience, item })))
    .sort((a, b) => (a.item.sk < b.item.sk ? 1 : a.item.sk > b.item.sk ? -1 : a.audience.localeCompare(b.audience)));

  const next: CursorState = { ...state };
  const consumed = new Map<Audience, number>();
  const page: (Notice & { sk: string })[] = [];
  const seen = new Set<string>();
  let lastSk: string | undefined;
  for (const { audience, item } of merged) {
    // A page ends after `limit` broadcasts, and after every copy of its last one.
    if (page.length >= limit && item.sk !== lastSk) break;
    next[audience] = item.sk;
    consumed.set(audience, (consumed.get(audience) ?? 0) + 1);
    lastSk = item.sk;
    if (!seen.has(item.sk)) {
      seen.add(item.sk);
      page.push(item);
    }
  }
  for (const f of fetched) if (!f.more && (consumed.get(f.audience) ?? 0) === f.items.length) next[f.audience] = null;
  const done = audiences.every((a) => next[a] === null);

  const read = await readSet(
    subject,
    page.map((p) => p.sk),
  );
  const mark = await readMark(subject);
  return {
    items: page.map((p) => ({ ...stripKeys<Notice>(p as unknown as Record<string, unknown>)!, read: read.has(p.sk) || (mark !== undefined && p.createdAt <= mark) })),
    nextCursor: done ? undefined : encode(next),
  };
}

async function readSet(subject: string, sks: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < sks.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[]; ProjectionExpression: string }> | undefined = {
      [table()]: { Keys: sks.slice(i, i + 100).map((sk) => ({ pk: keys.reads(subject), sk })), ProjectionExpression: 'sk' },
    };
    for (let attempt = 0; request && Object.keys(request).length; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept keys unprocessed');
      const result = await db().send(new BatchGetCommand({ RequestItems: request }));
      for (const item of result.Responses?.[table()] ?? []) out.add(item.sk as string);
      request = result.UnprocessedKeys as typeof request;
    }
  }
  return out;
}

/** Mark one notice read by this person (a second time changes nothing). True when it was unread. */
export async function markRead(subject: string, notice: Pick<Notice, 'createdAt' | 'broadcastId' | 'noticeId'>, sk: string): Promise<boolean> {
  try {
    await db().send(new PutCommand({ TableName: table(), Item: { pk: keys.reads(subject), sk, noticeId: notice.noticeId, at: clock.nowIso() }, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Everything up to now is read. */
export async function markAllRead(subject: string): Promise<string> {
  const before = clock.nowIso();
  await db().send(new PutCommand({ TableName: table(), Item: { ...keys.readMark(subject), before } }));
  return before;
}

/** Unread notices, counted up to `cap` per audience (an inbox of years reads "500+" until marked read). */
export async function unreadCount(subject: string, audiences: readonly Audience[], cap = 500): Promise<{ unread: number; capped: boolean }> {
  const mark = await readMark(subject);
  const lower = mark ? `${mark}#~` : '0';
  let capped = false;
  const collect = async (pk: string, limit: number): Promise<string[]> => {
    const out: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await db().send(
        new QueryCommand({
          TableName: table(),
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
          ExpressionAttributeValues: { ':pk': pk, ':lower': lower, ':upper': '9999' },
          ProjectionExpression: 'sk',
          ScanIndexForward: false,
          Limit: Math.min(limit - out.length, 1000),
          ExclusiveStartKey: startKey,
        }),
      );
      out.push(...(page.Items ?? []).map((i) => i.sk as string));
      startKey = page.LastEvaluatedKey;
      if (out.length >= limit) {
        if (startKey) capped = true;
        break;
      }
    } while (startKey);
    return out;
  };
  const notices = new Set((await Promise.all(audiences.map((a) => collect(keys.inbox(a), cap)))).flat());
  const reads = new Set(await collect(keys.reads(subject), cap * Math.max(1, audiences.length)));
  let unread = 0;
  for (const sk of notices) if (!reads.has(sk)) unread++;
  return { unread, capped };
}
