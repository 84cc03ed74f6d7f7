import { AsyncLocalStorage } from 'node:async_hooks';

/** Runtime configuration read from the environment. Deployed: set by CDK per function. Local: set by the local runtime. */
export type Stage = 'local' | 'dev' | 'prod' | (string & {});

export const stage = (): Stage => process.env.STAGE ?? 'local';

/**
 * Which function is running: deployed, one per process, told by its environment (GONGZHI_SERVICE,
 * its own table's variable, its queues' URLs); locally many share a process, so the local runtime
 * runs each invocation inside `runAsFunction` and a function sees only its own service's table,
 * exactly as the IAM policy allows deployed.
 */
export interface FunctionIdentity {
  service: string;
  /** `elections-api`, `funds-levy-units`: as the deployed function is named. */
  functionName: string;
  /** The service's own table, when it owns one. */
  table?: string;
}

const running = new AsyncLocalStorage<FunctionIdentity>();

export const runAsFunction = <T>(identity: FunctionIdentity, work: () => T): T => running.run(identity, work);

export function currentFunction(): FunctionIdentity | undefined {
  const local = running.getStore();
  if (local) return local;
  const service = process.env.GONGZHI_SERVICE;
  return service ? { service, functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? service, table: process.env.TABLE_NAME } : undefined;
}

/**
 * Locally: the id of this run of the local runtime, which is the only one using its data folder
 * (infra/local/instance.ts). A claim (libs/consume.ts, libs/http/idempotency.ts) that another run
 * made was made by a process that is gone, so it need not wait out its lease. Deployed: undefined
 * (concurrent Lambda instances are alive, and only a lease tells when a holder has gone).
 */
export const localRuntimeInstance = (): string | undefined => process.env.GONGZHI_LOCAL_INSTANCE || undefined;

/**
 * The condition under which a claim item (`#status`, `claimedUntil`, `claimedBy`) may be taken over:
 * its lease ran out, or (locally) a previous, dead run of the runtime made it. Uses `:now` and, locally, `:me`.
 */
export function staleClaimCondition(): { condition: string; values: Record<string, unknown> } {
  const me = localRuntimeInstance();
  if (!me) return { condition: 'claimedUntil < :now', values: {} };
  return { condition: '(claimedUntil < :now OR attribute_not_exists(claimedBy) OR claimedBy <> :me)', values: { ':me': me } };
}

export function currentService(): string {
  const found = currentFunction();
  if (!found) throw new Error('no gongzhi function is running here (GONGZHI_SERVICE is not set)');
  return found.service;
}

/** The table of `service`, which must be the running function's own: a service touches no other table. */
export function tableName(service: string): string {
  const here = currentFunction();
  if (!here) throw new Error(`the ${service} table is unknown outside a ${service} function`);
  if (here.service !== service) throw new Error(`${here.functionName} may not use the ${service} table: a service touches only its own`);
  if (!here.table) throw new Error(`${here.functionName} has no table`);
  return here.table;
}

export const eventBusName = (): string => process.env.EVENT_BUS_NAME ?? 'gongzhi-local';

/** Name of the JWT claim that carries a user's grants (space-separated, or an array), e.g. Cognito's custom attribute. */
export const grantsClaim = (): string => process.env.GRANTS_CLAIM ?? 'custom:grants';

/** The environment variable that carries a declared queue's URL to the functions allowed to send to it. */
export const queueUrlEnvVar = (queue: string): string => `QUEUE_${queue.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
