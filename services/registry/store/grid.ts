import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { clock } from '../../../libs/clock';
import { db, isConditionFailed, type Key } from '../../../libs/db';
import { conflict, notFound } from '../../../libs/errors';
import { queryPage } from '../../../libs/http/pagination';
import { outboxAttributes, publishAfterWrite, updateWithEvents } from '../../../libs/outbox';
import { compoundKey, table } from './keys';

export interface GridRole {
  role: string;
  personId: string;
  name: string;
  phone?: string;
  buildingId?: string;
  assignedAt?: string;
  revokedAt?: string;
}

const gridKey = (compoundId: string, role: { role: string; personId: string; buildingId?: string }): Key => ({
  pk: compoundKey(compoundId).pk,
  sk: `GRID#${role.role}#${role.personId}#${role.buildingId ?? '-'}`,
});

const view = ({ role, personId, name, phone, buildingId, assignedAt, revokedAt }: Record<string, unknown>) => ({ role, personId, name, phone, buildingId, assignedAt, revokedAt }) as GridRole;

/** Assign a role: one conditional put (free, or revoked before), carrying GridRoleAssigned. */
export async function putGridRole(compoundId: string, role: Omit<GridRole, 'assignedAt' | 'revokedAt'>, event: BusEvent): Promise<void> {
  const key = gridKey(compoundId, role);
  try {
    await db().send(
      new PutCommand({
        TableName: table(),
        Item: { ...key, ...role, assignedAt: clock.nowIso(), ...outboxAttributes([event]) },
        ConditionExpression: 'attribute_not_exists(pk) OR attribute_exists(revokedAt)',
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw conflict(`${role.personId} already holds this role here`);
    throw error;
  }
  await publishAfterWrite(table(), key);
}

/**
 * Revoke a role: the record stays (who held what, until when) and is marked, in one conditional write
 * carrying GridRoleRevoked. Revoking a revoked role changes nothing and returns it as it is.
 */
export async function revokeGridRole(compoundId: string, role: { role: string; personId: string; buildingId?: string }, actor: string, event: BusEvent): Promise<GridRole> {
  const key = gridKey(compoundId, role);
  const now = clock.nowIso();
  await updateWithEvents(
    table(),
    key,
    { set: ['revokedAt = :now', 'revokedBy = :actor'], condition: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)', values: { ':now': now, ':actor': actor } },
    [event],
  );
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true }));
  if (!Item) throw notFound(`${role.personId} holds no ${role.role} role here${role.buildingId ? ` for building ${role.buildingId}` : ''}`);
  return view(Item);
}

/** The roles in force (revoked ones are kept but not listed, so a page may come back short). */
export function listGridRoles(compoundId: string, limit: number, cursor?: string) {
  return queryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'attribute_not_exists(revokedAt)',
      ExpressionAttributeValues: { ':pk': compoundKey(compoundId).pk, ':prefix': 'GRID#' },
    },
    limit,
    cursor,
    view,
  );
}
