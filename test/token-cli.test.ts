import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGrant } from '../libs/auth';
import { grantsClaim } from '../libs/config';
import { grantFromFlags, loadOrCreateSigningKey, signToken, verifyToken } from '../infra/local/tokens';
import { localUserDirectory } from '../infra/local/users';

/** `npm run token` is infra/local/token-cli.mjs: spawned here as npm runs it, checked against the TypeScript side. */
const dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-token-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], dir = dataDir): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['infra/local/token-cli.mjs', ...args], { env: { ...process.env, GONGZHI_DATA_DIR: dir } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout, stderr }),
    );
  });
}

async function mint(args: string[], dir = dataDir): Promise<Record<string, unknown>> {
  const run = await cli(args, dir);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  // What the local runtime checks (signature with the key in the data folder, issuer, audience, expiry).
  return verifyToken(loadOrCreateSigningKey(dir), run.stdout.trim());
}

test('--help and -h print the usage with every flag', async () => {
  const help = await cli(['--help']);
  expect(help).toMatchObject({ code: 0, stderr: '' });
  expect(help.stdout).toMatch(/^Usage: npm run --silent token -- \[options\]/);
  for (const flag of ['--role', '--compound', '--owner', '--community', '--street', '--district', '--department', '--sub', '--grant', '--expires', '--help']) {
    expect(help.stdout).toMatch(new RegExp(`\\n {2}(-h, )?${flag} `));
  }
  expect(help.stdout).toMatch(/--grant <grant>[\s\S]*street:S1[\s\S]*repeat/);
  expect(help.stdout).toMatch(/--expires <duration>[\s\S]*30m, 2h/);
  expect((await cli(['-h'])).stdout).toBe(help.stdout);
});

const roles: [string[], Record<string, string>, string][] = [
  [['--role', 'bureau'], { role: 'bureau' }, 'bureau-local'],
  [['--role', 'owner', '--compound', 'demo-donghu', '--owner', 'O2'], { role: 'owner', compound: 'demo-donghu', owner: 'O2' }, 'owner-O2'],
  [['--role', 'committee', '--compound', 'demo-donghu'], { role: 'committee', compound: 'demo-donghu' }, 'committee-local'],
  [['--role', 'property', '--compound', 'demo-donghu'], { role: 'property', compound: 'demo-donghu' }, 'property-local'],
  [['--role', 'community', '--community', 'donghu-k1'], { role: 'community', community: 'donghu-k1' }, 'community-local'],
  [['--role', 'street', '--street', 'donghu'], { role: 'street', street: 'donghu' }, 'street-local'],
  [['--role', 'inspector', '--street', 'donghu'], { role: 'inspector', street: 'donghu' }, 'inspector-local'],
  [['--role', 'district', '--district', 'fengze'], { role: 'district', district: 'fengze' }, 'district-local'],
  [['--role', 'department', '--department', 'fire-rescue'], { role: 'department', department: 'fire-rescue' }, 'department-local'],
];

test.each(roles)('%j mints the grant infra/local/tokens.ts would, valid for 12 h', async (args, flags, subject) => {
  const claims = await mint(args);
  expect(claims[grantsClaim()]).toBe(grantFromFlags(flags));
  expect(parseGrant(claims[grantsClaim()] as string)).toBeDefined();
  expect(claims).toMatchObject({ sub: subject, iss: 'gongzhi-local', aud: 'gongzhi' });
  expect((claims.exp as number) - (claims.iat as number)).toBe(12 * 3600);
});

test('--grant is repeatable and adds to --role; --sub and --expires are honoured', async () => {
  const claims = await mint(['--role', 'committee', '--compound', 'C1', '--grant', 'street:S1', '--grant', 'owner:C1:O7', '--sub', 'alice', '--expires', '30m']);
  expect(claims[grantsClaim()]).toBe('committee:C1 street:S1 owner:C1:O7');
  expect(claims.sub).toBe('alice');
  expect((claims.exp as number) - (claims.iat as number)).toBe(1800);
  const grantsOnly = await mint(['--grant', 'bureau', '--expires', '2h']);
  expect(grantsOnly[grantsClaim()]).toBe('bureau');
  expect((grantsOnly.exp as number) - (grantsOnly.iat as number)).toBe(7200);
});

