import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { clock } from '../clock';
import { localRuntimeInstance, staleClaimCondition } from '../config';
import { db, isConditionFailed } from '../db';
import { conflict, invalid, ruleBroken } from '../errors';
import { TTL_ATTRIBUTE, ttlAt } from '../table';

/**
 * `Idempotency-Key` on POST (IETF draft-ietf-httpapi-idempotency-key): the first request with a key
 * claims it with one conditional write; a retry with the same key and body gets the stored response
 * and writes nothing; the same key with another body is refused. Keys are per caller and route, and
 * are remembered for 24 hours. (Powertools' idempotency utility keys on one JMESPath expression and
 * cannot express "caller + header, or nothing when the header is absent", so this is our own.)
 */
const REMEMBER_MS = 24 * 3600_000;
const CLAIM_MS = 60_000;
const KEY_PATTERN = /^[\x21-\x7e]{1,128}$/;

export interface IdempotencyClaim {
  table: string;
  key: { pk: string; sk: string };
}

export type Begin = { claim: IdempotencyClaim } | { replay: APIGatewayProxyStructuredResultV2 };

export function fingerprint(method: string, path: string, body: string): string {
  return createHash('sha256').update(`${method} ${path}\n${body}`).digest('hex');
}

export async function beginIdempotent(table: string, caller: string, routeKey: string, idempotencyKey: string, print: string): Promise<Begin> {
  if (!KEY_PATTERN.test(idempotencyKey)) {
    throw invalid('Idempotency-Key must be 1-128 visible ASCII characters', [{ field: 'header.idempotency-key', reason: 'invalid format' }]);
  }
  const key = { pk: `IDEMPOTENCY#${caller}`, sk: `${routeKey}#${idempotencyKey}` };
  const now = clock.now().getTime();
  const stale = staleClaimCondition();
  try {
    await db().send(
      new PutCommand({
        TableName: table,
        // Deleted by DynamoDB a day after it stops mattering; until then `expiresAt` decides.
        Item: {
          ...key,
          status: 'IN_PROGRESS',
          fingerprint: print,
          expiresAt: now + REMEMBER_MS,
          claimedUntil: now + CLAIM_MS,
          claimedBy: localRuntimeInstance(),
          [TTL_ATTRIBUTE]: ttlAt(now + 2 * REMEMBER_MS),
        },
        ConditionExpression: `attribute_not_exists(pk) OR expiresAt < :now OR (#status = :inProgress AND ${stale.condition})`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':now': now, ':inProgress': 'IN_PROGRESS', ...stale.values },
      }),
    );
    return { claim: { table, key } };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const { Item } = await db().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
  if (!Item) return beginIdempotent(table, caller, routeKey, idempotencyKey, print);
  if (Item.fingerprint !== print) {
    throw ruleBroken('this Idempotency-Key was already used with a different request body');
  }
  if (Item.status !== 'COMPLETE') {
    throw conflict('a request with this Idempotency-Key is still being processed; retry shortly');
  }
  const stored = Item.response as APIGatewayProxyStructuredResultV2;
  return { replay: { ...stored, headers: { ...stored.headers, 'idempotent-replayed': 'true' } } };
}

export async function completeIdempotent(claim: IdempotencyClaim, response: APIGatewayProxyStructuredResultV2): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: claim.table,
      Key: claim.key,
      UpdateExpression: 'SET #status = :complete, #response = :response REMOVE claimedUntil',
      ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
      ExpressionAttributeValues: { ':complete': 'COMPLETE', ':response': response },
    }),
  );
}

/** A failed request gives its key back, so a corrected retry can run. */
export async function releaseIdempotent(claim: IdempotencyClaim): Promise<void> {
  await db().send(new DeleteCommand({ TableName: claim.table, Key: claim.key }));
}
