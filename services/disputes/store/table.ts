import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../../libs/config';
import { db, type Key } from '../../../libs/db';
import { RegistryReadModel } from '../../registry/kit/read-model';

/**
 * Disputes table layout (pk / sk), besides the registry read model (services/registry/kit/read-model.ts):
 *   COMPLAINT#q      / CASE                 a complaint and everything that happened to it, written whole
 *                                            (gsi1: CASES#<compound> / <requestedAt>#q; due: DUE#case-clock / <next deadline>#q)
 *   TOKEN#t          / TOKEN                a tracking token → its complaint (claimed before the complaint is written)
 *   REQUESTS#<month> / <requestedAt>#q      the city-wide index by UTC month, with the Open311 fields (kept from events)
 *   INBOX#<handler>  / <requestedAt>#q      a handler's work list (kept from events; handler = street:S, department:fire-rescue…)
 *   COMPOUND#c       / COURTVISIT#<date>#v  a court visit to the compound
 *   COMPOUND#c       / PETITION#<date>#p    a petition about the compound
 *   COMPOUND#c       / PLACE                where the compound is, for Open311 (gsi1: GEO#<geohash5> / c)
 *   APIKEY#k         / KEY                  an Open311 api key: its secret's hash, organisation, scope (gsi1: APIKEYS / <issuedAt>#k)
 *   CALENDAR#<year>  / CALENDAR             public holidays and make-up working days
 *   STATS#<parent>#<month> / <level>:<id>   counters of an area for a local month, in its parent's partition:
 *                                            compound rows under STATS#street:S, streets under STATS#district:D,
 *                                            districts under STATS#city, the city under STATS#top
 *   STREET#s         / DISTRICT             which district a street belongs to (for street reports)
 */
export const table = () => tableName('disputes');
export const registry = new RegistryReadModel(table);

/** BatchGetItem in chunks of 100, retrying what DynamoDB leaves unprocessed; results in no particular order. */
export async function batchGet(keys: readonly Key[], consistent = false): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept keys unprocessed');
      const result = await db().send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: pending, ConsistentRead: consistent } } }));
      out.push(...(result.Responses?.[table()] ?? []));
      pending = (result.UnprocessedKeys?.[table()]?.Keys ?? []) as Record<string, unknown>[];
      if (pending.length) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
  return out;
}
