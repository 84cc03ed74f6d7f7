import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveredEvent } from '../../events/envelope';
import { tableName } from '../../libs/config';
import { db, isConditionFailed, stripKeys } from '../../libs/db';
import { queryPage } from '../../libs/http/pagination';
import { RegistryReadModel } from '../registry/kit/read-model';

/**
 * Audit table layout (pk / sk):
 *   AUDIT#c / <occurredAt>#<event id>   one event that concerned compound c
 *       gsi1: CORR#c#<correlation id> / occurredAt#id   one chain of cause and effect
 *       gsi2: SVC#c#<service> / occurredAt#id           the compound's trail of one service, so a
 *                                                       filtered page is cut after the filter, not before
 *   AUDIT#- / …                         events of no compound (the reserve pool, city-wide records)
 * Keyed by the event's own id and put only where nothing is: a redelivered event finds its record
 * and leaves it as it is, so at-least-once delivery leaves exactly one record, and nothing ever
 * rewrites one (deployed, IAM lets the recorder put and read, never update or delete, a record).
 * Records put before gsi2 existed carry no gsi2 keys: docs/operations.md says how to backfill them.
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
          gsi2pk: serviceKey(compound, item.service),
          gsi2sk: `${metadata.occurredAt}#${metadata.id}`,
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

const serviceKey = (compound: string, service: string) => `SVC#${compound}#${service}`;

/**
 * A page of a compound's trail, newest first; with `service`, of that service's records only. The
 * service is part of the key queried (gsi2), so a page holds up to `limit` matching records and a
 * cursor only when more may follow.
 */
export function page(compoundId: string, filter: { from?: string; to?: string; service?: string }, limit: number, cursor?: string) {
  const range = { ':from': filter.from ?? '0', ':to': `${filter.to ?? '9'}#~` };
  const query = filter.service
    ? { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to', ExpressionAttributeValues: { ':pk': serviceKey(compoundId, filter.service), ...range } }
    : { KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to', ExpressionAttributeValues: { ':pk': `AUDIT#${compoundId}`, ...range } };
  return queryPage({ TableName: table(), ...query, ScanIndexForward: false }, limit, cursor, (i) => stripKeys<AuditRecord>(i)!);
}

/** A page of one chain of cause and effect, oldest first (the order it happened in). */
export function correlated(compoundId: string, correlationId: string, limit: number, cursor?: string) {
  return queryPage(
    {
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `CORR#${compoundId}#${correlationId}` },
    },
    limit,
    cursor,
    (i) => stripKeys<AuditRecord>(i)!,
  );
}
