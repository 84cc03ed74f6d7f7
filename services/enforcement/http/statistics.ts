import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../../../libs/auth';
import { grantCovers } from '../../../libs/auth';
import { clock } from '../../../libs/clock';
import { toCsv } from '../../../libs/csv';
import { db } from '../../../libs/db';
import { forbidden, invalid, notFound } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import { areaPrefix, COMPOUNDS_PARTITION } from '../../registry/kit/keys';
import { figureRows, parsePeriod, summarize, type Level } from '../domain/statistics';
import { localDate } from '../domain/time';
import { readStats } from '../store/stats';
import { registry, table } from '../store/table';
import { routes } from '../topology';

const held = (principal: Principal, role: string) => principal.grants.filter((g) => g.role === role).map((g) => g.scope);

async function streetInDistrict(streetId: string, districtId: string): Promise<boolean> {
  const page = await db().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :p)',
      ExpressionAttributeValues: { ':pk': COMPOUNDS_PARTITION, ':p': areaPrefix({ districtId, streetId }) },
      Limit: 1,
    }),
  );
  return (page.Items ?? []).length > 0;
}

/**
 * Which counters the caller asks for, and whether they may: the bureau and the departments see any
 * level; a district office its district, its streets and compounds; a street office or inspector its
 * street and its compounds.
 */
async function scopeOf(principal: Principal, q: { level: Level; districtId?: string; streetId?: string; compoundId?: string }): Promise<string> {
  const cityWide = principal.can(['bureau', 'department']);
  const districts = held(principal, 'district');
  const streets = [...held(principal, 'street'), ...held(principal, 'inspector')];
  const need = (value: string | undefined, field: string) => {
    if (!value) throw invalid(`level ${q.level} needs ${field}`, [{ field: `query.${field}`, reason: 'required for this level' }]);
    return value;
  };
  switch (q.level) {
    case 'city':
      if (!cityWide) throw forbidden('city figures are for the bureau and the departments');
      return 'city';
    case 'district': {
      const id = need(q.districtId ?? (cityWide ? undefined : districts[0]), 'districtId');
      if (!cityWide && !districts.includes(id)) throw forbidden(`you may see district ${districts[0] ?? '(none)'} only`);
      return id;
    }
    case 'street': {
      const id = need(q.streetId ?? (cityWide ? undefined : streets[0]), 'streetId');
      if (cityWide || streets.includes(id)) return id;
      for (const d of districts) if (await streetInDistrict(id, d)) return id;
      throw forbidden(`street ${id} is outside your area`);
    }
    case 'compound': {
      const id = need(q.compoundId, 'compoundId');
      const compound = await registry.getCompound(id);
      if (!compound) throw notFound(`compound ${id} is not known here`);
      if (!cityWide && !principal.grants.some((g) => ['district', 'street', 'inspector'].includes(g.role) && grantCovers(g, compound))) throw forbidden(`compound ${id} is outside your area`);
      return id;
    }
  }
}

export const statistics = implement(routes.statistics, async ({ query, principal }) => {
  const now = clock.nowIso();
  const period = query.period ?? localDate(now).slice(0, 4);
  const parsed = parsePeriod(period);
  if (!parsed) throw invalid('period is a year, a quarter or a month', [{ field: 'query.period', reason: 'use 2026, 2026-Q2 or 2026-05' }]);
  const scopeId = await scopeOf(principal, query);
  const { months, distinct } = await readStats(query.level, scopeId, parsed.months, period);
  const figures = summarize(months, distinct);
  if (query.format === 'csv') {
    const rows = figureRows(figures).map(([measure, category, value]) => [query.level, scopeId, period, measure, category, value] as const);
    return { contentType: 'text/csv; charset=utf-8', body: toCsv(['level', 'scope', 'period', 'measure', 'category', 'value'], rows) };
  }
  return { body: { level: query.level, scopeId, period, months: parsed.months, ...figures, asOf: now } };
});
