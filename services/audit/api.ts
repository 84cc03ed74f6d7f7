import { httpApi, implement } from '../../libs/http/api';
import { invalid, notFound } from '../../libs/errors';
import * as store from './store';
import { routes } from './topology';

const compoundAudit = implement(routes.compoundAudit, async ({ params, query }) => {
  if (query.from && query.to && query.from > query.to) throw invalid('from is after to', [{ field: 'query.from', reason: 'after query.to' }]);
  return { body: await store.page(params.compoundId, query, query.limit, query.cursor) };
});

const correlation = implement(routes.correlation, async ({ params, query }) => {
  const page = await store.correlated(params.compoundId, params.correlationId, query.limit, query.cursor);
  // Only the first page can tell that nothing was ever recorded under the id.
  if (page.items.length === 0 && !query.cursor) throw notFound(`nothing recorded under ${params.correlationId}`);
  return { body: page };
});

export const handler = httpApi({
  service: 'audit',
  locate: (compoundId) => store.registry.locateCompound(compoundId),
  implementations: [compoundAudit, correlation],
});
