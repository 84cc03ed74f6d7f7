import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { db, stripKeys } from '../../../libs/db';
import { queryPage, type Page } from '../../../libs/http/pagination';
import { insertWithEvents, updateWithEvents } from '../../../libs/outbox';
import type { EnforcementCategory } from '../domain/categories';
import { sweepKey, table } from './table';

export interface ChecklistItem {
  category: EnforcementCategory;
  result: 'pass' | 'fail' | 'not_applicable';
  note?: string;
}

/** One department's part of a sweep: the categories it checks, then its checklist. */
export interface SweepPart {
  categories: EnforcementCategory[];
  status: 'pending' | 'done';
  checklist?: ChecklistItem[];
  findings?: string[];
  recordedAt?: string;
  recordedBy?: string;
}

export interface Sweep {
  campaignId: string;
  compoundId: string;
  districtId: string;
  streetId: string;
  communityId: string;
  plannedFor: string;
  riskScore: number;
  reasons: string[];
  departments: string[];
  parts: Record<string, SweepPart>;
  status: 'planned' | 'completed';
  plannedAt: string;
  completedAt?: string;
  version: number;
}

/** Plan a sweep once: a second plan of the same compound in the same campaign writes nothing. */
export function insertSweep(sweep: Sweep, events: readonly BusEvent[]): Promise<boolean> {
  return insertWithEvents(
    table(),
    { ...sweepKey(sweep.campaignId, sweep.compoundId), ...sweep, gsi1pk: `COMPOUND#${sweep.compoundId}#SWEEPS`, gsi1sk: `${sweep.plannedFor}#${sweep.campaignId}` },
    events,
  );
}

export async function getSweep(campaignId: string, compoundId: string): Promise<Sweep | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: sweepKey(campaignId, compoundId), ConsistentRead: true }));
  return stripKeys<Sweep>(Item);
}

export function pageSweeps(campaignId: string, filter: { department?: string; status?: Sweep['status'] }, limit: number, cursor?: string): Promise<Page<Sweep>> {
  const conditions: string[] = [];
  const values: Record<string, unknown> = { ':pk': `CAMPAIGN#${campaignId}`, ':prefix': 'SWEEP#' };
  const names: Record<string, string> = {};
  if (filter.department) {
    conditions.push('contains(departments, :department)');
    values[':department'] = filter.department;
  }
  if (filter.status) {
    conditions.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = filter.status;
  }
  return queryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: conditions.length ? conditions.join(' AND ') : undefined,
      ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
      ExpressionAttributeValues: values,
    },
    limit,
    cursor,
    (i) => stripKeys<Sweep>(i)!,
  );
}

/** Record a department's part over the version read; the last part also completes the sweep (same write). */
export function recordPart(sweep: Sweep, department: string, part: SweepPart, completedAt: string | undefined, events: readonly BusEvent[]): Promise<boolean> {
  return updateWithEvents(
    table(),
    sweepKey(sweep.campaignId, sweep.compoundId),
    {
      set: ['parts.#department = :part', 'version = :next', ...(completedAt ? ['#status = :completed', 'completedAt = :at'] : [])],
      condition: 'version = :version',
      names: { '#department': department, ...(completedAt ? { '#status': 'status' } : {}) },
      values: { ':part': part, ':next': sweep.version + 1, ':version': sweep.version, ...(completedAt ? { ':completed': 'completed', ':at': completedAt } : {}) },
    },
    events,
  );
}
