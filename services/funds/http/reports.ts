import { officialScope } from '../../../libs/auth';
import { clock } from '../../../libs/clock';
import { implement } from '../../../libs/http/api';
import { fundsByQuarter, fundsReport } from '../operations/reports';
import { routes } from '../topology';

export const reportRoutes = [
  implement(routes.fundsReport, async ({ query, principal }) => ({ body: { ...(await fundsReport(officialScope(principal, query))), asOf: clock.nowIso() } })),
  implement(routes.fundsByQuarter, async ({ query, principal }) => {
    const { from, to, ...area } = query;
    return { body: { ...(await fundsByQuarter(officialScope(principal, area), { from, to })), asOf: clock.nowIso() } };
  }),
];
