import { parseArgs } from 'node:util';
import { grantFromFlags, loadOrCreateSigningKey, signToken } from './tokens';

// npm run --silent token -- --role owner --compound C --owner O   → the token alone on stdout
const { values } = parseArgs({
  options: {
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
  },
});
try {
  const grants = [...(values.role ? [grantFromFlags({ ...values, grant: undefined })] : []), ...(values.grant ?? [])];
  if (grants.length === 0) throw new Error('give --role (and its scope) or --grant role:scope');
  const key = loadOrCreateSigningKey(process.env.GONGZHI_DATA_DIR ?? '.data');
  const subject = values.sub ?? (values.owner ? `owner-${values.owner}` : `${values.role ?? 'user'}-local`);
  process.stdout.write(`${await signToken(key, subject, grants, values.expires)}\n`);
} catch (error) {
  process.stderr.write(`token: ${(error as Error).message}\n`);
  process.exit(2);
}
