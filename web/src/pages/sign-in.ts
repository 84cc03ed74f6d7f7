import { useState } from 'preact/hooks';
import { webConfig } from '../config';
import { html } from '../html';
import { t, type Key } from '../i18n';
import { signInLocal, startOidcSignIn, type Session } from '../session';
import { ErrorLine } from '../ui';

/** The demo people of the local runtime's seeded compound (infra/local/seed.ts DEMO). */
export const DEMO_PEOPLE: { id: string; role: Key; name: string; grants: string[] }[] = [
  { id: 'owner-O2', role: 'role_owner', name: '业主 O2 · B01-102', grants: ['owner:demo-donghu:O2'] },
  { id: 'owner-O3', role: 'role_owner', name: '业主 O3 · B01-201', grants: ['owner:demo-donghu:O3'] },
  { id: 'committee-secretary', role: 'role_committee', name: '东湖花园业委会', grants: ['committee:demo-donghu'] },
  { id: 'reviewer-donghu-k1', role: 'role_community', name: '东湖社区', grants: ['community:donghu-k1'] },
  { id: 'street-donghu', role: 'role_street', name: '东湖街道', grants: ['street:donghu'] },
  { id: 'district-fengze', role: 'role_district', name: '丰泽区', grants: ['district:fengze'] },
  { id: 'bureau', role: 'role_bureau', name: '泉州市住建局', grants: ['bureau'] },
];

export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  if (webConfig().signIn.kind === 'oidc') {
    return html`<section class="card"><h1>${t('signIn')}</h1><button type="button" class="primary" onClick=${() => startOidcSignIn()}>${t('signInOidc')}</button></section>`;
  }
  const pick = async (person: (typeof DEMO_PEOPLE)[number]) => {
    setBusy(true);
    try {
      onSignedIn(await signInLocal(person.id, person.grants, person.name));
    } catch (e) {
      setError(e as Error);
      setBusy(false);
    }
  };
  return html`<section class="card">
    <h1>${t('signIn')}</h1>
    <p>${t('signInLocal')}</p>
    <ul class="people" aria-busy=${busy}>
      ${DEMO_PEOPLE.map(
        (p) => html`<li><button type="button" class="person" data-person=${p.id} disabled=${busy} onClick=${() => pick(p)}>
          <span class="person-role">${t(p.role)}</span><span class="person-name">${p.name}</span></button></li>`,
      )}
    </ul>
    <${ErrorLine} error=${error} />
  </section>`;
}
