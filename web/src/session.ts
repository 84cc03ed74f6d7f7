import { webConfig } from './config';

/**
 * Who is signed in: the token and the grants it carries (`custom:grants`, space-separated, as the
 * local issuer and Cognito put them). Kept in sessionStorage: closing the tab signs out.
 */
export interface Grant {
  role: string;
  /** owner:C:O → compound C; committee:C / property:C → compound C; community:K, street:S, district:D, department:X. */
  scope?: string;
  ownerId?: string;
}

export interface Session {
  token: string;
  subject: string;
  grants: Grant[];
  name?: string;
}

const KEY = 'gongzhi.session';

export function parseGrant(text: string): Grant {
  const [role, scope, ownerId] = text.split(':');
  return { role: role!, scope, ownerId };
}

function claims(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
}

export function sessionFromToken(token: string, name?: string): Session {
  const c = claims(token);
  const grants = String(c['custom:grants'] ?? '')
    .split(' ')
    .filter(Boolean)
    .map(parseGrant);
  return { token, subject: String(c.sub ?? ''), grants, name };
}

export function loadSession(): Session | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  const session = JSON.parse(raw) as Session;
  const exp = Number(claims(session.token).exp ?? 0);
  if (exp && exp * 1000 < Date.now()) {
    sessionStorage.removeItem(KEY);
    return undefined;
  }
  return session;
}

export function saveSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

/** The first grant of one of `roles`. */
export const grantOf = (session: Session, ...roles: string[]): Grant | undefined => session.grants.find((g) => roles.includes(g.role));

/** Local sign-in: the local runtime's issuer mints a token for the demo person (never deployed). */
export async function signInLocal(sub: string, grants: string[], name: string): Promise<Session> {
  const response = await fetch(`${webConfig().apiUrl}/_local/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub, grants }) });
  if (!response.ok) throw new Error(`the local issuer answered ${response.status}`);
  const { token } = (await response.json()) as { token: string };
  const session = sessionFromToken(token, name);
  saveSession(session);
  return session;
}

// Deployed: authorization code with PKCE against Cognito's managed login (or the configured OIDC issuer).
const VERIFIER = 'gongzhi.pkce';
const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
export const CALLBACK_PATH = '/auth/callback';

/** The issuer's endpoints: as configured, or by OpenID Connect discovery. */
async function endpoints(c: Extract<ReturnType<typeof webConfig>['signIn'], { kind: 'oidc' }>): Promise<{ authorizeUrl: string; tokenUrl: string }> {
  if (c.authorizeUrl && c.tokenUrl) return { authorizeUrl: c.authorizeUrl, tokenUrl: c.tokenUrl };
  const found = (await (await fetch(`${c.issuer!.replace(/\/$/, '')}/.well-known/openid-configuration`)).json()) as { authorization_endpoint: string; token_endpoint: string };
  return { authorizeUrl: found.authorization_endpoint, tokenUrl: found.token_endpoint };
}

export async function startOidcSignIn(): Promise<void> {
  const c = webConfig().signIn;
  if (c.kind !== 'oidc') return;
  const { authorizeUrl } = await endpoints(c);
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem(VERIFIER, JSON.stringify({ verifier, state }));
  const url = new URL(authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: c.clientId,
    redirect_uri: location.origin + CALLBACK_PATH,
    scope: c.scope ?? 'openid email',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  }).toString();
  location.assign(url.toString());
}

/** Back from the issuer at /auth/callback?code=…&state=…: trade the code for tokens. */
export async function finishOidcSignIn(): Promise<Session | undefined> {
  const c = webConfig().signIn;
  const params = new URLSearchParams(location.search);
  const saved = JSON.parse(sessionStorage.getItem(VERIFIER) ?? 'null') as { verifier: string; state: string } | null;
  if (c.kind !== 'oidc' || location.pathname !== CALLBACK_PATH || !params.get('code') || !saved || saved.state !== params.get('state')) return undefined;
  sessionStorage.removeItem(VERIFIER);
  const response = await fetch((await endpoints(c)).tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: c.clientId, code: params.get('code')!, redirect_uri: location.origin + CALLBACK_PATH, code_verifier: saved.verifier }),
  });
  if (!response.ok) throw new Error(`the sign-in service answered ${response.status}`);
  // The access token carries the grants (Cognito's pre-token trigger) and is what the API's authorizer checks.
  const { access_token } = (await response.json()) as { access_token: string };
  const session = sessionFromToken(access_token);
  saveSession(session);
  history.replaceState(null, '', '/');
  return session;
}
