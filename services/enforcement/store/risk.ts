import { BatchGetCommand, GetCommand, UpdateCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { CompoundLocation } from '../../../libs/auth';
import type { BusEvent } from '../../../events/envelope';
import { db, isConditionFailed, stripKeys } from '../../../libs/db';
import { updateWithEvents } from '../../../libs/outbox';
import type { RiskInputs } from '../domain/risk';
import { riskKey, table } from './table';

export interface RiskProfile extends RiskInputs, Partial<CompoundLocation> {
  compoundId: string;
}

export async function getRisk(compoundId: string): Promise<RiskProfile> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: riskKey(compoundId) }));
  const stored = stripKeys<Partial<RiskProfile>>(Item) ?? {};
  return { compoundId, openHazards: 0, previousFindings: 0, openReferrals: 0, ...stored };
}

/** The risk inputs of many compounds in batch reads of 100 (a planning page reads its compounds' in two requests, not two hundred). */
export async function getRisks(compoundIds: readonly string[]): Promise<Map<string, RiskProfile>> {
  const found = new Map<string, RiskProfile>();
  for (let i = 0; i < compoundIds.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = compoundIds.slice(i, i + 100).map(riskKey);
    for (let attempt = 0; keys?.length; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept keys unprocessed');
      const result: BatchGetCommandOutput = await db().send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys } } }));
      for (const item of result.Responses?.[table()] ?? []) found.set(item.compoundId as string, stripKeys<RiskProfile>(item)!);
      keys = result.UnprocessedKeys?.[table()]?.Keys;
      if (keys?.length) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
  return new Map(compoundIds.map((c) => [c, { compoundId: c, openHazards: 0, previousFindings: 0, openReferrals: 0, ...found.get(c) }]));
}

/** The year the compound was built (from the bureau or the street office), with its event. */
export async function setBuiltYear(compoundId: string, builtYear: number, events: readonly BusEvent[]): Promise<void> {
  await updateWithEvents(table(), riskKey(compoundId), { set: ['compoundId = :c', 'builtYear = :y'], values: { ':c': compoundId, ':y': builtYear } }, events);
}

/**
 * Counters the statistics consumer keeps from the service's events (each event applied once). They
 * may pass through a negative value when a rectification overtakes its confirmation on the bus;
 * the score counts them as zero until both have arrived.
 */
export async function adjustRisk(compoundId: string, deltas: Partial<Record<'openHazards' | 'previousFindings' | 'openReferrals', number>>, sweptAt?: string): Promise<void> {
  const entries = Object.entries(deltas).filter(([, n]) => n);
  if (entries.length) {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: riskKey(compoundId),
        UpdateExpression: `SET compoundId = :c ADD ${entries.map((_, i) => `#d${i} :d${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#d${i}`, name])),
        ExpressionAttributeValues: { ':c': compoundId, ...Object.fromEntries(entries.map(([, n], i) => [`:d${i}`, n])) },
      }),
    );
  }
  if (sweptAt) {
    try {
      await db().send(
        new UpdateCommand({
          TableName: table(),
          Key: riskKey(compoundId),
          UpdateExpression: 'SET compoundId = :c, lastSweptAt = :at',
          ConditionExpression: 'attribute_not_exists(lastSweptAt) OR lastSweptAt < :at',
          ExpressionAttributeValues: { ':c': compoundId, ':at': sweptAt },
        }),
      );
    } catch (error) {
      // A later sweep got there first.
      if (!isConditionFailed(error)) throw error;
    }
  }
}
