import type { InitializeMiddleware } from '@smithy/types';
import { currentFunction } from '../../libs/config';
import type { FunctionDecl, TableAccess } from '../../libs/topology';

/**
 * The IAM policy of each function's table access, enforced locally: infra/cdk grants a function
 * exactly the DynamoDB actions its declaration names (libs/topology.ts TableAccess), and this
 * middleware on the shared DynamoDB client refuses the rest, for the function the ALS scope says is
 * running (libs/config.ts). Code outside a declared function (the runtime, a test's `asService`) is
 * not checked. A refusal is AccessDeniedException, as deployed, so a function that writes where its
 * declaration says it only reads fails in `npm test` rather than after the deploy.
 */
const READ = new Set(['GetItem', 'BatchGetItem', 'Query']);
const WRITE: Record<TableAccess['level'], ReadonlySet<string>> = {
  none: new Set(),
  read: new Set(),
  'append-only': new Set(['PutItem']),
  'read-write': new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']),
};

export class AccessDenied extends Error {
  override readonly name = 'AccessDeniedException';
  readonly $fault = 'client';
}

const partitionKeyOf = (key: unknown): string | undefined => {
  const pk = (key as { pk?: unknown } | undefined)?.pk;
  if (typeof pk === 'string') return pk;
  const s = (pk as { S?: unknown } | undefined)?.S;
  return typeof s === 'string' ? s : undefined;
};

/** Why `fn` may not send `action` with `input`, or undefined when its declared access allows it. */
export function refusal(fn: Pick<FunctionDecl, 'name' | 'table'>, action: string, input: Record<string, unknown>): string | undefined {
  const access = fn.table;
  const denied = (why: string) => `${fn.name} is not authorized to perform dynamodb:${action}: ${why}`;
  if (!access) return denied('it declares no table access');
  if (READ.has(action)) {
    const index = input.IndexName as string | undefined;
    if (action === 'Query' && index && !(access.indexes ?? []).includes(index as never))
      return denied(`it declares no Query on the index ${index} (indexes: ${(access.indexes ?? []).join(', ') || 'none'})`);
    return undefined;
  }
  if (WRITE[access.level].has(action)) return undefined;
  if (action === 'UpdateItem' && access.level === 'append-only' && access.updates?.length) {
    const pk = partitionKeyOf(input.Key);
    if (pk !== undefined && access.updates.some((prefix) => pk.startsWith(prefix))) return undefined;
    return denied(`it is append-only and may update only items under ${access.updates.map((p) => `${p}…`).join(', ')}, not ${pk}`);
  }
  return denied(`its declared table access is ${access.level}`);
}

/** The middleware: looks up the running function's declaration by name. */
export function tableAccessGuard(declarationOf: (functionName: string) => FunctionDecl | undefined): InitializeMiddleware<any, any> {
  return (next, context) => async (args) => {
    const running = currentFunction();
    const fn = running && declarationOf(running.functionName);
    if (fn) {
      const action = String((context as { commandName?: string }).commandName ?? '').replace(/Command$/, '');
      const why = refusal(fn, action, args.input as Record<string, unknown>);
      if (why) throw new AccessDenied(why);
    }
    return next(args);
  };
}
