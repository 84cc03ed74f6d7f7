import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { loadConfig, webConfig } from './config';
import { html } from './html';
import { lang, setLang, t, type Key } from './i18n';
import { Committee } from './pages/committee';
import { Complaints } from './pages/complaints';
import { Dashboard } from './pages/dashboard';
import { Elections } from './pages/elections';
import { Funds } from './pages/funds';
import { OwnerHome } from './pages/home';
import { Inbox } from './pages/inbox';
import { CompoundMap } from './pages/map';
import { ReviewQueue } from './pages/review';
import { SignIn } from './pages/sign-in';
import { VoteDetail, VoteList } from './pages/votes';
import { finishOidcSignIn, grantOf, loadSession, saveSession, type Session } from './session';

/**
 * After a route change (or signing in) keyboard and screen-reader users land on the new page's
 * heading, its h1. A page whose heading comes with its data has none yet: the focus waits on <main>
 * and moves to the heading when it is drawn, unless the user has moved it meanwhile.
 */
function focusHeading(): void {
  const main = document.getElementById('main');
  if (!main) return;
  const focus = (heading: HTMLElement) => {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  };
  const heading = main.querySelector<HTMLElement>('h1');
  if (heading) {
    focus(heading);
    return;
  }
  main.focus();
  const drawn = new MutationObserver(() => {
    const h1 = main.querySelector<HTMLElement>('h1');
    if (!h1) return;
    drawn.disconnect();
    if (document.activeElement === main) focus(h1);
  });
  drawn.observe(main, { childList: true, subtree: true });
  // A page whose data never comes (an error) leaves the focus on <main>.
  setTimeout(() => drawn.disconnect(), 10_000);
}

/** Hash routes (#/votes/v1): the same index.html serves every page, locally and behind CloudFront. */
function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => {
      setRoute(read());
      // After the new page is rendered.
      requestAnimationFrame(focusHeading);
    };
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** The pages a session's grants open, in the navigation's order. */
function navFor(session: Session): { href: string; key: Key }[] {
  const items: { href: string; key: Key }[] = [];
  if (grantOf(session, 'owner')) items.push({ href: '#/', key: 'home' }, { href: '#/votes', key: 'votes' }, { href: '#/funds', key: 'funds' }, { href: '#/complaints', key: 'complaints' });
  if (grantOf(session, 'committee'))
    items.push({ href: '#/committee', key: 'committee' }, { href: '#/elections', key: 'elections' }, { href: '#/votes', key: 'votes' }, { href: '#/funds', key: 'funds' });
  if (grantOf(session, 'street')) items.push({ href: '#/elections', key: 'elections' });
  if (grantOf(session, 'community', 'street')) items.push({ href: '#/review', key: 'review' });
  if (grantOf(session, 'street', 'district', 'bureau')) items.push({ href: '#/dashboard', key: 'dashboard' }, { href: '#/map', key: 'map' });
  // Everyone has an inbox: what is addressed to the grants their token carries.
  items.push({ href: '#/inbox', key: 'inbox' });
  return items.filter((item, i) => items.findIndex((x) => x.href === item.href) === i);
}

function Page({ session, route }: { session: Session; route: string[] }) {
  const owner = grantOf(session, 'owner');
  const member = grantOf(session, 'committee');
  const compoundId = owner?.scope ?? member?.scope;
  const [page, id] = route;
  const nav = navFor(session);
  const target = page ?? nav[0]?.href.slice(2) ?? '';
  switch (target) {
    case '':
      if (owner) return html`<${OwnerHome} session=${session} compoundId=${owner.scope} ownerId=${owner.ownerId} />`;
      break;
    case 'votes':
      if (compoundId) return id ? html`<${VoteDetail} compoundId=${compoundId} voteId=${id} ownerId=${owner?.ownerId} />` : html`<${VoteList} compoundId=${compoundId} />`;
      break;
    case 'funds':
      if (compoundId) return html`<${Funds} compoundId=${compoundId} />`;
      break;
    case 'complaints':
      if (owner) return html`<${Complaints} compoundId=${owner.scope} />`;
      break;
    case 'committee':
      if (member) return html`<${Committee} compoundId=${member.scope} />`;
      break;
    case 'review': {
      const reviewer = grantOf(session, 'community', 'street');
      if (reviewer) return html`<${ReviewQueue} grant=${reviewer} />`;
      break;
    }
    case 'elections': {
      const organiser = grantOf(session, 'committee', 'street');
      if (organiser) return html`<${Elections} grant=${organiser} route=${route} />`;
      break;
    }
    case 'inbox':
      return html`<${Inbox} />`;
    case 'map': {
      const official = grantOf(session, 'bureau', 'district', 'street');
      if (official) return html`<${CompoundMap} grant=${official} />`;
      break;
    }
    case 'dashboard': {
      const official = grantOf(session, 'bureau', 'district', 'street');
      if (official) return html`<${Dashboard} grant=${official} />`;
      break;
    }
  }
  return html`<section class="card"><h1 tabindex="-1">${t('app')}</h1><ul class="nav-list">${nav.map((n) => html`<li><a href=${n.href}>${t(n.key)}</a></li>`)}</ul></section>`;
}

function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const [, setLanguage] = useState(lang());
  const route = useRoute();
  const switchLang = () => {
    setLang(lang() === 'zh' ? 'en' : 'zh');
    setLanguage(lang());
  };
  const signOut = () => {
    saveSession(undefined);
    setSession(undefined);
    const c = webConfig().signIn;
    if (c.kind === 'oidc' && c.logoutUrl) location.assign(c.logoutUrl);
    else location.hash = '#/';
  };
  const roles = session ? [...new Set(session.grants.map((g) => t(`role_${g.role}` as Key)))].join(' · ') : '';
  return html`
    <a class="skip" href="#main">${lang() === 'zh' ? '跳到正文' : 'Skip to content'}</a>
    <header class="top">
      <a class="brand" href="#/">${t('app')}<span class="tagline">${t('tagline')}</span></a>
      <button type="button" class="lang" lang=${lang() === 'zh' ? 'en' : 'zh'} aria-label=${t('switchLangLabel')} onClick=${switchLang}>${t('switchLang')}</button>
      ${session ? html`<button type="button" class="signout" onClick=${signOut}>${t('signOut')}</button>` : null}
    </header>
    ${
      session
        ? html`<nav aria-label=${t('nav')} class="nav"><ul>${navFor(session).map((n) => html`<li><a href=${n.href} aria-current=${`#/${route[0] ?? ''}` === n.href || (n.href === '#/' && !route[0]) ? 'page' : undefined}>${t(n.key)}</a></li>`)}</ul>
          <p class="who">${session.name ?? session.subject} · ${roles}</p></nav>`
        : null
    }
    <main id="main" tabindex="-1">
      ${
        session
          ? html`<${Page} session=${session} route=${route} />`
          : html`<${SignIn} onSignedIn=${(s: Session) => {
              setSession(s);
              // Already at #/ (after signing out) there is no hashchange to move the focus.
              if (location.hash === '#/') requestAnimationFrame(focusHeading);
              else location.hash = '#/';
            }} />`
      }
    </main>`;
}

async function start() {
  await loadConfig();
  setLang(lang());
  await finishOidcSignIn().catch((error: Error) => console.error(error));
  const root = document.getElementById('app')!;
  root.textContent = ''; // the static "loading" line
  render(html`<${App} />`, root);
}

void start();
