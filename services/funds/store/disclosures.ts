import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { db, stripKeys } from '../../../libs/db';
import { queryPage } from '../../../libs/http/pagination';
import { insertWithEvents } from '../../../libs/outbox';
import { table } from './table';

/** Quarterly disclosures (COMPOUND#c / DISCLOSURE#2027-Q1): written once, never changed. */
export async function putDisclosure(compoundId: string, period: string, disclosure: Record<string, unknown>, event: BusEvent): Promise<boolean> {
  return insertWithEvents(table(), { pk: `COMPOUND#${compoundId}`, sk: `DISCLOSURE#${period}`, ...disclosure }, [event]);
}

export async function getDisclosure(compoundId: string, period: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: { pk: `COMPOUND#${compoundId}`, sk: `DISCLOSURE#${period}` }, ConsistentRead: true }));
  return stripKeys(Item);
}

export function pageDisclosures(compoundId: string, limit: number, cursor?: string) {
  return queryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `COMPOUND#${compoundId}`, ':prefix': 'DISCLOSURE#' },
      ProjectionExpression: 'period, publishedAt',
      ScanIndexForward: false,
    },
    limit,
    cursor,
    (i) => i as { period: string; publishedAt: string },
  );
}
