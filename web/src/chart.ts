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

const COLOURS = ['#1d4e89', '#d1495b', '#2e8540', '#8a5a00'];

export function BarChart({ title, rows, series, format = String }: { title: string; rows: string[]; series: Series[]; format?: (n: number) => string }) {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const bar = 14;
  const gap = 10;
  const labelWidth = 110;
  const width = 360;
  const plot = width - labelWidth - 60;
  const rowHeight = series.length * bar + gap;
  const height = rows.length * rowHeight + 28;
  return html`<figure class="chart" data-chart=${title}>
    <figcaption>${title}</figcaption>
    <svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label=${title}>
      ${rows.map(
        (row, r) => html`<g transform="translate(0 ${r * rowHeight})">
          <text x=${labelWidth - 6} y=${(series.length * bar) / 2 + 4} text-anchor="end" class="axis">${row}</text>
          ${series.map((s, i) => {
            const v = s.values[r] ?? 0;
            const w = Math.max(v > 0 ? 2 : 0, (v / max) * plot);
            return html`<g><rect class="bar" x=${labelWidth} y=${i * bar} width=${w} height=${bar - 2} fill=${COLOURS[i % COLOURS.length]}><title>${s.label}: ${format(v)}</title></rect>
              <text x=${labelWidth + w + 4} y=${i * bar + bar - 4} class="value">${format(v)}</text></g>`;
          })}
        </g>`,
      )}
      <g transform="translate(${labelWidth} ${rows.length * rowHeight + 8})">
        ${series.map((s, i) => html`<g transform="translate(${i * 90} 0)"><rect width="10" height="10" fill=${COLOURS[i % COLOURS.length]} /><text x="14" y="9" class="legend">${s.label}</text></g>`)}
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
