import type { BusEvent } from '../../../events/envelope';
import { queryAll, stripKeys } from '../../../libs/db';
import { queryPage } from '../../../libs/http/pagination';
import { insertWithEvents, updateWithEvents } from '../../../libs/outbox';
import { disqualificationKey, personPk, table } from './keys';

export type DisqualificationReason = 'fee_arrears' | 'fund_arrears' | 'unrectified_violation' | 'property_company_relation' | 'benefits_taken';

export interface Disqualification {
  personId: string;
  compoundId: string;
  /** Where the compound of the source is: reads are scoped to the caller's area by these. */
  districtId?: string;
  streetId?: string;
  communityId?: string;
  reason: DisqualificationReason;
  sourceRef: string;
  /** `event`: follows its source (lifted by the rectification/clearance event); `manual`: lifted by an official. */
  origin: 'event' | 'manual';
  active: boolean;
  recordedAt: string;
  recordedBy: string;
  liftedAt?: string;
  liftedBy?: string;
  liftNote?: string;
}

/** Records are keyed by their source, so a redelivered event or a repeated report changes nothing. */
export async function recordDisqualification(d: Disqualification, events: BusEvent[]): Promise<boolean> {
  return insertWithEvents(table(), { ...disqualificationKey(d.personId, d.sourceRef), ...d }, events);
}

/** Lift an active record, with its event in the same write; false if it is not active (or absent). */
export async function liftDisqualification(personId: string, sourceRef: string, lift: { at: string; by: string; note: string }, events: BusEvent[]): Promise<boolean> {
  return updateWithEvents(
    table(),
    disqualificationKey(personId, sourceRef),
    {
      set: ['active = :no', 'liftedAt = :at', 'liftedBy = :by', 'liftNote = :note'],
      condition: 'active = :yes',
      values: { ':no': false, ':yes': true, ':at': lift.at, ':by': lift.by, ':note': lift.note },
    },
    events,
  );
}

export async function disqualifications(personId: string): Promise<Disqualification[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': personPk(personId), ':prefix': 'DISQ#' },
    ConsistentRead: true,
  });
  return items.map((i) => stripKeys<Disqualification>(i)!);
}

export const activeDisqualifications = async (personId: string) => (await disqualifications(personId)).filter((d) => d.active);

/** Who of these people is on the negative list now (one query each; at most a committee's worth). */
export async function disqualifiedAmong(personIds: readonly string[]): Promise<Map<string, Disqualification[]>> {
  const found = new Map<string, Disqualification[]>();
  await Promise.all(
    [...new Set(personIds)].map(async (p) => {
      const active = await activeDisqualifications(p);
      if (active.length) found.set(p, active);
    }),
  );
  return found;
}

export function pageDisqualifications(personId: string, limit: number, cursor?: string) {
  return queryPage(
    { TableName: table(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': personPk(personId), ':prefix': 'DISQ#' } },
    limit,
    cursor,
    (i) => stripKeys<Disqualification>(i)!,
  );
}
