import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, type Key } from '../../../libs/db';
import { invalid } from '../../../libs/errors';
import { decodeCursor, encodeCursor, type Page } from '../../../libs/http/pagination';
import type { Entry, Fund } from '../domain/ledger';
import { pad, table } from './table';

/**
 * Reading a fund's journal (store/ledger.ts appends to it). Entries live in blocks keyed by their
 * first sequence number (LEDGER#c#fund / BLOCK#0000000042), each holding consecutive entries; an
 * entry's client reference is LEDGER#c#fund / REF#<ref>.
 */
export const ledgerPk = (compoundId: string, fund: Fund) => `LEDGER#${compoundId}#${fund}`;
export const blockSk = (firstSeq: number) => `BLOCK#${pad(firstSeq)}`;
export const BLOCK_END = 'BLOCK#~';
export const refKey = (compoundId: string, fund: Fund, clientRef: string): Key => ({ pk: ledgerPk(compoundId, fund), sk: `REF#${clientRef}` });

export interface BlockItem {
  first: number;
  last: number;
  entries: Entry[];
}

async function lastBlock(compoundId: string, fund: Fund, atOrBefore?: number): Promise<BlockItem | undefined> {
  const page = await db().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: { ':pk': ledgerPk(compoundId, fund), ':lo': 'BLOCK#', ':hi': atOrBefore === undefined ? BLOCK_END : blockSk(atOrBefore) },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  return page.Items?.[0] as BlockItem | undefined;
}

export async function headEntry(compoundId: string, fund: Fund): Promise<Entry | undefined> {
  return (await lastBlock(compoundId, fund))?.entries.at(-1);
}

export async function getEntry(compoundId: string, fund: Fund, seq: number): Promise<Entry | undefined> {
  if (!Number.isSafeInteger(seq) || seq < 1) return undefined;
  return (await lastBlock(compoundId, fund, seq))?.entries.find((e) => e.seq === seq);
}

/**
 * Entries after `afterSeq`, oldest first, reading blocks until `maxEntries` entries or about
 * `maxBytes` of them are collected; `more` says whether the journal goes on.
 */
export async function entriesAfter(compoundId: string, fund: Fund, afterSeq: number, limits: { maxEntries?: number; maxBytes?: number } = {}): Promise<{ entries: Entry[]; more: boolean }> {
  const maxEntries = limits.maxEntries ?? Infinity;
  const maxBytes = limits.maxBytes ?? Infinity;
  const start = (await lastBlock(compoundId, fund, afterSeq + 1))?.first ?? 1;
  const entries: Entry[] = [];
  let bytes = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': ledgerPk(compoundId, fund), ':lo': blockSk(start), ':hi': BLOCK_END },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
        Limit: 25,
      }),
    );
    for (const block of (page.Items ?? []) as BlockItem[]) {
      for (const entry of block.entries) {
        if (entry.seq <= afterSeq) continue;
        if (entries.length >= maxEntries || (entries.length > 0 && bytes >= maxBytes)) return { entries, more: true };
        entries.push(entry);
        bytes += JSON.stringify(entry).length;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { entries, more: false };
}

/** The whole journal (or what follows `afterSeq`): for small ledgers, tests and the crash search. */
export async function allEntries(compoundId: string, fund: Fund, afterSeq = 0): Promise<Entry[]> {
  return (await entriesAfter(compoundId, fund, afterSeq)).entries;
}

// A cursor holds strings only (decodeCursor refuses anything else), so the sequence number is written as one.
const seqCursor = (seq: number) => encodeCursor({ after: String(seq) });
function afterOf(cursor: string | undefined): number {
  const decoded = decodeCursor(cursor);
  if (!decoded) return 0;
  const after = typeof decoded.after === 'string' && /^\d{1,15}$/.test(decoded.after) ? Number(decoded.after) : NaN;
  if (!Number.isSafeInteger(after)) throw invalid('cursor is not one this API issued', [{ field: 'query.cursor', reason: 'invalid cursor' }]);
  return after;
}

/** A page of entries, oldest first, by count. */
export async function pageEntries(compoundId: string, fund: Fund, limit: number, cursor?: string): Promise<Page<Entry>> {
  const { entries, more } = await entriesAfter(compoundId, fund, afterOf(cursor), { maxEntries: limit });
  return { items: entries, nextCursor: more && entries.length ? seqCursor(entries.at(-1)!.seq) : undefined };
}

/** A page of entries, oldest first, by size: what a response under Lambda's 6 MB payload can carry. */
export async function pageEntriesBySize(compoundId: string, fund: Fund, maxBytes: number, cursor?: string): Promise<Page<Entry>> {
  const { entries, more } = await entriesAfter(compoundId, fund, afterOf(cursor), { maxBytes });
  return { items: entries, nextCursor: more && entries.length ? seqCursor(entries.at(-1)!.seq) : undefined };
}

/** What became of a client reference: written (with its entry's number), being written, or never claimed. */
export async function referenceStatus(compoundId: string, fund: Fund, clientRef: string): Promise<{ status: 'done'; seq: number } | { status: 'pending'; leaseUntil: number } | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: refKey(compoundId, fund, clientRef), ConsistentRead: true }));
  if (!Item) return undefined;
  return Item.status === 'done' ? { status: 'done', seq: Item.seq as number } : { status: 'pending', leaseUntil: Item.leaseUntil as number };
}
