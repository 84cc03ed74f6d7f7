import { officialScope } from '../../../libs/auth';
import { clock } from '../../../libs/clock';
import { toCsv } from '../../../libs/csv';
import { forbidden, notFound } from '../../../libs/errors';
import { implement } from '../../../libs/http/api';
import type { Key } from '../../../libs/db';
import { locate } from '../cases';
import { localMonth } from '../domain/calendar';
import { csvRow, CSV_COLUMNS, figures, parsePeriod, percentChange, previousPeriod, sum, type Counters } from '../domain/statistics';
import { districtOfStreet, partRows, partsPartition, rowKey, rows } from '../store/statistics';
import { recordRoutes as routes } from '../routes/records';

/**
 * The city's figures for a compound, a street, a district or the city over a period, with the
 * area's parts (a street's compounds, a district's streets, the city's districts) and petitions
 * against the period before. It reads the area's monthly rows and its parts' partitions: for a year,
 * at most 24 rows and 12 partitions, whatever the number of cases.
 */
type Area = { level: 'compound' | 'street' | 'district' | 'city'; id: string; own: (month: string) => Key; parts?: (month: string) => string };

const disputesReport = implement(routes.disputesReport, async ({ query, principal }) => {
  let area: Area;
  if (query.compoundId) {
    const location = await locate(query.compoundId);
    if (!location) throw notFound(`compound ${query.compoundId} is not known here`);
    if (!principal.can(['community', 'street', 'district', 'bureau'], location)) throw forbidden(`you do not serve compound ${query.compoundId}`);
    area = { level: 'compound', id: query.compoundId, own: (m) => rowKey('compound', location, m) };
  } else {
    if (!principal.can(['street', 'district', 'bureau'])) throw forbidden('a community reports on its compounds: give compoundId');
    const scope = officialScope(principal, query);
    if (scope.streetId) {
      const districtId = scope.districtId ?? (await districtOfStreet(scope.streetId));
      const streetId = scope.streetId;
      area = { level: 'street', id: streetId, own: (m) => rowKey('street', { compoundId: '', streetId, districtId: districtId ?? '-' }, m), parts: (m) => partsPartition('street', streetId, m) };
    } else if (scope.districtId) {
      const districtId = scope.districtId;
      area = { level: 'district', id: districtId, own: (m) => rowKey('district', { compoundId: '', streetId: '', districtId }, m), parts: (m) => partsPartition('district', districtId, m) };
    } else {
      area = { level: 'city', id: 'city', own: (m) => rowKey('city', { compoundId: '', streetId: '', districtId: '' }, m), parts: (m) => partsPartition('city', 'city', m) };
    }
  }
  const period = parsePeriod(query.period ?? localMonth(clock.nowIso()).slice(0, 4));
  const before = previousPeriod(period);
  const [current, previous] = await Promise.all([rows(period.months.map(area.own)), rows(before.months.map(area.own))]);
  const totals = figures(sum(current));
  const previousPetitions = figures(sum(previous)).petitions;

  const byPart = new Map<string, Counters[]>();
  if (area.parts) {
    const partitions = await Promise.all(period.months.map((m) => partRows(area.parts!(m))));
    for (const partition of partitions) for (const [part, counters] of partition) byPart.set(part, [...(byPart.get(part) ?? []), counters]);
  }
  const parts = [...byPart.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, list]) => {
      const [level, id] = key.split(':') as [string, string];
      return { level, id, figures: figures(sum(list)) };
    });

  if (query.format === 'csv') {
    const lines = [csvRow(area.level, area.id, period.label, totals, previousPetitions), ...parts.map((p) => csvRow(p.level, p.id, period.label, p.figures))];
    return { contentType: 'text/csv; charset=utf-8', body: toCsv(CSV_COLUMNS, lines) };
  }
  return {
    body: {
      level: area.level,
      id: area.id,
      period: period.label,
      months: period.months,
      figures: totals,
      petitions: { current: totals.petitions, previous: previousPetitions, previousPeriod: before.label, changePercent: percentChange(totals.petitions, previousPetitions) ?? null },
      parts,
      asOf: clock.nowIso(),
    },
  };
});

export const reportImplementations = [disputesReport];