test('--sub alone carries the grants the access service recorded for that user in the local directory, or refuses in one line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-token-users-'));
  try {
    const none = await cli(['--sub', 'alice'], dir);
    expect(none).toEqual({
      code: 2,
      stdout: '',
      stderr: `token: no grants are recorded for alice in ${join(dir, 'users.json')}; give --role or --grant, or grant some with PUT /users/alice/grants/{grant}\n`,
    });
    // What the access service writes through the local directory (infra/local/users.ts), the CLI reads.
    const directory = localUserDirectory(dir);
    await directory.setGrants('alice', 'street:donghu inspector:donghu');
    await directory.setGrants('bob', '');
    const claims = await mint(['--sub', 'alice'], dir);
    expect(claims).toMatchObject({ sub: 'alice', [grantsClaim()]: 'street:donghu inspector:donghu' });
    expect((await cli(['--sub', 'bob'], dir)).stderr).toMatch(/^token: no grants are left for bob in /);
    expect((await cli(['--sub', 'carol'], dir)).code).toBe(2);
    // Flags still win: --sub with --role names the subject only.
    expect(await mint(['--sub', 'alice', '--role', 'bureau'], dir)).toMatchObject({ sub: 'alice', [grantsClaim()]: 'bureau' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a raw grant is accepted exactly when the server can parse it', async () => {
  const grants = ['street:S1', 'owner:C1:O2', 'bureau', 'department:fire-rescue', 'bureau:x', 'owner:C1', 'committee:C1:O2', 'mayor:X', 'street:S 1', 'street:', 'street:S1:x', ''];
  const runs = await Promise.all(grants.map((grant) => cli(['--grant', grant])));
  expect(runs.map((r) => r.code)).toEqual(grants.map((g) => (parseGrant(g) ? 0 : 2)));
});

test.each([
  [['--rol', 'bureau'], 'unknown option --rol'],
  [['--role'], '--role needs a value'],
  [['bureau'], 'unexpected argument bureau'],
  [['--role', 'mayor'], 'unknown role mayor: owner, committee, property, community, street, district, inspector, department or bureau'],
  [['--role', 'owner', '--compound', 'C1'], '--role owner needs --owner'],
  [['--role', 'street'], '--role street needs --street'],
  [[], 'give --role (and its scope), --grant role:scope, or --sub of a user with recorded grants'],
  [['--role', 'bureau', '--expires', 'soon'], '--expires takes a duration such as 30m, 2h or 7d, not soon'],
  [['--grant', 'owner:C1'], 'owner:C1 is not a grant: role:scope (owner:compound:owner, or bureau alone), ids of letters, digits, _ or -'],
])('%j: exit status 2 and one line', async (args, message) => {
  const run = await cli(args);
  expect(run).toEqual({ code: 2, stdout: '', stderr: `token: ${message} (npm run token -- --help)\n` });
});

test('the key file is the one tokens.ts reads and writes, whichever creates it', async () => {
  // The CLI creates it: 32 random bytes in base64, readable by its owner only.
  const fresh = mkdtempSync(join(tmpdir(), 'gongzhi-token-key-'));
  try {
    await mint(['--role', 'bureau'], fresh);
    const file = join(fresh, 'local-signing-key');
    expect(Buffer.from(readFileSync(file, 'utf8'), 'base64')).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
  // The server created it (tokens.ts): the CLI signs with it, and a server token verifies the same way.
  const serverFirst = mkdtempSync(join(tmpdir(), 'gongzhi-token-key-'));
  try {
    const key = loadOrCreateSigningKey(serverFirst);
    const claims = await mint(['--role', 'street', '--street', 'S1'], serverFirst);
    expect(claims[grantsClaim()]).toBe('street:S1');
    await expect(verifyToken(key, await signToken(key, 's', ['bureau']))).resolves.toMatchObject({ sub: 's' });
    // A token signed with another folder's key is refused.
    const other = (await cli(['--role', 'bureau'])).stdout.trim();
    await expect(verifyToken(key, other)).rejects.toThrow(/signature/);
  } finally {
    rmSync(serverFirst, { recursive: true, force: true });
  }
});
