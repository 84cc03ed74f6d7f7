import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { db, stripKeys } from '../../../libs/db';
import { queryPage } from '../../../libs/http/pagination';
import { insertWithEvents, updateWithEvents } from '../../../libs/outbox';
import { table } from './table';

/**
 * Open311 api keys, issued by the bureau to an organisation (a hotline, an app, a WeChat mini
 * program) for some compounds or areas. The key is `<keyId>.<secret>`; only the SHA-256 of the secret
 * is stored, so the table never holds a usable key.
 */
export interface ApiKey {
  keyId: string;
  organisation: string;
  secretHash: string;
  compounds: string[];
  areas: { districtId?: string; streetId?: string }[];
  issuedAt: string;
  issuedBy: string;
  revoked?: { at: string; by: string; reason: string };
}

const key = (keyId: string) => ({ pk: `APIKEY#${keyId}`, sk: 'KEY' });

export const insertKey = (k: ApiKey, event: BusEvent) => insertWithEvents(table(), { ...key(k.keyId), ...k, gsi1pk: 'APIKEYS', gsi1sk: `${k.issuedAt}#${k.keyId}` }, [event]);

export async function getKey(keyId: string): Promise<ApiKey | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: key(keyId), ConsistentRead: true }));
  return stripKeys<ApiKey>(Item);
}

export const revokeKey = (keyId: string, revoked: NonNullable<ApiKey['revoked']>, event: BusEvent) =>
  updateWithEvents(table(), key(keyId), { set: ['revoked = :revoked'], condition: 'attribute_exists(pk) AND attribute_not_exists(revoked)', values: { ':revoked': revoked } }, [event]);

export const pageKeys = (limit: number, cursor?: string) =>
  queryPage({ TableName: table(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': 'APIKEYS' }, ScanIndexForward: false }, limit, cursor, (i) => {
    const { secretHash: _h, ...rest } = stripKeys<ApiKey>(i)!;
    return rest;
  });
