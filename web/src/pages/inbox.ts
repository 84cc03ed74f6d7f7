import { api, apiMaybe, date } from '../api';
import { html } from '../html';
import { lang, t } from '../i18n';
import { Async, ErrorLine, useAsync, useSubmit } from '../ui';

interface Notice {
  noticeId: string;
  topic: string;
  urgency: 'urgent' | 'normal' | 'low';
  message: Record<'zh' | 'en', { title: string; body: string }>;
  createdAt: string;
  read?: boolean;
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

/** The caller's own notices (the API answers only with those addressed to the grants the token carries). */
async function loadInbox(): Promise<{ available: boolean; items: Notice[] }> {
  const path = await inboxPath();
  if (!path) return { available: false, items: [] };
  const answer = await apiMaybe<{ items?: Notice[] }>(`${path}?limit=50`);
  return { available: !!answer, items: answer?.items ?? [] };
}

const text = (n: Notice) => n.message?.[lang()] ?? n.message?.zh ?? { title: n.topic, body: '' };

/**
 * The inbox: on the owner's home the newest few (`limit`), on #/inbox all of them with their text,
 * each marked read when opened, and "mark all read".
 */
export function Inbox({ limit }: { limit?: number }) {
  const inbox = useAsync(loadInbox, []);
  const readAll = useSubmit(async () => {
    await api('POST', '/me/notifications/read-all');
    inbox.reload();
  });
  const open = (n: Notice) => {
    if (!n.read) void api('POST', `/me/notifications/${encodeURIComponent(n.noticeId)}/read`).then(inbox.reload, () => undefined);
  };
  const Heading = limit ? 'h2' : 'h1';
  return html`<section class="card" aria-labelledby="inbox-h"><${Heading} id="inbox-h" tabindex="-1">${t('inbox')}<//>
    <${Async} state=${inbox}>${(i: { available: boolean; items: Notice[] }) => {
      if (!i.available) return html`<p class="muted">${t('inboxNone')}</p>`;
      if (i.items.length === 0) return html`<p class="muted">${t('inboxEmpty')}</p>`;
      const unread = i.items.filter((n) => !n.read).length;
      const shown = limit ? i.items.slice(0, limit) : i.items;
      return html`<p class="muted small" aria-live="polite" data-unread=${unread}>${t('unread', unread)}</p>
        <ul class="list inbox">${shown.map((n) => {
          const m = text(n);
          return html`<li data-notice=${n.noticeId} data-read=${String(!!n.read)} class=${n.read ? 'read' : 'unread'}>
            <details onToggle=${(e: any) => e.currentTarget.open && open(n)}><summary>${n.read ? null : html`<span class="dot" aria-label=${t('unreadOne')}>●</span> `}<strong>${m.title}</strong>
              ${n.urgency === 'urgent' ? html` <span class="status status-urgent">${t('urgent')}</span>` : null}<br /><span class="muted small">${date(n.createdAt)}</span></summary>
              <p class="notice-body">${m.body}</p></details></li>`;
        })}</ul>
        ${limit && i.items.length > limit ? html`<p><a href="#/inbox">${t('inboxAll', i.items.length)}</a></p>` : null}
        ${!limit && unread > 0 ? html`<button type="button" onClick=${readAll.run} disabled=${readAll.busy}>${t('markAllRead')}</button><${ErrorLine} error=${readAll.error} />` : null}`;
    }}<//>
  </section>`;
}
