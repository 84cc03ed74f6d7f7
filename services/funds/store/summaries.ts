import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AreaScope, CompoundLocation } from '../../../libs/auth';
import { db, isConditionFailed, queryAll, type Key } from '../../../libs/db';
import { dueAt, dueItems } from '../../../libs/due';
import { areaPrefix, compoundSortKey, inScope } from '../../registry/kit/keys';
import { DEFAULT_TIME_ZONE, quarterOf } from '../domain/calendar';
import { fundFigures, type FundFigures } from '../domain/figures';
import type { Entry, Fund } from '../domain/ledger';
import { NO_LEVY, type LevyFigures } from '../domain/levy';
import * as streets from './street-totals';
import { table } from './table';

/**
 * A compound's funds summary, one small item kept by the writes: each fund's head (sequence number,
 * hash, balances and the figures reports need) and the levy's figures by bucket. Reports read these
 * items (one per compound in scope, through gsi1), never the journals. Each part is set, not added
 * to, and only by a newer version than the one stored: a repeated or late write changes nothing.
 */
export const SUMMARY_PARTITION = 'FUNDSUMMARY';
export const DISCLOSURE_DUE = 'disclosure';

const summaryKey = (compoundId: string): Key => ({ pk: `COMPOUND#${compoundId}`, sk: 'SUMMARY' });
const fundAttribute = (fund: Fund) => `head_${fund}`;
const bucketAttribute = (bucket: number) => `levy_${String(bucket).padStart(3, '0')}`;

export interface FundHead {
  seq: number;
  hash: string;
  at: string;
  balances: Record<string, number>;
  figures: FundFigures;
}

export interface FundsSummary {
  compoundId: string;
  districtId?: string;
  streetId?: string;
  communityId?: string;
  timeZone?: string;
  firstEntryAt?: string;
  /** The last quarter disclosed ("2027-Q1"). */
  disclosedThrough?: string;
  heads: Partial<Record<Fund, FundHead>>;
  levy: LevyFigures;
}

/** After an append: the fund's new head, unless a later one is already there. */
export async function recordHead(compoundId: string, fund: Fund, entry: Entry): Promise<void> {
  const head: FundHead = { seq: entry.seq, hash: entry.hash, at: entry.at, balances: entry.balances, figures: fundFigures(fund, entry.balances) };
  const due = dueAt(DISCLOSURE_DUE, quarterOf(entry.at, DEFAULT_TIME_ZONE).to, compoundId);
  try {
    const { Attributes } = await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: summaryKey(compoundId),
        ReturnValues: 'ALL_NEW',
        UpdateExpression: 'SET #head = :head, compoundId = :c, firstEntryAt = if_not_exists(firstEntryAt, :at), duePk = if_not_exists(duePk, :duePk), dueSk = if_not_exists(dueSk, :dueSk)',
        ConditionExpression: 'attribute_not_exists(#head) OR #head.seq < :seq',
        ExpressionAttributeNames: { '#head': fundAttribute(fund) },
        ExpressionAttributeValues: { ':head': head, ':c': compoundId, ':at': entry.at, ':duePk': due.duePk, ':dueSk': due.dueSk, ':seq': entry.seq },
      }),
    );
    const street = streetOf(Attributes);
    if (street) await streets.recordFund(street, compoundId, fund, entry.seq, head.figures);
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/** A bucket of levy accounts changed: its figures, unless a later version is already there. */
export async function recordLevyBucket(compoundId: string, bucket: number, version: number, figures: LevyFigures): Promise<void> {
  try {
    const { Attributes } = await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: summaryKey(compoundId),
        ReturnValues: 'ALL_NEW',
        UpdateExpression: 'SET #b = :b, compoundId = :c',
        ConditionExpression: 'attribute_not_exists(#b) OR #b.version < :v',
        ExpressionAttributeNames: { '#b': bucketAttribute(bucket) },
        ExpressionAttributeValues: { ':b': { ...figures, version }, ':c': compoundId, ':v': version },
      }),
    );
    const street = streetOf(Attributes);
    if (street) await streets.recordBucket(street, compoundId, bucket, version, figures);
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/** Where the compound is (from the registry's events), so that reports find it by area. */
export async function recordLocation(location: CompoundLocation & { timeZone?: string }): Promise<void> {
  const { Attributes } = await db().send(
    new UpdateCommand({
      TableName: table(),
      Key: summaryKey(location.compoundId),
      ReturnValues: 'ALL_NEW',
      UpdateExpression: 'SET compoundId = :c, districtId = :d, streetId = :s, communityId = :k, gsi1pk = :pk, gsi1sk = :sk',
      ExpressionAttributeValues: {
        ':c': location.compoundId,
        ':d': location.districtId,
        ':s': location.streetId,
        ':k': location.communityId,
        ':pk': SUMMARY_PARTITION,
        ':sk': compoundSortKey(location),
      },
    }),
  );
  await copyItemToStreet(Attributes ?? {});
}

