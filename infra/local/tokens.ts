import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { grantsClaim } from '../../libs/config';

/**
 * Local stand-in for the Cognito/OIDC issuer: HS256 tokens signed with a key kept in `.data/`, so
 * `npm run token` and the running `npm start` agree, and carrying the same claims as deployed.
 */
export const LOCAL_ISSUER = 'gongzhi-local';
export const LOCAL_AUDIENCE = 'gongzhi';

export function loadOrCreateSigningKey(dataDir: string): Uint8Array {
  const file = join(dataDir, 'local-signing-key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

export async function signToken(key: Uint8Array, subject: string, grants: readonly string[], expiresIn: string | number = '12h'): Promise<string> {
  const { SignJWT } = await import('jose');
  return new SignJWT({ [grantsClaim()]: grants.join(' ') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key);
}

/** What API Gateway's JWT authorizer checks: signature, issuer, audience, expiry. */
export async function verifyToken(key: Uint8Array, token: string): Promise<Record<string, unknown>> {
  const { jwtVerify } = await import('jose');
  const { payload } = await jwtVerify(token, key, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, algorithms: ['HS256'] });
  return payload as Record<string, unknown>;
}

/** `--role owner --compound C --owner O` → `owner:C:O` (the token CLI's vocabulary). */
export function grantFromFlags(flags: Record<string, string | undefined>): string {
  const need = (name: string) => {
    const value = flags[name];
    if (!value) throw new Error(`--role ${flags.role} needs --${name}`);
    return value;
  };
  switch (flags.role) {
    case 'bureau':
      return 'bureau';
    case 'owner':
      return `owner:${need('compound')}:${need('owner')}`;
    case 'committee':
    case 'property':
      return `${flags.role}:${need('compound')}`;
    case 'community':
      return `community:${need('community')}`;
    case 'street':
    case 'inspector':
      return `${flags.role}:${need('street')}`;
    case 'district':
      return `district:${need('district')}`;
    case 'department':
      return `department:${need('department')}`;
    default:
      throw new Error(`unknown role ${flags.role}: owner, committee, property, community, street, district, inspector, department or bureau`);
  }
}
