import { DepartmentAdded, DepartmentRemitChanged } from '../../../events/catalogue';
import { clock } from '../../../libs/clock';
import { forbidden, notFound, ruleBroken } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { PROCURATORATE } from '../domain/departments';
import * as store from '../store/departments';
import { pageDepartmentFindings } from '../store/findings';
import { routes } from '../topology';

const noRepeats = (list: readonly string[], field: string) => {
  const repeated = list.filter((x, i) => list.indexOf(x) !== i);
  if (repeated.length) throw ruleBroken('a category appears twice', [{ field, reason: `repeated: ${repeated.join(', ')}` }]);
};

export const listDepartments = implement(routes.listDepartments, async ({ query }) => ({ body: await store.listDepartments(query.limit, query.cursor) }));

export const getDepartment = implement(routes.getDepartment, async ({ params }) => {
  const department = await store.getDepartment(params.departmentId);
  if (!department) throw notFound(`no department ${params.departmentId}`);
  return { body: department };
});

export const addDepartment = implement(routes.addDepartment, async ({ body, principal }) => {
  noRepeats(body.categories, 'body.categories');
  const now = clock.nowIso();
  const department: store.StoredDepartment = {
    departmentId: body.departmentId,
    name: body.name,
    categories: body.categories,
    builtIn: false,
    version: 1,
    updatedAt: now,
    updatedBy: principal.subject,
  };
  await store.addDepartment(department, [
    DepartmentAdded.create({ departmentId: body.departmentId, name: body.name, categories: body.categories }, { compoundId: null, actor: principal.subject, occurredAt: now }),
  ]);
  return { status: 201, body: department };
});

export const setRemit = implement(routes.setRemit, async ({ params, body, principal }) => {
  noRepeats(body.categories, 'body.categories');
  const current = await store.getDepartment(params.departmentId);
  if (!current) throw notFound(`no department ${params.departmentId}`);
  if (params.departmentId === PROCURATORATE && body.categories.length === 0) {
    // The ladder sends public-interest matters to it; it keeps a remit (it may be narrowed).
    throw ruleBroken('the procuratorate keeps a remit: the escalation ladder depends on it', [{ field: 'body.categories', reason: 'empty' }]);
  }
  const now = clock.nowIso();
  const event = DepartmentRemitChanged.create(
    { departmentId: current.departmentId, categories: body.categories, previous: current.categories },
    { compoundId: null, actor: principal.subject, occurredAt: now },
  );
  return { body: await store.setRemit(current, body.categories, principal.subject, now, [event]) };
});

export const departmentFindings = implement(routes.departmentFindings, async ({ params, query, principal }) => {
  const own = principal.grants.some((g) => g.role === 'department' && g.scope === params.departmentId);
  if (!own && !principal.can(['bureau'])) throw forbidden(`only ${params.departmentId} and the bureau see its work list`);
  return { body: await pageDepartmentFindings(params.departmentId, query.status, query.limit, query.cursor) };
});
