import { clock } from '../../../libs/clock';
import type { BusEvent } from '../../../events/envelope';
import { conflict } from '../../../libs/errors';
import { queryPage } from '../../../libs/http/pagination';
import { insertWithEvents } from '../../../libs/outbox';
import { compoundKey, table } from './keys';

export async function putGridRole(compoundId: string, role: Record<string, unknown> & { role: string; personId: string; buildingId?: string }, event: BusEvent) {
  const key = { pk: compoundKey(compoundId).pk, sk: `GRID#${role.role}#${role.personId}#${role.buildingId ?? '-'}` };
  if (!(await insertWithEvents(table(), { ...key, ...role, assignedAt: clock.nowIso() }, [event]))) throw conflict(`${role.personId} already holds this role here`);
}

export function listGridRoles(compoundId: string, limit: number, cursor?: string) {
  return queryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': compoundKey(compoundId).pk, ':prefix': 'GRID#' },
    },
    limit,
    cursor,
    ({ role, personId, name, phone, buildingId, assignedAt }) => ({ role, personId, name, phone, buildingId, assignedAt }),
  );
}
