import { useState } from 'preact/hooks';
import { all, api, yuan } from '../api';
import { BarChart } from '../chart';
import { download, toCsv } from '../csv';
import { html } from '../html';
import { t, type Key } from '../i18n';
import type { Grant } from '../session';
import { Async, useAsync } from '../ui';
import { Trends } from './trends';

interface Area {
  level: 'district' | 'street';
  id: string;
  name: string;
  districtId: string;
}

interface Row {
  area: Area;
  formal: number;
  temporary: number;
  partyMajority: number;
  pooled: number;
  serving: number;
  collectedFen: number;
  repairsPaidFen: number;
  accepted: number;
  mediated: number;
  swept: number;
  rectified: number;
}

const COLUMNS: (keyof Omit<Row, 'area'>)[] = ['formal', 'temporary', 'partyMajority', 'pooled', 'serving', 'collectedFen', 'repairsPaidFen', 'accepted', 'mediated', 'swept', 'rectified'];
/** Column headings on the page (the CSV keeps the codes above, for machines). */
const HEADINGS: Record<(typeof COLUMNS)[number], Key> = {
  formal: 'formal',
  temporary: 'temporary',
  partyMajority: 'partyMajority',
  pooled: 'poolTotal',
  serving: 'poolServing',
  collectedFen: 'collected',
  repairsPaidFen: 'repairsPaid',
  accepted: 'accepted',
  mediated: 'mediated',
  swept: 'swept',
  rectified: 'rectified',
};

/** The areas the official oversees at the chosen level: a bureau the whole city, a district its streets, a street itself. */
async function areasOf(grant: Grant, level: Area['level']): Promise<Area[]> {
  const districts = grant.role === 'bureau' ? await all<any>('/districts') : grant.role === 'district' ? [{ districtId: grant.scope, name: grant.scope }] : [];
  if (grant.role === 'street') return [{ level: 'street', id: grant.scope!, name: grant.scope!, districtId: '' }];
  if (level === 'district') return districts.map((d) => ({ level, id: d.districtId, name: d.name ?? d.districtId, districtId: d.districtId }));
  const streets = await Promise.all(districts.map((d) => all<any>(`/districts/${d.districtId}/streets`)));
  return streets.flat().map((s) => ({ level, id: s.streetId, name: s.name ?? s.streetId, districtId: s.districtId }));
}

/** One row per area, from the reports the services publish (scoped by the API to the caller's area). */
async function load(grant: Grant, level: Area['level']): Promise<Row[]> {
  const areas = await areasOf(grant, level);
  const [committees, pool] = await Promise.all([api('GET', '/reports/committees'), api('GET', '/pool/counts').catch(() => ({ streets: [] }))]);
  return Promise.all(
    areas.map(async (area) => {
      const q = area.level === 'district' ? `districtId=${area.id}` : `streetId=${area.id}`;
      const [funds, disputes, enforcement] = await Promise.all([
        api('GET', `/reports/funds?${q}`),
        api('GET', `/reports/disputes?${q}`),
        api('GET', `/enforcement/statistics?level=${area.level}&${q}`),
      ]);
      const inArea = (c: any) => (area.level === 'district' ? c.districtId === area.id : c.streetId === area.id);
      const compounds = (committees.byCompound ?? []).filter(inArea);
      const streets = (pool.streets ?? []).filter((s: any) => (area.level === 'district' ? s.districtId === area.id : s.streetId === area.id));
      const sum = (xs: any[], f: (x: any) => number) => xs.reduce((n, x) => n + (f(x) || 0), 0);
      return {
        area,
        formal: compounds.filter((c: any) => c.kind === 'committee').length,
        temporary: compounds.filter((c: any) => c.kind === 'temporary_committee').length,
        partyMajority: compounds.filter((c: any) => c.partyMajority).length,
        pooled: sum(streets, (s) => s.total),
        serving: sum(streets, (s) => s.serving),
        collectedFen: sum(Object.values(funds.funds ?? {}), (f: any) => f.collectedFen),
        repairsPaidFen: funds.repairsPaidFen ?? 0,
        accepted: disputes.figures?.accepted ?? 0,
        mediated: disputes.figures?.mediatedSuccessfully ?? 0,
        swept: enforcement.compoundsSwept ?? 0,
        rectified: enforcement.measures?.hazardsRectified?.total ?? 0,
      };
    }),
  );
}

