import { CfnOutput, Duration, Fn, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';

/** Where the web application receives the authorization code, and where it lands after signing out. */
export const CALLBACK_PATH = '/auth/callback';
export const LOGOUT_PATH = '/';
/** Non-prod stages without `-c webOrigins` get the web application's local dev server. */
export const DEV_WEB_ORIGIN = 'http://localhost:5173';

/**
 * `-c webOrigins=https://a,https://b`: the origins the web application is served from, for the
 * Cognito callback and logout URLs and for CORS. https only (Cognito allows http for localhost only),
 * no path. Required for prod; other stages default to the local dev server.
 */
export function webOriginsFrom(value: unknown, stage: string): string[] {
  const origins = String(value ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (origins.length === 0) {
    if (stage === 'prod') throw new Error('prod needs -c webOrigins=https://… (the web application’s origins, comma-separated)');
    return [DEV_WEB_ORIGIN];
  }
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new Error(`webOrigins: ${origin} is not a URL`);
    }
    const local = url.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(url.hostname);
    if (url.protocol !== 'https:' && !local) throw new Error(`webOrigins: ${origin} must be https (http only for localhost)`);
    if (url.origin !== origin) throw new Error(`webOrigins: give the origin only (${url.origin}), no path or trailing slash`);
  }
  return origins;
}

export interface SignIn {
  authorizer: HttpJwtAuthorizer;
  /** The user pool, unless an external issuer signs users in. */
  userPool?: cognito.UserPool;
  client?: cognito.UserPoolClient;
}

export interface SignInProps {
  stage: string;
  webOrigins: readonly string[];
  /** `-c signInDomain=prefix`: the managed-login domain prefix (default `gongzhi-<stage>-<stack uuid>`). */
  domainPrefix?: string;
  /** An external OIDC issuer instead of the Cognito user pool. */
  oidc?: { issuer: string; audience: string[] };
}

/**
 * Who may call the API. By default a Cognito user pool (no self sign-up, TOTP MFA required, threat
 * protection on), with one public web client signing in by authorization code + PKCE through
 * managed login, and a JWT authorizer whose issuer is the pool's own provider URL (right in every
 * partition, amazonaws.com.cn included) and whose audience is the web client: Cognito access tokens
 * carry it as `client_id`, which the authorizer checks when there is no `aud`.
 */
export function signIn(stack: Stack, props: SignInProps): SignIn {
  if (props.oidc) return { authorizer: new HttpJwtAuthorizer('Jwt', props.oidc.issuer, { jwtAudience: props.oidc.audience }) };
  const prod = props.stage === 'prod';
  const userPool = new cognito.UserPool(stack, 'Users', {
    selfSignUpEnabled: false,
    signInAliases: { email: true },
    mfa: cognito.Mfa.REQUIRED,
    mfaSecondFactor: { sms: false, otp: true },
    passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
    // PLUS: access-token customization (the V2_0 pre-token trigger) and threat protection.
    featurePlan: cognito.FeaturePlan.PLUS,
    standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
    customAttributes: { grants: new cognito.StringAttribute({ mutable: true, maxLen: 2048 }) },
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    deletionProtection: prod,
  });
  const domain = userPool.addDomain('SignInDomain', {
    cognitoDomain: { domainPrefix: props.domainPrefix ?? Fn.join('-', ['gongzhi', props.stage, Fn.select(2, Fn.split('/', stack.stackId))]) },
    managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
  });
  // Users may read their grants but never write them: only the access service assigns roles.
  const readable = new cognito.ClientAttributes().withStandardAttributes({ email: true, emailVerified: true }).withCustomAttributes('grants');
  const client = userPool.addClient('WebClient', {
    // A browser cannot keep a secret: a public client, and PKCE on the code flow.
    generateSecret: false,
    oAuth: {
      flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
      scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
      callbackUrls: props.webOrigins.map((o) => `${o}${CALLBACK_PATH}`),
      logoutUrls: props.webOrigins.map((o) => `${o}${LOGOUT_PATH}`),
    },
    supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
    readAttributes: readable,
    writeAttributes: new cognito.ClientAttributes(),
    preventUserExistenceErrors: true,
    enableTokenRevocation: true,
    idTokenValidity: Duration.hours(1),
    accessTokenValidity: Duration.hours(1),
    refreshTokenValidity: Duration.hours(12),
  });
  // Managed login signs in through the OAuth endpoints; of the API flows the client needs only the refresh.
  (client.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
  new cognito.CfnManagedLoginBranding(stack, 'SignInBranding', { userPoolId: userPool.userPoolId, clientId: client.userPoolClientId, useCognitoProvidedValues: true });

  new CfnOutput(stack, 'UserPoolId', { value: userPool.userPoolId });
  new CfnOutput(stack, 'UserPoolClientId', { value: client.userPoolClientId });
  new CfnOutput(stack, 'SignInUrl', { value: domain.baseUrl() });
  return {
    authorizer: new HttpJwtAuthorizer('Jwt', userPool.userPoolProviderUrl, { jwtAudience: [client.userPoolClientId] }),
    userPool,
    client,
  };
}
