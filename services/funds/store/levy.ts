import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { db, isConditionFailed, putIfAbsent, stripKeys, type Key } from '../../../libs/db';
import { dueAt, dueItems } from '../../../libs/due';
import { insertWithEvents, updateWithEvents } from '../../../libs/outbox';
import { emptyBucket, levyFigures, type BucketState, type ChargeLine } from '../domain/levy';
import { recordLevyBucket } from './summaries';
import { table } from './table';

/**
 * The levy's items: its configuration (COMPOUND#c / LEVY, on the due index while a month is waiting
 * to be charged), the charge sheets of each month and bucket (immutable once written), the buckets
 * of unit accounts (derived from the journal, written conditionally on their version) and the
 * receipts (each claimed once per compound).
 */
export const LEVY_DUE = 'levy';

export interface LevyConfig {
  compoundId: string;
  rateFenPerM2Month: number;
  resolutionRef: string;
  /** The first month charged. */
  firstPeriod: string;
  timeZone: string;
  developerId: string;
  /** How many buckets the units are spread over: fixed from the roll's size when the levy starts (0 until the roll is known). */
  buckets: number;
  /** The last month fully charged. */
  chargedThrough?: string;
  startedAt: string;
}

const levyKey = (compoundId: string): Key => ({ pk: `COMPOUND#${compoundId}`, sk: 'LEVY' });
const bucketKey = (compoundId: string, bucket: number): Key => ({ pk: `LEVY#${compoundId}`, sk: `BUCKET#${String(bucket).padStart(3, '0')}` });
const sheetKey = (compoundId: string, period: string, bucket: number): Key => ({ pk: `LEVY#${compoundId}`, sk: `SHEET#${period}#${String(bucket).padStart(3, '0')}` });
const receiptKey = (compoundId: string, receiptRef: string): Key => ({ pk: `LEVY#${compoundId}`, sk: `RECEIPT#${receiptRef}` });

/** Start the levy, once (a second resolution does not restart or change it; that would be a new decision to model). */
export async function startLevy(levy: LevyConfig, nextDueAt: string, events: BusEvent[]): Promise<boolean> {
  return insertWithEvents(table(), { ...levyKey(levy.compoundId), ...levy, ...dueAt(LEVY_DUE, nextDueAt, levy.compoundId) }, events);
}

export async function getLevy(compoundId: string): Promise<LevyConfig | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: levyKey(compoundId), ConsistentRead: true }));
  return stripKeys<LevyConfig>(Item);
}

/** Compounds whose next levy month has begun (or whose run failed and stays due). */
export const dueLevies = (now: string) => dueItems<{ compoundId: string }>(table(), LEVY_DUE, now, ['compoundId']);

/** A month charged in full: move the levy along the due index to the next month's start, with its event. */
export async function markCharged(compoundId: string, period: string, nextDueAt: string, events: BusEvent[]): Promise<boolean> {
  const due = dueAt(LEVY_DUE, nextDueAt, compoundId);
  return updateWithEvents(
    table(),
    levyKey(compoundId),
    {
      set: ['chargedThrough = :p', 'duePk = :pk', 'dueSk = :sk'],
      condition: 'attribute_not_exists(chargedThrough) OR chargedThrough < :p',
      values: { ':p': period, ':pk': due.duePk, ':sk': due.dueSk },
    },
    events,
  );
}

/** The number of buckets, once the roll's size is known (a levy started before its roll arrived has 0 until then). */
export async function setBuckets(compoundId: string, buckets: number): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: levyKey(compoundId),
        UpdateExpression: 'SET buckets = :b',
        ConditionExpression: 'buckets = :zero',
        ExpressionAttributeValues: { ':b': buckets, ':zero': 0 },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/** Keep the levy due at this time (nothing charged now: a roll still arriving, a month not begun). */
export async function setDue(compoundId: string, at: string): Promise<void> {
  const due = dueAt(LEVY_DUE, at, compoundId);
  await db().send(
    new UpdateCommand({ TableName: table(), Key: levyKey(compoundId), UpdateExpression: 'SET duePk = :pk, dueSk = :sk', ExpressionAttributeValues: { ':pk': due.duePk, ':sk': due.dueSk } }),
  );
}

// ---- charge sheets --------------------------------------------------------------------------------

/** Write a month's sheet for a bucket unless one exists; return the sheet that stands. */
export async function putSheet(compoundId: string, period: string, bucket: number, lines: ChargeLine[]): Promise<ChargeLine[]> {
  if (await putIfAbsent(table(), { ...sheetKey(compoundId, period, bucket), period, bucket, lines })) return lines;
  return (await getSheet(compoundId, period, bucket))!;
}

