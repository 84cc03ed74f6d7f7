// npm run --silent token -- --role owner --compound C --owner O   → the token alone on stdout
//
// Plain JavaScript on purpose: `npm run token` starts in a fraction of a second, with no TypeScript
// to compile. It loads only node:* and jose's JWT signer. What it shares with the TypeScript side
// is pinned by test/token-cli.test.ts: the key file and claims of infra/local/tokens.ts (the server
// verifies with them), and the grant syntax of libs/auth.ts (the server ignores a grant it cannot
// parse, so a typo here is refused rather than minted into a token that gets 403s).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const LOCAL_ISSUER = 'gongzhi-local';
const LOCAL_AUDIENCE = 'gongzhi';
const ROLES = ['owner', 'committee', 'property', 'community', 'street', 'district', 'inspector', 'department', 'bureau'];
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
// What jose's setExpirationTime accepts as a period from now.
const DURATION = /^\+?(\d+|\d+\.\d+) ?(sec|secs|second|seconds|s|minute|minutes|min|mins|m|hour|hours|hr|hrs|h|day|days|d|week|weeks|w|year|years|yr|yrs|y)$/i;

const USAGE = `Usage: npm run --silent token -- [options]

Prints a token for the local runtime (npm start) alone on stdout, signed with the key in
$GONGZHI_DATA_DIR (default .data/; created if missing), so it composes:
  TOKEN=$(npm run --silent token -- --role bureau)

Options:
  --role <role>           owner, committee, property, community, street, district, inspector,
                          department or bureau; each takes its scope from the flags below
  --compound <id>         the compound, for --role owner, committee or property
  --owner <id>            the owner, for --role owner
  --community <id>        the community, for --role community
  --street <id>           the street, for --role street or inspector
  --district <id>         the district, for --role district
  --department <id>       the department, for --role department
  --grant <grant>         a grant as written in the token, e.g. street:S1, owner:C1:O2, bureau, or
                          grid:C1:B03 (the building head of B03);
                          repeat it for several (added to --role's)
  --sub <subject>         the token's subject (default owner-<owner>, or <role>-local); given
                          alone, the token carries the grants the access service recorded for
                          that user in the local user directory ($GONGZHI_DATA_DIR/users.json)
  --expires <duration>    how long it is valid: 30m, 2h, 7d ... (default 12h)
  -h, --help              this text

Examples:
  npm run --silent token -- --role owner --compound demo-donghu --owner O2
  npm run --silent token -- --role committee --compound demo-donghu --expires 30m
  npm run --silent token -- --grant street:donghu --grant inspector:donghu --sub inspector-7
  npm run --silent token -- --sub alice
`;

class UsageError extends Error {}

/** infra/local/users.ts localGrantsOf: the grants the access service recorded for a user, or undefined. */
function recordedGrants(dataDir, userId) {
  let users;
  try {
    users = JSON.parse(readFileSync(join(dataDir, 'users.json'), 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw new Error(`${join(dataDir, 'users.json')} is not readable: ${error.message}`);
  }
  return Object.hasOwn(users, userId) ? users[userId] : undefined;
}

const options = {
  role: { type: 'string' },
  compound: { type: 'string' },
  owner: { type: 'string' },
  community: { type: 'string' },
  street: { type: 'string' },
  district: { type: 'string' },
  department: { type: 'string' },
  grant: { type: 'string', multiple: true },
  sub: { type: 'string' },
  expires: { type: 'string', default: '12h' },
  help: { type: 'boolean', short: 'h' },
};

function parse(argv) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const flag = /'(-[^']*)'/.exec(error.message)?.[1];
    if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${flag ?? ''}`.trim());
    if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${(flag ?? '').split(' ')[0]} needs a value`.trim());
    if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? ''}`.trim());
    throw new UsageError(error.message.split('\n')[0]);
  }
}

/** `--role owner --compound C --owner O` → `owner:C:O` (infra/local/tokens.ts grantFromFlags). */
function grantFromFlags(flags) {
  const need = (name) => {
    if (!flags[name]) throw new UsageError(`--role ${flags.role} needs --${name}`);
    return flags[name];
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
      throw new UsageError(`unknown role ${flags.role}: owner, committee, property, community, street, district, inspector, department or bureau`);
  }
}

/** libs/auth.ts parseGrant: does the server understand this grant? */
function validGrant(text) {
  const [role, scope = '', ownerId, ...rest] = text.split(':');
  // The building head's grant names the compound and the building: grid:C1:B03.
  if (role === 'grid') return rest.length === 0 && ID_PATTERN.test(scope) && Boolean(ownerId && ID_PATTERN.test(ownerId));
  if (!ROLES.includes(role) || rest.length > 0) return false;
  if (role === 'bureau') return scope === '';
  if (!ID_PATTERN.test(scope)) return false;
  if (role === 'owner') return Boolean(ownerId && ID_PATTERN.test(ownerId));
  return ownerId === undefined;
}

/** infra/local/tokens.ts loadOrCreateSigningKey: 32 random bytes, base64, in <dataDir>/local-signing-key. */
function loadOrCreateSigningKey(dataDir) {
  const file = join(dataDir, 'local-signing-key');
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  // A key another process is writing this very moment reads as empty for an instant.
  for (let attempt = 0; ; attempt++) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length > 0 || attempt >= 20) return key;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
}

async function main(argv) {
  const values = parse(argv);
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const dataDir = process.env.GONGZHI_DATA_DIR ?? '.data';
  let grants = [...(values.role ? [grantFromFlags(values)] : []), ...(values.grant ?? [])];
  if (grants.length === 0 && values.sub) {
    // As Cognito would: the user's grants as the access service set them (PUT /users/{userId}/grants/{grant}).
    const recorded = recordedGrants(dataDir, values.sub);
    if (!recorded?.length) {
      throw new Error(
        `${recorded ? 'no grants are left' : 'no grants are recorded'} for ${values.sub} in ${join(dataDir, 'users.json')}; give --role or --grant, or grant some with PUT /users/${values.sub}/grants/{grant}`,
      );
    }
    grants = recorded;
  }
  if (grants.length === 0) throw new UsageError('give --role (and its scope), --grant role:scope, or --sub of a user with recorded grants');
  for (const grant of grants) {
    if (!validGrant(grant)) throw new UsageError(`${grant} is not a grant: role:scope (owner:compound:owner, or bureau alone), ids of letters, digits, _ or -`);
  }
  if (!DURATION.test(values.expires)) throw new UsageError(`--expires takes a duration such as 30m, 2h or 7d, not ${values.expires}`);
  const key = loadOrCreateSigningKey(dataDir);
  const subject = values.sub ?? (values.owner ? `owner-${values.owner}` : `${values.role ?? 'user'}-local`);
  const { SignJWT } = await import('jose/jwt/sign');
  const token = await new SignJWT({ [process.env.GRANTS_CLAIM ?? 'custom:grants']: grants.join(' ') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(values.expires)
    .sign(key);
  process.stdout.write(`${token}\n`);
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(error instanceof UsageError ? `token: ${error.message} (npm run token -- --help)\n` : `token: ${error.message}\n`);
  process.exit(2);
}
