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