export async function getSheet(compoundId: string, period: string, bucket: number): Promise<ChargeLine[] | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: sheetKey(compoundId, period, bucket), ConsistentRead: true }));
  return Item?.lines as ChargeLine[] | undefined;
}

// ---- buckets of unit accounts ----------------------------------------------------------------------

export interface Bucket extends BucketState {
  bucket: number;
  version: number;
}

export async function getBucket(compoundId: string, bucket: number): Promise<Bucket> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: bucketKey(compoundId, bucket), ConsistentRead: true }));
  return Item ? (stripKeys<Bucket>(Item) as Bucket) : { bucket, version: 0, ...emptyBucket() };
}

export async function getBuckets(compoundId: string, buckets: readonly number[]): Promise<Bucket[]> {
  const out = new Map<number, Bucket>();
  for (let i = 0; i < buckets.length; i += 100) {
    let keys: Key[] = buckets.slice(i, i + 100).map((b) => bucketKey(compoundId, b));
    for (let attempt = 0; keys.length > 0; attempt++) {
      const result = await db().send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys, ConsistentRead: true } } }));
      for (const item of result.Responses?.[table()] ?? []) out.set(item.bucket as number, stripKeys<Bucket>(item)!);
      keys = (result.UnprocessedKeys?.[table()]?.Keys ?? []) as Key[];
      if (keys.length && attempt > 8) throw new Error('DynamoDB kept bucket reads unprocessed');
      if (keys.length) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
  return buckets.map((b) => out.get(b) ?? { bucket: b, version: 0, ...emptyBucket() });
}

/** Write a bucket over the version read, with its events (arrears opened or cleared); false if it changed meanwhile. */
export async function saveBucket(compoundId: string, next: Bucket, events: BusEvent[]): Promise<boolean> {
  const key = bucketKey(compoundId, next.bucket);
  const state = { bucket: next.bucket, units: next.units, throughSeq: next.throughSeq, applied: next.applied };
  let written: boolean;
  if (next.version === 0) {
    written = await insertWithEvents(table(), { ...key, ...state, version: 1 }, events);
  } else {
    written = await updateWithEvents(
      table(),
      key,
      {
        set: ['units = :units', 'throughSeq = :through', 'applied = :applied', 'version = :next'],
        condition: 'version = :version',
        values: { ':units': state.units, ':through': state.throughSeq, ':applied': state.applied, ':version': next.version, ':next': next.version + 1 },
      },
      events,
    );
  }
  if (written) await recordLevyBucket(compoundId, next.bucket, next.version + 1, levyFigures(Object.values(next.units))).catch(() => undefined);
  return written;
}

// ---- receipts ----------------------------------------------------------------------------------------

export interface ReceiptClaim {
  receiptRef: string;
  /** The payment (entry client reference) the receipt belongs to. */
  paymentRef: string;
  lines: { unitId: string; amountFen: number }[];
  claimedAt: number;
}

export type ReceiptOutcome = { claimed: true } | { claimed: false; existing: ReceiptClaim };

/** Claim a receipt for a payment; or say which payment has it. */
export async function claimReceipt(compoundId: string, claim: ReceiptClaim): Promise<ReceiptOutcome> {
  try {
    await db().send(new PutCommand({ TableName: table(), Item: { ...receiptKey(compoundId, claim.receiptRef), ...claim }, ConditionExpression: 'attribute_not_exists(pk)' }));
    return { claimed: true };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: receiptKey(compoundId, claim.receiptRef), ConsistentRead: true }));
  if (!Item) return claimReceipt(compoundId, claim);
  return { claimed: false, existing: stripKeys<ReceiptClaim>(Item)! };
}

/** Take a receipt over from a payment that never reached the journal (after its lease). */
export async function takeOverReceipt(compoundId: string, claim: ReceiptClaim, from: ReceiptClaim): Promise<boolean> {
  try {
    await db().send(
      new PutCommand({
        TableName: table(),
        Item: { ...receiptKey(compoundId, claim.receiptRef), ...claim },
        ConditionExpression: 'paymentRef = :old AND claimedAt = :at',
        ExpressionAttributeValues: { ':old': from.paymentRef, ':at': from.claimedAt },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Give back receipts a refused payment claimed (only those it still holds). */
export async function releaseReceipt(compoundId: string, receiptRef: string, paymentRef: string): Promise<void> {
  try {
    await db().send(new DeleteCommand({ TableName: table(), Key: receiptKey(compoundId, receiptRef), ConditionExpression: 'paymentRef = :ref', ExpressionAttributeValues: { ':ref': paymentRef } }));
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}
