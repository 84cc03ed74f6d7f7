import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AreaScope } from '../../../libs/auth';
import { db, isConditionFailed, queryAll, type Key } from '../../../libs/db';
import type { FundFigures } from '../domain/figures';
import type { Fund } from '../domain/ledger';
import type { LevyFigures } from '../domain/levy';
import { table } from './table';

/**
 * The funds report's read model: one item per street (FUNDSTREETS / "STREET#<street>"),
 * holding each of its compounds' parts — a fund's figures, a levy bucket's figures, a marker that
 * the compound exists — as separate attributes, each set only by a newer version than the one
 * stored (a repeated or late write changes nothing, and no write reads first). A city or district
 * report reads one item per street of the city (O(streets), a district's kept by a filter), a street
 * report one item.
 *
 * Size: a compound's parts take about 1–2 KB (four funds, a levy bucket per 150 units), so a street
 * item holds ~200 compounds before DynamoDB's 400 KB limit; a street office has tens.
 *
 * The parts are copied from the compound's summary (summaries.ts) after each change of it; a crash
 * between the two writes leaves the street's part behind until that fund or bucket changes again or
 * the compound's next disclosure run copies its whole summary (`copyToStreet`).
 */
export const STREETS_PARTITION = 'FUNDSTREETS';

export interface StreetLocation {
  districtId: string;
  streetId: string;
}

const streetKey = (streetId: string): Key => ({ pk: STREETS_PARTITION, sk: `STREET#${streetId}` });

/** What a report needs of one fund of one compound (no balances by account). */
export type FundPart = Pick<FundFigures, 'cashFen' | 'availableFen' | 'collectedFen' | 'costsFen' | 'spentFen' | 'projectsPaid' | 'levyChargedFen' | 'levyPaidFen'>;

export const fundPart = (f: FundFigures): FundPart => ({
  cashFen: f.cashFen,
  availableFen: f.availableFen,
  collectedFen: f.collectedFen,
  costsFen: f.costsFen,
  spentFen: f.spentFen,
  projectsPaid: f.projectsPaid,
  levyChargedFen: f.levyChargedFen,
  levyPaidFen: f.levyPaidFen,
});

const compoundAttribute = (compoundId: string) => `c#${compoundId}`;
const fundAttribute = (compoundId: string, fund: Fund) => `h#${compoundId}#${fund}`;
const bucketAttribute = (compoundId: string, bucket: number) => `l#${compoundId}#${bucket}`;

async function setPart(street: StreetLocation, attribute: string, version: number, part: object): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: streetKey(street.streetId),
        UpdateExpression: 'SET #p = :p, districtId = :d, streetId = :s',
        ConditionExpression: 'attribute_not_exists(#p) OR #p.v < :v',
        ExpressionAttributeNames: { '#p': attribute },
        ExpressionAttributeValues: { ':p': { ...part, v: version }, ':d': street.districtId, ':s': street.streetId, ':v': version },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

export const recordCompound = (street: StreetLocation, compoundId: string) => setPart(street, compoundAttribute(compoundId), 1, {});
export const recordFund = (street: StreetLocation, compoundId: string, fund: Fund, seq: number, figures: FundFigures) => setPart(street, fundAttribute(compoundId, fund), seq, fundPart(figures));
export const recordBucket = (street: StreetLocation, compoundId: string, bucket: number, version: number, figures: LevyFigures) =>
  setPart(street, bucketAttribute(compoundId, bucket), version, figures);

/** One compound's parts as a street item holds them. */
export interface CompoundParts {
  compoundId: string;
  /** Its location is known (a compound with no parts yet still counts). */
  located: boolean;
  funds: Partial<Record<Fund, FundPart>>;
  buckets: LevyFigures[];
}

function partsOf(item: Record<string, unknown>, into: Map<string, CompoundParts>): void {
  const of = (compoundId: string) => {
    let parts = into.get(compoundId);
    if (!parts) into.set(compoundId, (parts = { compoundId, located: false, funds: {}, buckets: [] }));
    return parts;
  };
  for (const [name, value] of Object.entries(item)) {
    const kind = name.slice(0, 2);
    if (kind === 'c#') of(name.slice(2)).located = true;
    else if (kind === 'h#' || kind === 'l#') {
      const cut = name.lastIndexOf('#');
      const { v: _version, ...figures } = value as Record<string, number>;
      const parts = of(name.slice(2, cut));
      if (kind === 'h#') parts.funds[name.slice(cut + 1) as Fund] = figures as unknown as FundPart;
      else parts.buckets.push(figures as unknown as LevyFigures);
    }
  }
}

/**
 * The parts of every compound in an area: a street is one GetItem; a district or the city one
 * query over the street items (a page per MB). Only compounds whose location is known are counted.
 */
export async function compoundPartsIn(scope: AreaScope, consumed?: { units: number }): Promise<CompoundParts[]> {
  const out = new Map<string, CompoundParts>();
  let items: Record<string, unknown>[];
  if (scope.streetId) {
    const { Item, ConsumedCapacity } = await db().send(new GetCommand({ TableName: table(), Key: streetKey(scope.streetId), ...(consumed ? { ReturnConsumedCapacity: 'TOTAL' as const } : {}) }));
    if (consumed) consumed.units += ConsumedCapacity?.CapacityUnits ?? 0;
    items = Item ? [Item] : [];
  } else {
    items = await queryAll(
      {
        TableName: table(),
        KeyConditionExpression: 'pk = :pk',
        ...(scope.districtId ? { FilterExpression: 'districtId = :d' } : {}),
        ExpressionAttributeValues: scope.districtId ? { ':pk': STREETS_PARTITION, ':d': scope.districtId } : { ':pk': STREETS_PARTITION },
      },
      consumed,
    );
  }
  for (const item of items) {
    if ((scope.streetId && item.streetId !== scope.streetId) || (scope.districtId && item.districtId !== scope.districtId)) continue;
    partsOf(item, out);
  }
  return [...out.values()].filter((c) => c.located);
}
