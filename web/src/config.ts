/** What the page needs to know about where it runs: web/build.mjs writes the local one, infra/cdk/web.ts the deployed one. */
export interface WebConfig {
  /** The API's base URL; '' when the API is on the page's own origin (the local runtime). */
  apiUrl: string;
  signIn:
    | { kind: 'local' }
    // Cognito's endpoints are written out; an external issuer's are discovered (/.well-known/openid-configuration).
    | { kind: 'oidc'; clientId: string; issuer?: string; authorizeUrl?: string; tokenUrl?: string; logoutUrl?: string; scope?: string };
}

let config: WebConfig = { apiUrl: '', signIn: { kind: 'local' } };

export async function loadConfig(): Promise<WebConfig> {
  const response = await fetch('config.json', { cache: 'no-cache' });
  if (response.ok) config = (await response.json()) as WebConfig;
  return config;
}

export const webConfig = (): WebConfig => config;
