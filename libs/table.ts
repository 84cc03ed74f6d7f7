import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * Every service owns one table of the same shape: a generic pk/sk, two general-purpose indexes (a
 * second view of the same items, e.g. the audit trail by compound and by service), a
 * sparse index over items whose outbox still holds unpublished events, and a sparse index of what
 * falls due when (libs/due.ts). CDK and the local runtime
 * both build tables from this one description.
 */
export const TABLE_KEY = { partitionKey: 'pk', sortKey: 'sk' } as const;

export interface IndexShape {
  name: string;
  partitionKey: string;
  sortKey: string;
}

export const TABLE_INDEXES: readonly IndexShape[] = [
  { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  { name: 'outbox', partitionKey: 'outboxPk', sortKey: 'outboxSince' },
  { name: 'due', partitionKey: 'duePk', sortKey: 'dueSk' },
];

/**
 * The table's TTL attribute (epoch seconds). Only bookkeeping carries it — consumer claims and
 * Idempotency-Key records, whose use ends within days — so DynamoDB deletes them for free once
 * nothing can retry any more. Records of governance (ballots, electorates, journals, the audit
 * trail) never carry it: they are kept for the year an owner may challenge a decision, and longer.
 * dynalite has no TTL; locally these items stay, and the code never relies on their deletion.
 */
export const TTL_ATTRIBUTE = 'ttl';

/** The TTL value for an item that may be deleted after `ms` (epoch milliseconds). */
export const ttlAt = (ms: number): number => Math.ceil(ms / 1000);

export const OUTBOX_INDEX = 'outbox';
export const DUE_INDEX = 'due';
export const GSI1 = 'gsi1';
export const GSI2 = 'gsi2';

export function createTableInput(tableName: string): CreateTableCommandInput {
  const attributeNames = new Set<string>([TABLE_KEY.partitionKey, TABLE_KEY.sortKey]);
  for (const index of TABLE_INDEXES) {
    attributeNames.add(index.partitionKey);
    attributeNames.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributeNames].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: TABLE_KEY.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEY.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE_INDEXES.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}
