import { api, apiMaybe, m2 } from '../api';
import { html } from '../html';
import { t } from '../i18n';
import type { Session } from '../session';
import { Async, useAsync } from '../ui';

/** An owner's start page: the compound, their own units (no one else's), their inbox. */
export function OwnerHome({ session, compoundId, ownerId }: { session: Session; compoundId: string; ownerId: string }) {
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
    <${Inbox} session=${session} />`;
}

/** The inbox, if the platform has a notifications API yet (found in the OpenAPI document); otherwise said so. */
function Inbox(_: { session: Session }) {
  const inbox = useAsync(async () => {
    const path = await inboxPath();
    if (!path) return { available: false, items: [] as any[] };
    const answer = await apiMaybe<{ items?: any[] }>(path);
    return { available: !!answer, items: answer?.items ?? [] };
  }, []);
  return html`<section class="card" aria-labelledby="inbox-h"><h2 id="inbox-h">${t('inbox')}</h2>
    <${Async} state=${inbox}>${(i: any) =>
      !i.available
        ? html`<p class="muted">${t('inboxNone')}</p>`
        : i.items.length === 0
          ? html`<p class="muted">${t('inboxEmpty')}</p>`
          : html`<ul>${i.items.map((m: any) => html`<li>${m.title ?? m.subject ?? m.type ?? JSON.stringify(m)}</li>`)}</ul>`}<//>
  </section>`;
}

/** Looked up once a session: the OpenAPI document is large, and the answer does not change while the page is open. */
async function inboxPath(): Promise<string | undefined> {
  const cached = sessionStorage.getItem('gongzhi.inbox');
  if (cached !== null) return cached || undefined;
  const doc = await apiMaybe<{ paths: Record<string, unknown> }>('/openapi.json');
  const path = Object.keys(doc?.paths ?? {}).find((p) => /notifications|inbox/.test(p) && !p.includes('{') && !p.startsWith('/disputes'));
  sessionStorage.setItem('gongzhi.inbox', path ?? '');
  return path;
}
