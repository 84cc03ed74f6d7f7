import { api } from '../api';
import { LineChart } from '../chart';
import { download, toCsv } from '../csv';
import { html } from '../html';
import { t } from '../i18n';
import { lastMonths } from '../months';
import type { Grant } from '../session';
import { Async, useAsync } from '../ui';

/** One month of the official's whole area (the city, their district or their street). */
interface Month {
  month: string;
  accepted: number;
  mediated: number;
  swept: number;
  rectified: number;
}

const COLUMNS = ['accepted', 'mediated', 'swept', 'rectified'] as const;

/** The area's query for each report: the city for the bureau, else the office's own district or street. */
function areaQueries(grant: Grant): { disputes: string; enforcement: string } {
  if (grant.role === 'district') return { disputes: `districtId=${grant.scope}`, enforcement: `level=district&districtId=${grant.scope}` };
  if (grant.role === 'street') return { disputes: `streetId=${grant.scope}`, enforcement: `level=street&streetId=${grant.scope}` };
  return { disputes: '', enforcement: 'level=city' };
}

/**
 * The months come from the server's clock (the report's asOf), not the device's: a phone set to
 * the wrong date still shows the city's last twelve months. Both reports take a month as their
 * period (two reads per month, each a handful of counter rows). The funds report has no period yet:
 * it gives the current figures only (the table above), so funds are not drawn over time.
 */
async function loadMonths(grant: Grant): Promise<Month[]> {
  const q = areaQueries(grant);
  const sep = q.disputes ? '&' : '';
  const anchor = await api('GET', `/reports/disputes?${q.disputes}`);
  return Promise.all(
    lastMonths(anchor.asOf).map(async (month) => {
      const [disputes, enforcement] = await Promise.all([api('GET', `/reports/disputes?${q.disputes}${sep}period=${month}`), api('GET', `/enforcement/statistics?${q.enforcement}&period=${month}`)]);
      return {
        month,
        accepted: disputes.figures?.accepted ?? 0,
        mediated: disputes.figures?.mediatedSuccessfully ?? 0,
        swept: enforcement.compoundsSwept ?? 0,
        rectified: enforcement.measures?.hazardsRectified?.total ?? 0,
      };
    }),
  );
}

export function Trends({ grant }: { grant: Grant }) {
  const months = useAsync(() => loadMonths(grant), [grant.role, grant.scope]);
  const csv = (data: Month[]) =>
    download(
      `gongzhi-months-${grant.scope ?? 'city'}-${data[data.length - 1]?.month ?? ''}.csv`,
      toCsv(
        ['month', ...COLUMNS],
        data.map((m) => [m.month, ...COLUMNS.map((c) => m[c])]),
      ),
    );
  return html`<section class="card" aria-labelledby="trends-h" data-trends>
    <h2 id="trends-h">${t('overTime')}</h2>
    <p class="muted small">${t('overTimeHint')}</p>
    ${months.data ? html`<div class="toolbar"><button type="button" onClick=${() => csv(months.data!)}>${t('downloadCsvMonths')}</button></div>` : null}
    <${Async} state=${months}>${(data: Month[]) => {
      const columns = data.map((m) => m.month);
      return html`<div class="charts">
          <${LineChart} title=${t('chart_disputesMonthly')} columns=${columns} series=${[
            { label: t('accepted'), values: data.map((m) => m.accepted) },
            { label: t('mediated'), values: data.map((m) => m.mediated) },
          ]} />
          <${LineChart} title=${t('chart_enforcementMonthly')} columns=${columns} series=${[
            { label: t('swept'), values: data.map((m) => m.swept) },
            { label: t('rectified'), values: data.map((m) => m.rectified) },
          ]} />
        </div>
        <div class="scroll"><table class="small"><caption class="sr-only">${t('overTime')}</caption>
          <thead><tr><th scope="col">${t('month')}</th>${COLUMNS.map((c) => html`<th scope="col" class="num">${t(c)}</th>`)}</tr></thead>
          <tbody>${data.map((m) => html`<tr data-month=${m.month}><th scope="row">${m.month}</th>${COLUMNS.map((c) => html`<td class="num">${m[c]}</td>`)}</tr>`)}</tbody></table></div>`;
    }}<//>
  </section>`;
}
