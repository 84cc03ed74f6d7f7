import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../../events/zod';
import { tableName } from '../../libs/config';
import { db } from '../../libs/db';
import { unitWorker } from '../../libs/jobs';

/** Counts deliveries per unit in the probe's table; `bad` always fails, `flaky` fails on its first two deliveries, `foreign` reaches for another service's table. */
export const handler = unitWorker('probe', z.object({ id: z.string() }), async (unit, { attempt, remainingMs }) => {
  if (remainingMs() <= 0) throw new Error('no time left');
  if (unit.id === 'foreign') tableName('funds');
  await db().send(new UpdateCommand({ TableName: tableName('probe'), Key: { pk: 'UNIT', sk: unit.id }, UpdateExpression: 'ADD deliveries :one', ExpressionAttributeValues: { ':one': 1 } }));
  if (unit.id === 'bad') throw new Error('bad unit');
  if (unit.id === 'flaky' && attempt < 3) throw new Error('flaky unit');
});
