import { api, m2 } from '../api';
import { html } from '../html';
import { t } from '../i18n';
import type { Session } from '../session';
import { Async, useAsync } from '../ui';
import { Inbox } from './inbox';

/** An owner's start page: the compound, their own units (no one else's), their inbox. */
export function OwnerHome({ compoundId, ownerId }: { session: Session; compoundId: string; ownerId: string }) {
  const compound = useAsync(() => api('GET', `/compounds/${compoundId}`), [compoundId]);
  const mine = useAsync(() => api('GET', `/compounds/${compoundId}/owners/${ownerId}`), [compoundId, ownerId]);
  return html`
    <section class="card" aria-labelledby="compound-h">
      <h1 id="compound-h">${t('myCompound')}</h1>
      <${Async} state=${compound}>${(c: any) => html`
        <p class="big">${c.name}</p>
        <p class="muted">${c.address}</p>
        <dl class="facts"><div><dt>${t('units')}</dt><dd>${c.unitCount}</dd></div><div><dt>${t('owners')}</dt><dd>${c.ownerCount}</dd></div><div><dt>${t('totalArea')}</dt><dd>${m2(c.totalArea)}</dd></div></dl>`}<//>
    </section>
    <section class="card" aria-labelledby="units-h">
      <h2 id="units-h">${t('myUnits')}</h2>
      <${Async} state=${mine}>${(o: any) => html`
        <table><thead><tr><th scope="col">${t('unit')}</th><th scope="col">${t('building')}</th><th scope="col">${t('area')}</th></tr></thead>
        <tbody>${o.units.map((u: any) => html`<tr><td>${u.unitId}</td><td>${u.buildingId}</td><td>${m2(u.area)}</td></tr>`)}</tbody></table>`}<//>
    </section>
    <section class="card nav-cards">
      <a class="tile" href="#/votes">${t('votes')}</a><a class="tile" href="#/funds">${t('funds')}</a><a class="tile" href="#/complaints">${t('complaints')}</a>
    </section>
    <${Inbox} limit=${5} />`;
}
