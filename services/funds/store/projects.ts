import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { clock } from '../../../libs/clock';
import { db, isConditionFailed, stripKeys, type Key } from '../../../libs/db';
import { queryPage } from '../../../libs/http/pagination';
import { insertWithEvents, updateWithEvents } from '../../../libs/outbox';
import type { Fund } from '../domain/ledger';
import { table } from './table';

/**
 * A project is what owners (or a confirmed emergency) approved: an amount from a fund. It keeps only
 * what must be decided together, the approved amount against the amount committed to expenses; each
 * expense is its own item (store/expenses.ts). A submission adds to `committedFen` and a rejection
 * takes its amount back, each with one conditional update that needs no read (`committedFen <= limit`),
 * so parallel submissions do not contend.
 *
 * Such an update is made idempotent by a mark named after the operation (`submit:<expense>`,
 * `release:<expense>`), written in the same update: repeating the operation finds the mark and
 * changes nothing. A mark is `pending` until the expense item shows the operation's outcome, then
 * `done`; done marks are dropped after MARK_KEEP_MS, longer than any request or worker runs, so no
 * one still acting on a stale read can repeat the operation once its mark is gone.
 */
export interface Project {
  compoundId: string;
  projectId: string;
  fund: Fund;
  title: string;
  approvedFen: number;
  basis: 'resolution' | 'emergency';
  basisRef: string;
  status: 'awaiting_confirmation' | 'authorized';
  emergency?: { category: string; description: string; reportedBy: string; confirmedBy?: string; confirmedAt?: string };
  /** Sum of the amounts of expenses not rejected: what remains is approvedFen − committedFen. */
  committedFen: number;
  createdAt: string;
  /** Ties the project's events to what caused it (the vote), for the audit trail. */
  correlationId: string;
  /** Set once the reservation entry is in the ledger. */
  reservationSeq?: number;
}

type Mark = { state: 'pending' | 'done'; at: string };
export const MARK_KEEP_MS = 15 * 60_000;

const projectKey = (compoundId: string, projectId: string): Key => ({ pk: `COMPOUND#${compoundId}`, sk: `PROJECT#${projectId}` });

const publicProject = (item: Record<string, unknown>): Project => {
  const { marks: _m, ...rest } = stripKeys<Record<string, unknown>>(item)!;
  return rest as unknown as Project;
};

export async function createProject(project: Project, events: BusEvent[]): Promise<boolean> {
  return insertWithEvents(table(), { ...projectKey(project.compoundId, project.projectId), ...project, marks: {} }, events);
}

export async function getProject(compoundId: string, projectId: string): Promise<(Project & { marks: Record<string, Mark> }) | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: projectKey(compoundId, projectId), ConsistentRead: true }));
  return Item ? { ...publicProject(Item), marks: (Item.marks as Record<string, Mark> | undefined) ?? {} } : undefined;
}

export function pageProjects(compoundId: string, limit: number, cursor?: string) {
  return queryPage(
    { TableName: table(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': `COMPOUND#${compoundId}`, ':prefix': 'PROJECT#' } },
    limit,
    cursor,
    publicProject,
  );
}

/** An emergency confirmed: authorized, with its reservation, once (only from awaiting_confirmation). */
export async function confirmEmergency(compoundId: string, projectId: string, changes: { confirmedBy: string; confirmedAt: string; reservationSeq: number }, events: BusEvent[]): Promise<boolean> {
  return updateWithEvents(
    table(),
    projectKey(compoundId, projectId),
    {
      set: ['#status = :authorized', 'reservationSeq = :seq', 'emergency.confirmedBy = :by', 'emergency.confirmedAt = :at'],
      condition: '#status = :waiting',
      names: { '#status': 'status' },
      values: { ':authorized': 'authorized', ':waiting': 'awaiting_confirmation', ':seq': changes.reservationSeq, ':by': changes.confirmedBy, ':at': changes.confirmedAt },
    },
    events,
  );
}

export type CommitOutcome = 'applied' | 'already' | 'over_approval' | 'not_authorized' | 'unknown';

/**
 * Add `deltaFen` to the committed amount as operation `op`, once: only while authorized and, for an
 * increase, only while it stays within the approval.
 */
export async function commit(compoundId: string, projectId: string, op: string, deltaFen: number, approvedFen: number, known?: Record<string, Mark>): Promise<CommitOutcome> {
  const now = clock.now().getTime();
  const prune = Object.entries(known ?? {})
    .filter(([name, m]) => name !== op && m.state === 'done' && Date.parse(m.at) < now - MARK_KEEP_MS)
    .slice(0, 20)
    .map(([name]) => name);
  const names: Record<string, string> = { '#status': 'status', '#op': op };
  prune.forEach((name, i) => (names[`#old${i}`] = name));
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: projectKey(compoundId, projectId),
        UpdateExpression: `SET committedFen = committedFen + :delta, marks.#op = :mark${prune.length ? ` REMOVE ${prune.map((_, i) => `marks.#old${i}`).join(', ')}` : ''}`,
        ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(marks.#op) AND #status = :authorized${deltaFen > 0 ? ' AND committedFen <= :limit' : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ':delta': deltaFen,
          ':mark': { state: 'pending', at: clock.nowIso() },
          ':authorized': 'authorized',
          ...(deltaFen > 0 ? { ':limit': approvedFen - deltaFen } : {}),
        },
      }),
    );
    return 'applied';
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const project = await getProject(compoundId, projectId);
  if (!project) return 'unknown';
  if (project.marks[op]) return 'already';
  if (project.status !== 'authorized') return 'not_authorized';
  return 'over_approval';
}

/** Has operation `op` been applied to the committed amount (and not yet forgotten)? */
export async function committed(compoundId: string, projectId: string, op: string): Promise<boolean> {
  return Boolean((await getProject(compoundId, projectId))?.marks[op]);
}

/** The expense now shows the operation's outcome: its mark may be dropped later. */
export async function markDone(compoundId: string, projectId: string, op: string): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: projectKey(compoundId, projectId),
        UpdateExpression: 'SET marks.#op = :done',
        ConditionExpression: 'attribute_exists(marks.#op)',
        ExpressionAttributeNames: { '#op': op },
        ExpressionAttributeValues: { ':done': { state: 'done', at: clock.nowIso() } },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}