export function Dashboard({ grant }: { grant: Grant }) {
  const [level, setLevel] = useState<Area['level']>(grant.role === 'bureau' ? 'district' : 'street');
  const rows = useAsync(() => load(grant, level), [grant.role, grant.scope, level]);
  const csv = (data: Row[]) =>
    download(
      `gongzhi-${level}-${new Date().toISOString().slice(0, 10)}.csv`,
      toCsv(
        // Money goes out in yuan with two decimals (what a spreadsheet user reads), so its columns say so.
        [level, 'name', ...COLUMNS.map((c) => c.replace(/Fen$/, 'Yuan'))],
        data.map((r) => [r.area.id, r.area.name, ...COLUMNS.map((c) => (c.endsWith('Fen') ? (r[c] / 100).toFixed(2) : r[c]))]),
      ),
    );
  return html`<section class="card" aria-labelledby="dash-h">
    <h1 id="dash-h">${t('dashboard')}</h1>
    <div class="toolbar">
      ${
        grant.role === 'street'
          ? null
          : html`<label for="d-level">${t('level')}</label>
          <select id="d-level" value=${level} onChange=${(e: any) => setLevel(e.currentTarget.value)}>
            ${grant.role === 'bureau' ? html`<option value="district">${t('byDistrict')}</option>` : null}<option value="street">${t('byStreet')}</option></select>`
      }
      ${rows.data ? html`<button type="button" onClick=${() => csv(rows.data!)}>${t('downloadCsv')}</button>` : null}
    </div>
    <${Async} state=${rows}>${(data: Row[]) => {
      const names = data.map((r) => r.area.name);
      return html`<div class="charts">
        <${BarChart} title=${t('chart_committees')} rows=${names} series=${[{ label: t('formal'), values: data.map((r) => r.formal) }, { label: t('temporary'), values: data.map((r) => r.temporary) }, { label: t('partyMajority'), values: data.map((r) => r.partyMajority) }]} />
        <${BarChart} title=${t('chart_pool')} rows=${names} series=${[{ label: t('poolTotal'), values: data.map((r) => r.pooled) }, { label: t('poolServing'), values: data.map((r) => r.serving) }]} />
        <${BarChart} title=${t('chart_funds')} rows=${names} format=${(n: number) => yuan(n)} series=${[{ label: t('collected'), values: data.map((r) => r.collectedFen) }, { label: t('repairsPaid'), values: data.map((r) => r.repairsPaidFen) }]} />
        <${BarChart} title=${t('chart_disputes')} rows=${names} series=${[{ label: t('accepted'), values: data.map((r) => r.accepted) }, { label: t('mediated'), values: data.map((r) => r.mediated) }]} />
        <${BarChart} title=${t('chart_enforcement')} rows=${names} series=${[{ label: t('swept'), values: data.map((r) => r.swept) }, { label: t('rectified'), values: data.map((r) => r.rectified) }]} />
      </div>
      <div class="scroll" role="region" tabindex="0" aria-label=${t('tableScrolls', t('dashboard'))}><table class="small"><caption class="sr-only">${t('dashboard')}</caption>
        <thead><tr><th scope="col">${level === 'district' ? t('byDistrict') : t('byStreet')}</th>${COLUMNS.map((c) => html`<th scope="col" class="num">${t(HEADINGS[c])}</th>`)}</tr></thead>
        <tbody>${data.map((r) => html`<tr><th scope="row">${r.area.name}</th>${COLUMNS.map((c) => html`<td class="num">${c.endsWith('Fen') ? yuan(r[c]) : r[c]}</td>`)}</tr>`)}</tbody></table></div>`;
    }}<//>
  </section>
  <${Trends} grant=${grant} />`;
}
