import { notFound } from '../../../libs/errors';
import { toCsv } from '../../../libs/csv';
import { implement } from '../../../libs/http/api';
import { disclosureRows, type FundDisclosure } from '../domain/disclosure';
import * as disclosures from '../store/disclosures';
import { routes } from '../topology';

export const disclosureRoutes = [
  implement(routes.listDisclosures, async ({ params, query }) => ({ body: await disclosures.pageDisclosures(params.compoundId, query.limit, query.cursor) })),

  implement(routes.getDisclosure, async ({ params, query }) => {
    const disclosure = await disclosures.getDisclosure(params.compoundId, params.period);
    if (!disclosure) throw notFound(`no disclosure for ${params.period}`);
    if (query.format === 'csv') return { contentType: 'text/csv; charset=utf-8', body: toCsv(['fund', 'line', 'item', 'yuan', 'detail'], disclosureRows(disclosure.funds as FundDisclosure[])) };
    return { body: disclosure };
  }),
];
