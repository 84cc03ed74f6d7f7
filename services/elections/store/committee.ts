import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { assignments, db, queryAll, stripKeys } from '../../../libs/db';
import { DUE_ATTRIBUTES, dueAt, dueItems } from '../../../libs/due';
import { updateWithEvents } from '../../../libs/outbox';
import { DEFAULT_COMMITTEE_RULES } from '../domain/committee';
import { addMonths } from '../domain/deadlines';
import type { DisqualificationReason } from './negative-list';
import { committeeKey, personPk, seatKey, table, TERM } from './keys';

export interface CommitteeMember {
  personId: string;
  name?: string;
  role: 'chair' | 'vice_chair' | 'member';
  /** How the member came: elected as an owners' or a pool nominee, or appointed to a temporary committee. */
  source?: 'owners' | 'pool' | 'appointed';
  owner?: boolean;
  since: string;
  /** Set while the member is on the negative list: the city must act (removal is the owners' matter 3). */
  disqualified?: { reason: DisqualificationReason; sourceRef: string; at: string };
}

export interface CommitteeItem {
  compoundId: string;
  kind: 'committee' | 'temporary_committee';
  /** The election that formed it (its vote id), or `T-<date>` for a temporary committee. */
  committeeId: string;
  /** The committee's size: the seats it has, filled or vacant. */
  seats: number;
  members: CommitteeMember[];
  alternates: { personId: string; name?: string }[];
  termStart: string;
  termEnd: string;
  officersDueBy?: string;
  remindedAt?: string;
  endedAt?: string;
  /** Who left with the last change of membership: their seats and pool statuses are released by the follow-ups. */
  released?: string[];
  /** Bumped by every write: the condition of the next one. */
  revision: number;
  /** Ids of the changes applied (event ids), so a redelivered change is not applied twice. */
  applied: string[];
  recordedAt: string;
  recordedBy: string;
}

/** The next term step on the due index: the reminder 3 months before the end, then the end itself. */
export function termDue(c: Pick<CommitteeItem, 'compoundId' | 'termEnd' | 'remindedAt' | 'endedAt'>): { duePk?: string; dueSk?: string } {
  if (c.endedAt) return {};
  const at = c.remindedAt ? c.termEnd : addMonths(c.termEnd, -DEFAULT_COMMITTEE_RULES.reminderMonths);
  return dueAt(TERM, at, c.compoundId);
}

export async function getCommittee(compoundId: string, consistent = false): Promise<CommitteeItem | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: committeeKey(compoundId), ConsistentRead: consistent }));
  return stripKeys<CommitteeItem>(Item);
}

const OPTIONAL: (keyof CommitteeItem)[] = ['officersDueBy', 'remindedAt', 'endedAt', 'released'];

/**
 * Write the whole committee with one conditional update (an update, not a put, so that events still
 * waiting in the item's outbox are kept): `expect` is what must be on record for the write to land.
 * Returns false when it is not (someone changed the committee first).
 */
export async function writeCommittee(
  next: CommitteeItem,
  expect: { absent: true } | { committeeId: string; revision: number } | { replaceable: true; now: string },
  events: BusEvent[],
): Promise<boolean> {
  const fields: Record<string, unknown> = { ...next };
  for (const key of OPTIONAL) if (!(key in fields)) fields[key] = undefined;
  const due = termDue(next);
  const { set, remove, names, values } = assignments({ ...fields, ...due });
  let condition: string;
  const conditionValues: Record<string, unknown> = {};
  const conditionNames: Record<string, string> = {};
  if ('absent' in expect) condition = 'attribute_not_exists(pk)';
  else if ('replaceable' in expect) {
    // No committee, a temporary one, or one out of office: an elected committee in office stays.
    condition = 'attribute_not_exists(pk) OR #ck = :temporary OR termEnd <= :now OR attribute_exists(endedAt)';
    conditionNames['#ck'] = 'kind';
    Object.assign(conditionValues, { ':temporary': 'temporary_committee', ':now': expect.now });
  } else {
    condition = 'committeeId = :expectId AND revision = :expectRevision';
    Object.assign(conditionValues, { ':expectId': expect.committeeId, ':expectRevision': expect.revision });
  }
  return updateWithEvents(
    table(),
    committeeKey(next.compoundId),
    { set, remove: [...remove, ...(due.duePk ? [] : [...DUE_ATTRIBUTES])], condition, names: { ...names, ...conditionNames }, values: { ...values, ...conditionValues } },
    events,
  );
}

/** Committees whose term step (reminder or end) is due. */
export const committeesDueForTerm = (now: string) => dueItems<{ compoundId: string }>(table(), TERM, now, ['compoundId']);

// ---- seats: who sits where (to flag a sitting member the negative list catches) --------------------

export async function putSeat(personId: string, compoundId: string, committeeId: string): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { ...seatKey(personId, compoundId), personId, compoundId, committeeId } }));
}

export async function deleteSeat(personId: string, compoundId: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: table(), Key: seatKey(personId, compoundId) }));
}

export async function seatsOf(personId: string): Promise<{ compoundId: string; committeeId: string }[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': personPk(personId), ':prefix': 'SEAT#' },
    ConsistentRead: true,
  });
  return items.map((i) => ({ compoundId: i.compoundId as string, committeeId: i.committeeId as string }));
}
