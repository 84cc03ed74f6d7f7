import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveredEvent } from '../../events/envelope';
import { tableName } from '../../libs/config';
import { db, isConditionFailed, queryAll, stripKeys } from '../../libs/db';
import { queryPage } from '../../libs/http/pagination';
import { RegistryReadModel } from '../registry/kit/read-model';

/**
 * Audit table layout (pk / sk):
 *   AUDIT#c / <occurredAt>#<event id>   one event that concerned compound c (gsi1: CORR#c#<correlation id> / occurredAt#id)
 *   AUDIT#- / …                         events of no compound (the reserve pool, city-wide records)
 * Keyed by the event's own id and put only where nothing is: a redelivered event finds its record
 * and leaves it as it is, so at-least-once delivery leaves exactly one record, and nothing ever
 * rewrites one (deployed, IAM lets the recorder put and read, never update or delete, a record).
 */
export const table = () => tableName('audit');
export const registry = new RegistryReadModel(table);

export interface AuditRecord {
  eventId: string;
  occurredAt: string;
  service: string;
  type: string;
  actor: string;
  correlationId: string;
  compoundId: string | null;
  data: unknown;
}

export async function record(event: DeliveredEvent): Promise<void> {
  const { metadata, data } = event.detail;
  const compound = metadata.compoundId ?? '-';
  const item: AuditRecord = {
    eventId: metadata.id,
    occurredAt: metadata.occurredAt,
    service: event.source.replace(/^gongzhi\./, ''),
    type: event['detail-type'],
    actor: metadata.actor,
    correlationId: metadata.correlationId,
    compoundId: metadata.compoundId,
    data,
  };
  try {
    await db().send(
      new PutCommand({
        TableName: table(),
        Item: {
          pk: `AUDIT#${compound}`,
          sk: `${metadata.occurredAt}#${metadata.id}`,
          gsi1pk: `CORR#${compound}#${metadata.correlationId}`,
          gsi1sk: `${metadata.occurredAt}#${metadata.id}`,
          ...item,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    // Recorded already (a redelivery): the first record stands.
    if (!isConditionFailed(error)) throw error;
  }
}

export function page(compoundId: string, range: { from?: string; to?: string }, limit: number, cursor?: string) {
  return queryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `AUDIT#${compoundId}`, ':from': range.from ?? '0', ':to': `${range.to ?? '9'}#~` },
      ScanIndexForward: false,
    },
    limit,
    cursor,
    (i) => stripKeys<AuditRecord>(i)!,
  );
}

export async function correlated(compoundId: string, correlationId: string): Promise<AuditRecord[]> {
  const items = await queryAll({
    TableName: table(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': `CORR#${compoundId}#${correlationId}` },
  });
  return items.map((i) => stripKeys<AuditRecord>(i)!);
}
