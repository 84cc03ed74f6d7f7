import { httpApi, implement } from '../../libs/http/api';
import { invalid, notFound } from '../../libs/errors';
import * as store from './store';
import { routes } from './topology';

const compoundAudit = implement(routes.compoundAudit, async ({ params, query }) => {
  if (query.from && query.to && query.from > query.to) throw invalid('from is after to', [{ field: 'query.from', reason: 'after query.to' }]);
  const page = await store.page(params.compoundId, query, query.limit, query.cursor);
  return { body: query.service ? { ...page, items: page.items.filter((r) => r.service === query.service) } : page };
});

const correlation = implement(routes.correlation, async ({ params }) => {
  const items = await store.correlated(params.compoundId, params.correlationId);
  if (items.length === 0) throw notFound(`nothing recorded under ${params.correlationId}`);
  return { body: { items } };
});

export const handler = httpApi({
  service: 'audit',
  locate: (compoundId) => store.registry.locateCompound(compoundId),
  implementations: [compoundAudit, correlation],
});
