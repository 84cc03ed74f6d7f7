import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AreaScope } from '../../../libs/auth';
import { db, isConditionFailed, queryAll, type Key } from '../../../libs/db';
import type { QuarterFigures } from '../domain/quarters';
import type { StreetLocation } from './street-totals';
import { table } from './table';

/**
 * The funds by quarter: one item per quarter and street (FUNDQUARTER#2027-Q1 / "STREET#<street>"),
 * holding each of its compounds' figures of that quarter (domain/quarters.ts, from the compound's
 * disclosure) as one attribute `q#<compound>`. A disclosure is written once and never changed, so
 * the part is set only when absent or of an older `v` (the version of the part's shape, so that a
 * backfill after a change of shape may write over old parts). A repeated, late or concurrent write
 * changes nothing, and no write reads first.
 *
 * Size: a part is seven numbers and a version, 150–190 bytes with its name (DynamoDB's sizing, amounts
 * of billions of fen, 14- to 64-character compound ids): 2,000 compounds with 64-character ids make a
 * 378 KB item (`npm run bench -- funds-quarters`), under DynamoDB's 400 KB limit; a street office
 * has tens.
 *
 * A quarter's report reads one item for a street, one query over the quarter's street items for a
 * district (kept by a filter) or the city: one query per quarter, never a read per compound.
 */
export const QUARTER_PARTITION_PREFIX = 'FUNDQUARTER#';
/** The shape of a part; bump it when the figures a part holds change. */
export const QUARTER_PART_VERSION = 1;

const quarterPartition = (quarter: string) => `${QUARTER_PARTITION_PREFIX}${quarter}`;
const quarterKey = (quarter: string, streetId: string): Key => ({ pk: quarterPartition(quarter), sk: `STREET#${streetId}` });
const compoundAttribute = (compoundId: string) => `q#${compoundId}`;

/** A compound's figures of a disclosed quarter, onto its street's item of that quarter. */
export async function recordQuarter(street: StreetLocation, compoundId: string, quarter: string, figures: QuarterFigures): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: quarterKey(quarter, street.streetId),
        UpdateExpression: 'SET #p = :p, districtId = :d, streetId = :s',
        ConditionExpression: 'attribute_not_exists(#p) OR #p.v < :v',
        ExpressionAttributeNames: { '#p': compoundAttribute(compoundId) },
        ExpressionAttributeValues: { ':p': { ...figures, v: QUARTER_PART_VERSION }, ':d': street.districtId, ':s': street.streetId, ':v': QUARTER_PART_VERSION },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

export interface CompoundQuarter {
  compoundId: string;
  figures: QuarterFigures;
}

/** The figures of every compound of an area that disclosed the quarter. */
export async function compoundQuartersIn(scope: AreaScope, quarter: string, consumed?: { units: number }): Promise<CompoundQuarter[]> {
  let items: Record<string, unknown>[];
  if (scope.streetId) {
    const { Item, ConsumedCapacity } = await db().send(
      new GetCommand({ TableName: table(), Key: quarterKey(quarter, scope.streetId), ...(consumed ? { ReturnConsumedCapacity: 'TOTAL' as const } : {}) }),
    );
    if (consumed) consumed.units += ConsumedCapacity?.CapacityUnits ?? 0;
    items = Item ? [Item] : [];
  } else {
    items = await queryAll(
      {
        TableName: table(),
        KeyConditionExpression: 'pk = :pk',
        ...(scope.districtId ? { FilterExpression: 'districtId = :d' } : {}),
        ExpressionAttributeValues: scope.districtId ? { ':pk': quarterPartition(quarter), ':d': scope.districtId } : { ':pk': quarterPartition(quarter) },
      },
      consumed,
    );
  }
  const out: CompoundQuarter[] = [];
  for (const item of items) {
    if ((scope.streetId && item.streetId !== scope.streetId) || (scope.districtId && item.districtId !== scope.districtId)) continue;
    for (const [name, value] of Object.entries(item)) {
      if (!name.startsWith('q#')) continue;
      const { v: _version, ...figures } = value as QuarterFigures & { v: number };
      out.push({ compoundId: name.slice(2), figures });
    }
  }
  return out;
}