function streetOf(item: Record<string, unknown> | undefined): streets.StreetLocation | undefined {
  return typeof item?.districtId === 'string' && typeof item.streetId === 'string' ? { districtId: item.districtId, streetId: item.streetId } : undefined;
}

/** Every part of a compound's summary item onto its street's item (each only if newer there). */
async function copyItemToStreet(item: Record<string, unknown>): Promise<void> {
  const street = streetOf(item);
  const compoundId = item.compoundId as string | undefined;
  if (!street || !compoundId) return;
  await streets.recordCompound(street, compoundId);
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith('head_')) {
      const head = value as FundHead;
      await streets.recordFund(street, compoundId, name.slice(5) as Fund, head.seq, head.figures);
    } else if (name.startsWith('levy_')) {
      const { version, ...figures } = value as LevyFigures & { version: number };
      await streets.recordBucket(street, compoundId, Number(name.slice(5)), version, figures);
    }
  }
}

/**
 * Bring the compound's part of its street's totals up to its summary: repairs what a crash between
 * the summary's write and the street's left behind (run with each disclosure unit).
 */
export async function copyToStreet(compoundId: string): Promise<void> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: summaryKey(compoundId), ConsistentRead: true }));
  if (Item) await copyItemToStreet(Item);
}

/** The quarter disclosed and when the next one falls due (or leave the due index when nothing is left). */
export async function recordDisclosed(compoundId: string, quarter: string, nextDueAt: string): Promise<void> {
  const due = dueAt(DISCLOSURE_DUE, nextDueAt, compoundId);
  await db()
    .send(
      new UpdateCommand({
        TableName: table(),
        Key: summaryKey(compoundId),
        UpdateExpression: 'SET disclosedThrough = :q, duePk = :pk, dueSk = :sk',
        ConditionExpression: 'attribute_not_exists(disclosedThrough) OR disclosedThrough <= :q',
        ExpressionAttributeValues: { ':q': quarter, ':pk': due.duePk, ':sk': due.dueSk },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionFailed(error)) throw error;
    });
}

/** Nothing ended yet: come back when the quarter does. */
export async function setDisclosureDue(compoundId: string, at: string): Promise<void> {
  const due = dueAt(DISCLOSURE_DUE, at, compoundId);
  await db().send(
    new UpdateCommand({ TableName: table(), Key: summaryKey(compoundId), UpdateExpression: 'SET duePk = :pk, dueSk = :sk', ExpressionAttributeValues: { ':pk': due.duePk, ':sk': due.dueSk } }),
  );
}

/** Compounds whose next quarter has ended. */
export const dueDisclosures = (now: string) => dueItems<{ compoundId: string }>(table(), DISCLOSURE_DUE, now, ['compoundId']);

function fromItem(item: Record<string, unknown>): FundsSummary {
  const heads: Partial<Record<Fund, FundHead>> = {};
  let levy: LevyFigures = { ...NO_LEVY };
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith('head_')) heads[name.slice(5) as Fund] = value as FundHead;
    if (name.startsWith('levy_')) {
      const { version: _v, ...figures } = value as LevyFigures & { version: number };
      levy = Object.fromEntries(Object.keys(NO_LEVY).map((k) => [k, levy[k as keyof LevyFigures] + (figures[k as keyof LevyFigures] ?? 0)])) as unknown as LevyFigures;
    }
  }
  return {
    compoundId: item.compoundId as string,
    districtId: item.districtId as string | undefined,
    streetId: item.streetId as string | undefined,
    communityId: item.communityId as string | undefined,
    firstEntryAt: item.firstEntryAt as string | undefined,
    disclosedThrough: item.disclosedThrough as string | undefined,
    heads,
    levy,
  };
}

export async function getSummary(compoundId: string): Promise<FundsSummary | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: summaryKey(compoundId), ConsistentRead: true }));
  return Item ? fromItem(Item) : undefined;
}

/** The summaries of every compound in an area: one small item each, from the index. */
export async function summariesIn(scope: AreaScope, consumed?: { units: number }): Promise<FundsSummary[]> {
  const prefix = areaPrefix(scope);
  const items = await queryAll(
    {
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: prefix ? 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)' : 'gsi1pk = :pk',
      ExpressionAttributeValues: prefix ? { ':pk': SUMMARY_PARTITION, ':prefix': prefix } : { ':pk': SUMMARY_PARTITION },
    },
    consumed,
  );
  return items.map(fromItem).filter((s) => inScope(s as unknown as CompoundLocation, scope));
}
