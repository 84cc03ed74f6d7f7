/** Runtime configuration read from the environment. Deployed: set by CDK per function. Local: set by the local runtime. */
export type Stage = 'local' | 'dev' | 'prod' | (string & {});

export const stage = (): Stage => process.env.STAGE ?? 'local';

/** Each service's table name travels in its own variable, so one process can host every service locally. */
export const tableEnvVar = (service: string): string => `${service.toUpperCase()}_TABLE`;

export function tableName(service: string): string {
  const name = process.env[tableEnvVar(service)];
  if (!name) throw new Error(`${tableEnvVar(service)} is not set: the ${service} table is unknown`);
  return name;
}

export const eventBusName = (): string => process.env.EVENT_BUS_NAME ?? 'gongzhi-local';

/** Name of the JWT claim that carries a user's grants (space-separated), e.g. Cognito's custom attribute. */
export const grantsClaim = (): string => process.env.GRANTS_CLAIM ?? 'custom:grants';
