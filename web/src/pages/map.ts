import { useState } from 'preact/hooks';
import { all, apiMaybe } from '../api';
import { html } from '../html';
import { label, t } from '../i18n';
import type { Grant } from '../session';
import { Async, useAsync } from '../ui';

interface Placed {
  compoundId: string;
  name: string;
  governance: 'committee' | 'temporary_committee' | 'none';
  place?: { lat: number; long: number };
}

/** Colour and shape by governance: the shape tells them apart without colour too. */
const MARKS = {
  committee: { colour: '#1d4e89', shape: 'circle' },
  temporary_committee: { colour: '#8a5a00', shape: 'square' },
  none: { colour: '#a4262c', shape: 'diamond' },
} as const;

/**
 * A street's compounds: the registry lists them, the disputes service holds where each is (the
 * place its Open311 requests are located by; GET …/place, 404 when none is registered). A street
 * has tens of compounds, so one read each, six at a time; a district or the city picks a street.
 */
async function placed(streetId: string): Promise<Placed[]> {
  const compounds = await all<any>(`/compounds?streetId=${encodeURIComponent(streetId)}`);
  const out: Placed[] = [];
  for (let i = 0; i < compounds.length; i += 6) {
    out.push(
      ...(await Promise.all(
        compounds.slice(i, i + 6).map(async (c) => {
          const place = await apiMaybe<any>(`/compounds/${c.compoundId}/place`);
          return { compoundId: c.compoundId, name: c.name, governance: c.governance, place: place && { lat: place.lat, long: place.long } };
        }),
      )),
    );
  }
  return out;
}

async function streetsOf(grant: Grant): Promise<{ streetId: string; name: string }[]> {
  if (grant.role === 'street') return [{ streetId: grant.scope!, name: grant.scope! }];
  const districts = grant.role === 'district' ? [{ districtId: grant.scope! }] : await all<any>('/districts');
  return (await Promise.all(districts.map((d) => all<any>(`/districts/${d.districtId}/streets`)))).flat().map((s) => ({ streetId: s.streetId, name: s.name ?? s.streetId }));
}

/** Equirectangular, x shrunk by cos(latitude): at a street's scale the distortion is nil. No tiles, no network. */
function Scatter({ items }: { items: Placed[] }) {
  const points = items.filter((p) => p.place);
  const [width, height, pad] = [360, 280, 24];
  if (points.length === 0) return html`<p class="muted">${t('mapNoPlaces')}</p>`;
  const lats = points.map((p) => p.place!.lat);
  const longs = points.map((p) => p.place!.long);
  const k = Math.cos((((Math.min(...lats) + Math.max(...lats)) / 2) * Math.PI) / 180);
  const [x0, x1, y0, y1] = [Math.min(...longs) * k, Math.max(...longs) * k, Math.min(...lats), Math.max(...lats)];
  // One scale for both axes (distances stay true); a single compound sits in the middle.
  const span = Math.max(x1 - x0, y1 - y0, 1e-4);
  const scale = Math.min(width - 2 * pad, height - 2 * pad) / span;
  const cx = (long: number) => width / 2 + (long * k - (x0 + x1) / 2) * scale;
  const cy = (lat: number) => height / 2 - (lat - (y0 + y1) / 2) * scale;
  const mark = (p: Placed) => {
    const { colour, shape } = MARKS[p.governance] ?? MARKS.none;
    const [x, y] = [cx(p.place!.long), cy(p.place!.lat)];
    const title = html`<title>${p.name} · ${label(`gov_${p.governance}`)}</title>`;
    if (shape === 'circle') return html`<circle class="compound" data-governance=${p.governance} cx=${x} cy=${y} r="7" fill=${colour}>${title}</circle>`;
    if (shape === 'square') return html`<rect class="compound" data-governance=${p.governance} x=${x - 6} y=${y - 6} width="12" height="12" fill=${colour}>${title}</rect>`;
    return html`<path class="compound" data-governance=${p.governance} d=${`M${x} ${y - 8}L${x + 8} ${y}L${x} ${y + 8}L${x - 8} ${y}Z`} fill=${colour}>${title}</path>`;
  };
  return html`<figure class="chart map">
    <svg viewBox="0 0 ${width} ${height + 20}" width="100%" role="img" aria-label=${t('mapTitle')}>
      <rect width=${width} height=${height} fill="#eef1f5" />
      ${points.map((p) => {
        // Names on the right half are written to the left of their mark, so that they stay inside the picture.
        const x = cx(p.place!.long);
        const left = x > width / 2;
        return html`<g>${mark(p)}<text x=${left ? x - 10 : x + 10} y=${cy(p.place!.lat) + 4} class="axis" text-anchor=${left ? 'end' : 'start'}>${p.name}</text></g>`;
      })}
      <g transform="translate(0 ${height + 6})">
        ${Object.entries(MARKS).map(([g, m], i) => html`<g transform="translate(${i * 120} 0)"><rect width="10" height="10" fill=${m.colour} /><text x="14" y="9" class="legend">${label(`gov_${g}`)}</text></g>`)}
      </g>
    </svg>
  </figure>`;
}

export function CompoundMap({ grant }: { grant: Grant }) {
  const streets = useAsync(() => streetsOf(grant), [grant.role, grant.scope]);
  const [streetId, setStreetId] = useState<string>();
  const chosen = streetId ?? streets.data?.[0]?.streetId;
  const compounds = useAsync(() => (chosen ? placed(chosen) : Promise.resolve([])), [chosen]);
  return html`<section class="card" aria-labelledby="map-h">
    <h1 id="map-h">${t('mapTitle')}</h1>
    <p class="muted small">${t('mapHint')}</p>
    ${
      streets.data && streets.data.length > 1
        ? html`<div class="toolbar"><label for="m-street">${t('byStreet')}</label>
          <select id="m-street" value=${chosen} onChange=${(e: any) => setStreetId(e.currentTarget.value)}>${streets.data.map((s) => html`<option value=${s.streetId}>${s.name}</option>`)}</select></div>`
        : null
    }
    <${Async} state=${compounds}>${(items: Placed[]) => html`
      <${Scatter} items=${items} />
      <div class="scroll" role="region" tabindex="0" aria-label=${t('tableScrolls', t('mapTable'))}><table class="small"><caption>${t('mapTable')}</caption>
        <thead><tr><th scope="col">${t('compound')}</th><th scope="col">${t('governance')}</th><th scope="col" class="num">${t('latitude')}</th><th scope="col" class="num">${t('longitude')}</th></tr></thead>
        <tbody>${items.map(
          (p) => html`<tr data-compound=${p.compoundId}><th scope="row">${p.name}</th><td>${label(`gov_${p.governance}`)}</td>
            <td class="num">${p.place ? p.place.lat.toFixed(4) : '—'}</td><td class="num">${p.place ? p.place.long.toFixed(4) : '—'}</td></tr>`,
        )}</tbody></table></div>`}<//>
  </section>`;
}
