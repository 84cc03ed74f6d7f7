import { api, yuan } from '../api';
import { LineChart } from '../chart';
import { download, toCsv } from '../csv';
import { html } from '../html';
import { t, type Key } from '../i18n';
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
 * period (two reads per month, each a handful of counter rows). Funds are by quarter, below: their
 * official periodic figures are the quarterly disclosures.
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

/** One quarter of the official's whole area, summed over the compounds that disclosed it (integer fen). */
interface Quarter {
  quarter: string;
  compounds: number;
  collectedFen: number;
  costsFen: number;
  paidFen: number;
  levyChargedFen: number;
  levyPaidFen: number;
  levyOwedFen: number;
  cashFen: number;
}

const QUARTER_COLUMNS = ['collectedFen', 'paidFen', 'costsFen', 'levyChargedFen', 'levyPaidFen', 'levyOwedFen', 'cashFen'] as const;
const QUARTER_HEADINGS: Record<(typeof QUARTER_COLUMNS)[number], Key> = {
  collectedFen: 'collected',
  paidFen: 'paidOut',
  costsFen: 'costs',
  levyChargedFen: 'levyCharged',
  levyPaidFen: 'levyPaid',
  levyOwedFen: 'levyOwedAtEnd',
  cashFen: 'heldAtEnd',
};
/** The CSV's columns, in yuan (the page's headings are translated; the file's are for machines). */
const QUARTER_CSV = ['collected_yuan', 'paid_out_yuan', 'costs_yuan', 'levy_charged_yuan', 'levy_paid_yuan', 'levy_owed_at_end_yuan', 'held_at_end_yuan'];

/** The area's funds report by quarter: the last 8 quarters ended (Beijing time, the server's clock), one read each. */
async function loadQuarters(grant: Grant): Promise<Quarter[]> {
  const area = grant.role === 'district' ? `?districtId=${grant.scope}` : grant.role === 'street' ? `?streetId=${grant.scope}` : '';
  return (await api('GET', `/reports/funds/quarters${area}`)).quarters as Quarter[];
}

/** Whole yuan for the chart's axis and dots (the table and the CSV keep the fen). */
const wholeYuan = (fen: number) => Math.round(fen / 100);

function FundsByQuarter({ grant }: { grant: Grant }) {
  const quarters = useAsync(() => loadQuarters(grant), [grant.role, grant.scope]);
  const csv = (data: Quarter[]) =>
    download(
      `gongzhi-quarters-${grant.scope ?? 'city'}-${data[data.length - 1]?.quarter ?? ''}.csv`,
      toCsv(
        ['quarter', 'compounds_disclosed', ...QUARTER_CSV],
        data.map((q) => [q.quarter, q.compounds, ...QUARTER_COLUMNS.map((c) => (q[c] / 100).toFixed(2))]),
      ),
    );
  return html`<section class="card" aria-labelledby="quarters-h" data-quarters>
    <h2 id="quarters-h">${t('byQuarter')}</h2>
    <p class="muted small">${t('byQuarterHint')}</p>
    ${quarters.data ? html`<div class="toolbar"><button type="button" onClick=${() => csv(quarters.data!)}>${t('downloadCsvQuarters')}</button></div>` : null}
    <${Async} state=${quarters}>${(data: Quarter[]) =>
      html`<div class="charts">
          <${LineChart} title=${t('chart_fundsQuarterly')} columns=${data.map((q) => q.quarter)} series=${[
            { label: t('collected'), values: data.map((q) => wholeYuan(q.collectedFen)) },
            { label: t('paidOut'), values: data.map((q) => wholeYuan(q.paidFen)) },
          ]} />
        </div>
        <div class="scroll" role="region" tabindex="0" aria-label=${t('tableScrolls', t('byQuarter'))}><table class="small"><caption class="sr-only">${t('byQuarter')}</caption>
          <thead><tr><th scope="col">${t('quarter')}</th><th scope="col" class="num">${t('compoundsDisclosed')}</th>${QUARTER_COLUMNS.map((c) => html`<th scope="col" class="num">${t(QUARTER_HEADINGS[c])}</th>`)}</tr></thead>
          <tbody>${data.map((q) => html`<tr data-quarter=${q.quarter}><th scope="row">${q.quarter}</th><td class="num">${q.compounds}</td>${QUARTER_COLUMNS.map((c) => html`<td class="num">${yuan(q[c])}</td>`)}</tr>`)}</tbody></table></div>`}<//>
  </section>`;
}

export function Trends({ grant }: { grant: Grant }) {
  return html`<${Months} grant=${grant} /><${FundsByQuarter} grant=${grant} />`;
}

function Months({ grant }: { grant: Grant }) {
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
        <div class="scroll" role="region" tabindex="0" aria-label=${t('tableScrolls', t('overTime'))}><table class="small"><caption class="sr-only">${t('overTime')}</caption>
          <thead><tr><th scope="col">${t('month')}</th>${COLUMNS.map((c) => html`<th scope="col" class="num">${t(c)}</th>`)}</tr></thead>
          <tbody>${data.map((m) => html`<tr data-month=${m.month}><th scope="row">${m.month}</th>${COLUMNS.map((c) => html`<td class="num">${m[c]}</td>`)}</tr>`)}</tbody></table></div>`;
    }}<//>
  </section>`;
}
