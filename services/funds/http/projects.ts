import { forbidden, invalid } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { confirmEmergency, reportEmergency, requireProject } from '../operations/projects';
import { expenseView, payExpense, requireExpense, reviewExpense, submitExpense } from '../operations/expenses';
import * as expenses from '../store/expenses';
import * as projects from '../store/projects';
import { routes } from '../topology';
import { replayHeaders } from './replay';

const projectView = (p: projects.Project) => ({ ...p, remainingFen: p.approvedFen - p.committedFen });

export const projectRoutes = [
  implement(routes.listProjects, async ({ params, query }) => {
    const page = await projects.pageProjects(params.compoundId, query.limit, query.cursor);
    return { body: { ...page, items: page.items.map(projectView) } };
  }),

  implement(routes.getProject, async ({ params }) => {
    const { marks: _m, ...project } = await requireProject(params.compoundId, params.projectId);
    return { body: projectView(project) };
  }),

  implement(routes.listProjectExpenses, async ({ params, query }) => {
    const page = await expenses.pageExpenses(params.compoundId, { projectId: params.projectId }, query.limit, query.cursor);
    return { body: { ...page, items: page.items.map(expenseView) } };
  }),

  implement(routes.getExpense, async ({ params }) => ({ body: expenseView(await requireExpense(params.compoundId, params.projectId, params.expenseId)) })),

  implement(routes.reportEmergency, async ({ params, body, principal }) => ({ status: 201, body: await reportEmergency(params.compoundId, body, principal) })),

  implement(routes.confirmEmergency, async ({ params, principal }) => ({ body: projectView(await confirmEmergency(params.compoundId, params.projectId, principal)) })),

  implement(routes.submitExpense, async ({ params, body, principal, location }) => ({
    status: 201,
    body: await submitExpense(params.compoundId, params.projectId, body, principal, location!),
  })),

  implement(routes.reviewExpense, async ({ params, body, principal, location }) => ({
    status: 201,
    body: await reviewExpense(params.compoundId, params.projectId, params.expenseId, body.decision, body.reason, principal, location!),
  })),

  implement(routes.payExpense, async ({ params, body, principal }) => {
    const { expense, replayed } = await payExpense(params.compoundId, params.projectId, params.expenseId, body.paymentRef, principal);
    return { headers: replayHeaders(replayed), body: expense };
  }),

  implement(routes.listExpenses, async ({ params, query }) => {
    const page = await expenses.pageExpenses(params.compoundId, { status: query.status }, query.limit, query.cursor);
    return { body: { ...page, items: page.items.map(expenseView) } };
  }),

  implement(routes.pendingReviews, async ({ query, principal }) => {
    const grants = principal.grantsFor(['community', 'street']);
    const chosen = query.grant ? grants.find((g) => `${g.role}:${g.scope}` === query.grant) : grants[0];
    if (!chosen) throw forbidden(`you hold no grant ${query.grant}`);
    if (!query.grant && grants.length > 1)
      throw invalid('you review in several places: say which with ?grant=', [{ field: 'query.grant', reason: `one of ${grants.map((g) => `${g.role}:${g.scope}`).join(', ')}` }]);
    const page = await expenses.reviewQueue(chosen.role as 'community' | 'street', chosen.scope, query.limit, query.cursor);
    return { body: { grant: `${chosen.role}:${chosen.scope}`, ...page, items: page.items.map(expenseView) } };
  }),
];
