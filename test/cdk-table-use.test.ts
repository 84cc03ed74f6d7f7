import { join } from 'node:path';
import { build } from 'esbuild';
import { functionsOf, type FunctionDecl, type IndexName, type TableAccess } from '../libs/topology';
import { services } from '../services/index';

/**
 * A function's declared table access (`table:` in its topology) is what IAM grants it deployed
 * (test/cdk-access.test.ts). Locally nothing holds a function to it, so a declaration too narrow would
 * first fail on AWS. Here each function's handler is bundled as Lambda gets it (tree-shaken, the AWS
 * SDK left out) and the DynamoDB commands and indexes its code can reach are read from the bundle:
 * the declaration must allow each of them, and name no index the code never queries.
 */
const COMMAND_ACTION: Record<string, string> = {
  GetCommand: 'GetItem',
  BatchGetCommand: 'BatchGetItem',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  BatchWriteCommand: 'BatchWriteItem',
  TransactWriteCommand: 'TransactWriteItems',
  TransactGetCommand: 'TransactGetItems',
};
const INDEX_CONSTANTS: Record<string, IndexName> = { GSI1: 'gsi1', GSI2: 'gsi2', OUTBOX_INDEX: 'outbox', DUE_INDEX: 'due' };

const READ = ['GetItem', 'BatchGetItem', 'Query'];
function allowed(access: TableAccess): string[] {
  const writes = { none: [], read: [], 'append-only': ['PutItem'], 'read-write': ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'] }[access.level];
  return [...(access.level === 'none' ? [] : READ), ...writes, ...(access.updates?.length ? ['UpdateItem'] : [])];
}

async function used(fn: FunctionDecl): Promise<{ actions: string[]; indexes: string[] }> {
  const bundle = await build({
    entryPoints: [join(process.cwd(), fn.entry)],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    treeShaking: true,
    logLevel: 'silent',
  });
  const code = bundle.outputFiles[0]!.text;
  // esbuild renames an import that clashes with another module's (QueryCommand2).
  const actions = [...code.matchAll(/new (\w+Command)\d*\(/g)].map((m) => COMMAND_ACTION[m[1]!]).filter((a): a is string => !!a);
  const indexes = [...code.matchAll(/IndexName:\s*([\w"']+)/g)].map((m) => {
    // A constant as named (GSI1), or as esbuild renamed it (GSI12, DUE_INDEX2).
    const expression = m[1]!;
    const index = /^["']/.test(expression) ? expression.slice(1, -1) : (INDEX_CONSTANTS[expression] ?? INDEX_CONSTANTS[expression.replace(/\d+$/, '')]);
    if (!index) throw new Error(`${fn.name}: cannot tell which index ${m[1]} is`);
    return index;
  });
  return { actions: [...new Set(actions)].sort(), indexes: [...new Set(indexes)].sort() };
}

/**
 * What a bundle holds but the function never runs, read in the code: a class keeps all its methods
 * (esbuild cannot shake them), and `implement()` keeps the Idempotency-Key store that only POSTs use.
 * Each entry must still be needed (a stale one fails).
 */
const NEVER_RUN: Record<string, { actions?: string[]; indexes?: IndexName[]; why: string }> = {
  'audit-api': {
    actions: ['DeleteItem', 'PutItem', 'UpdateItem'],
    why: 'only GET routes (the Idempotency-Key store writes for POSTs); of the registry read model it reads compounds, never apply()',
  },
  'audit-recorder': { indexes: ['gsi1'], why: "the registry read model's compoundsIn(), which the recorder never calls" },
  'access-registry-read-model': { indexes: ['gsi1'], why: "the registry read model's compoundsIn(); the consumer only calls apply()" },
};

const withTable = services.flatMap(functionsOf).filter((f) => f.service.ownsTable && f.kind !== 'trigger');

describe("each function's table access, as declared and as its code uses it", () => {
  test.each(withTable.map((f) => [f.name, f] as const))('%s', async (_, fn) => {
    const reached = await used(fn);
    const access = fn.table ?? { level: 'none' as const };
    const neverRun: { actions?: string[]; indexes?: IndexName[] } = NEVER_RUN[fn.name] ?? {};
    const actions = reached.actions.filter((a) => !neverRun.actions?.includes(a));
    const indexes = reached.indexes.filter((i) => !neverRun.indexes?.includes(i as IndexName));
    expect({ actions: actions.filter((a) => !allowed(access).includes(a)), indexes: indexes.filter((i) => !(access.indexes ?? []).includes(i as IndexName)) }).toEqual({ actions: [], indexes: [] });
    // Least privilege: no index the code never queries.
    expect([...(access.indexes ?? [])].sort()).toEqual(indexes);
    // An exception that the code no longer needs goes.
    for (const a of neverRun.actions ?? []) expect(reached.actions).toContain(a);
    for (const i of neverRun.indexes ?? []) expect(reached.indexes).toContain(i);
  });
});
