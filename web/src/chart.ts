import { html } from './html';

/**
 * A grouped horizontal bar chart in plain SVG (no chart library: a few dozen lines serve the
 * dashboard, and its text stays selectable and readable by screen readers through the table
 * the dashboard shows beside it).
 */
export interface Series {
  label: string;
  values: number[];
}

const COLOURS = ['#1d4e89', '#c0392b', '#2e7d32', '#8a5a00'];

export function BarChart({ title, rows, series, format = String }: { title: string; rows: string[]; series: Series[]; format?: (n: number) => string }) {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const bar = 14;
  const width = 360;
  // Each row's name on its own line above its bars (long names fit a phone), values after the bars.
  const plot = width - 100;
  const rowHeight = 18 + series.length * bar + 8;
  const height = rows.length * rowHeight + 20;
  return html`<figure class="chart" data-chart=${title}>
    <figcaption>${title}</figcaption>
    <svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label=${title}>
      ${rows.map(
        (row, r) => html`<g transform="translate(0 ${r * rowHeight})">
          <text x="0" y="13" class="axis">${row}</text>
          ${series.map((s, i) => {
            const v = s.values[r] ?? 0;
            const w = Math.max(v > 0 ? 2 : 0, (v / max) * plot);
            return html`<g><rect class="bar" x="0" y=${18 + i * bar} width=${w} height=${bar - 2} fill=${COLOURS[i % COLOURS.length]}><title>${s.label}: ${format(v)}</title></rect>
              <text x=${w + 4} y=${18 + i * bar + bar - 4} class="value">${format(v)}</text></g>`;
          })}
        </g>`,
      )}
      <g transform="translate(0 ${rows.length * rowHeight + 4})">
        ${series.map((s, i) => html`<g transform="translate(${i * 100} 0)"><rect width="10" height="10" fill=${COLOURS[i % COLOURS.length]} /><text x="14" y="9" class="legend">${s.label}</text></g>`)}
      </g>
    </svg>
  </figure>`;
}

/** A horizontal meter (turnout): the percentage as text too. */
export function Meter({ label, percent }: { label: string; percent: number }) {
  const p = Math.max(0, Math.min(100, percent));
  return html`<div class="meter">
    <span class="meter-label">${label}</span>
    <span class="meter-track" role="progressbar" aria-label=${label} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${p.toFixed(2)}><span class="meter-fill" style=${`width:${p}%`}></span></span>
    <span class="meter-value">${p.toFixed(2)}%</span>
  </div>`;
}

/**
 * Lines over time (the dashboard's months): one line per series with a dot per point, the first,
 * middle and last month labelled on the axis (a phone has no room for twelve labels); every value
 * is in the dot's title and in the table the page shows beside the chart.
 */
export function LineChart({ title, columns, series }: { title: string; columns: string[]; series: Series[] }) {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  // Room on the left for the largest value's digits (11px text: ~7px a digit), at least 30.
  const [width, height, left, top, plotH] = [360, 190, Math.max(30, 8 + 7 * String(max).length), 10, 140];
  const plotW = width - left - 10;
  const x = (i: number) => left + (columns.length < 2 ? plotW / 2 : (i * plotW) / (columns.length - 1));
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const ticks = [...new Set([0, Math.floor((columns.length - 1) / 2), columns.length - 1])].filter((i) => i >= 0);
  return html`<figure class="chart" data-chart=${title}>
    <figcaption>${title}</figcaption>
    <svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label=${title}>
      <line x1=${left} y1=${top + plotH} x2=${width - 10} y2=${top + plotH} stroke="#767676" />
      <text x=${left - 4} y=${top + 8} class="axis" text-anchor="end">${max}</text><text x=${left - 4} y=${top + plotH} class="axis" text-anchor="end">0</text>
      ${ticks.map((i) => html`<text x=${x(i)} y=${top + plotH + 14} class="axis" text-anchor=${i === 0 ? 'start' : i === columns.length - 1 ? 'end' : 'middle'}>${columns[i]}</text>`)}
      ${series.map((s, k) => {
        const colour = COLOURS[k % COLOURS.length];
        return html`<g class="line"><polyline fill="none" stroke=${colour} stroke-width="2" points=${s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')} />
          ${s.values.map((v, i) => html`<circle class="point" cx=${x(i)} cy=${y(v)} r="3" fill=${colour} data-value=${v}><title>${columns[i]} ${s.label}: ${v}</title></circle>`)}</g>`;
      })}
      <g transform="translate(${left} ${height - 12})">
        ${series.map((s, i) => html`<g transform="translate(${i * 110} 0)"><rect width="10" height="10" fill=${COLOURS[i % COLOURS.length]} /><text x="14" y="9" class="legend">${s.label}</text></g>`)}
      </g>
    </svg>
  </figure>`;
}
