import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BusEvent } from '../../../events/envelope';
import { db, queryAll, stripKeys } from '../../../libs/db';
import { conflict } from '../../../libs/errors';
import { queryPage, type Page } from '../../../libs/http/pagination';
import { insertWithEvents, updateWithEvents } from '../../../libs/outbox';
import type { EnforcementCategory } from '../domain/categories';
import { BUILT_IN_DEPARTMENTS, builtInDepartment, type Department } from '../domain/departments';
import { departmentKey, table } from './table';

export interface StoredDepartment extends Department {
  /** 0 for a built-in department whose remit was never changed (it is not stored). */
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

/** A department as it stands: the stored record, or the built-in default. Read on every department action (remits change). */
export async function getDepartment(departmentId: string): Promise<StoredDepartment | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: departmentKey(departmentId), ConsistentRead: true }));
  if (Item) return stripKeys<StoredDepartment>(Item);
  const builtIn = builtInDepartment(departmentId);
  return builtIn ? { ...builtIn, version: 0 } : undefined;
}

/** Stored departments in id order; the first page also carries the built-ins whose remit was never changed. */
export async function listDepartments(limit: number, cursor?: string): Promise<Page<StoredDepartment>> {
  const page = await queryPage({ TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'DEPARTMENTS' } }, limit, cursor, (i) => stripKeys<StoredDepartment>(i)!);
  if (cursor) return page;
  const stored = new Set(page.items.map((d) => d.departmentId));
  // Built-ins changed by the bureau are stored; on a later page they are not repeated here, as the first page cannot know them all.
  const defaults = BUILT_IN_DEPARTMENTS.filter((d) => !stored.has(d.departmentId)).map((d) => ({ ...d, version: 0 }));
  return { items: [...defaults, ...page.items], nextCursor: page.nextCursor };
}

export async function addDepartment(department: StoredDepartment, events: BusEvent[]): Promise<void> {
  if (builtInDepartment(department.departmentId)) throw conflict(`${department.departmentId} is one of the eight built-in departments`);
  if (!(await insertWithEvents(table(), { ...departmentKey(department.departmentId), ...department }, events))) {
    throw conflict(`department ${department.departmentId} exists`);
  }
}

/** Replace a remit, conditional on the version read (a built-in one is stored on its first change). */
export async function setRemit(current: StoredDepartment, categories: EnforcementCategory[], by: string, at: string, events: BusEvent[]): Promise<StoredDepartment> {
  const next: StoredDepartment = { ...current, categories, version: current.version + 1, updatedAt: at, updatedBy: by };
  const written = await updateWithEvents(
    table(),
    departmentKey(current.departmentId),
    {
      set: ['departmentId = :id', '#name = :name', 'categories = :categories', 'builtIn = :builtIn', 'version = :next', 'updatedAt = :at', 'updatedBy = :by'],
      condition: current.version === 0 ? 'attribute_not_exists(pk)' : 'version = :version',
      names: { '#name': 'name' },
      values: {
        ':id': next.departmentId,
        ':name': next.name,
        ':categories': categories,
        ':builtIn': next.builtIn,
        ':next': next.version,
        ':at': at,
        ':by': by,
        ...(current.version === 0 ? {} : { ':version': current.version }),
      },
    },
    events,
  );
  if (!written) throw conflict(`the remit of ${current.departmentId} changed meanwhile; read it again`);
  return next;
}

/** Every department as it stands (the alliance has tens, not thousands). */
export async function allDepartments(): Promise<StoredDepartment[]> {
  const stored = (await queryAll({ TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'DEPARTMENTS' }, ConsistentRead: true })).map(
    (i) => stripKeys<StoredDepartment>(i)!,
  );
  const ids = new Set(stored.map((d) => d.departmentId));
  return [...BUILT_IN_DEPARTMENTS.filter((d) => !ids.has(d.departmentId)).map((d) => ({ ...d, version: 0 })), ...stored];
}
