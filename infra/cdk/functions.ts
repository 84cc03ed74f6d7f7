import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations, type Stack } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { grantsClaim, queueUrlEnvVar } from '../../libs/config';
import type { FunctionDecl, TableAccess } from '../../libs/topology';
import type { Alarms } from './alarms';

/** A Lambda-friendly name: CloudFormation ids must be alphanumeric. */
export const pascal = (s: string) => s.replace(/(^|[-_/])(\w)/g, (_, __, c: string) => c.toUpperCase());

/**
 * Lambda's own retries of an asynchronous invocation (rule and schedule targets) after the function
 * failed: the most Lambda allows, about 1 and 3 minutes after the failure, so a consumer whose claim
 * was held (libs/consume.ts) finds it finished or expired. Then the event goes to the function's
 * on-failure queue, never nowhere.
 */
export const ASYNC_RETRY_ATTEMPTS = 2;
/** How long an event may wait for a throttled function before it goes to the on-failure queue (Lambda's maximum). */
export const ASYNC_MAX_EVENT_AGE = Duration.hours(6);

const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const WRITE: Record<TableAccess['level'], string[]> = {
  none: [],
  read: [],
  'append-only': ['dynamodb:PutItem'],
  'read-write': ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
};

/** The IAM statements for a declared table access: those actions on the table, Query on the declared indexes only. */
export function tableStatements(table: dynamodb.ITable, access: TableAccess): iam.PolicyStatement[] {
  const statements = [new iam.PolicyStatement({ actions: [...READ, ...WRITE[access.level]], resources: [table.tableArn] })];
  if (access.indexes?.length) {
    statements.push(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: access.indexes.map((index) => `${table.tableArn}/index/${index}`) }));
  }
  if (access.updates?.length) {
    statements.push(
      new iam.PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': access.updates.map((prefix) => `${prefix}*`) } },
      }),
    );
  }
  return statements;
}

export interface FunctionFactoryProps {
  stage: string;
  root: string;
  bus: events.IEventBus;
  tables: ReadonlyMap<string, dynamodb.ITable>;
  /** `service` → its bucket, for services that keep files. */
  buckets: ReadonlyMap<string, s3.IBucket>;
  /** `service/queue` → its work queue. */
  queues: ReadonlyMap<string, sqs.IQueue>;
  alarms: Alarms;
  userPool?: cognito.IUserPool;
}

/**
 * Makes each declared function with exactly what it declares: its own role and log group, its own
 * table with the declared access, PutEvents under its own source, SendMessage on its declared queues,
 * its errors and throttles alarmed, and, when invoked asynchronously (rule and schedule targets), an
 * on-failure queue with its alarm.
 */
export class FunctionFactory {
  readonly functions = new Map<string, NodejsFunction>();
  /** Function name → the queue its failed asynchronous invocations land in. */
  readonly failureQueues = new Map<string, sqs.Queue>();

  constructor(
    private readonly scope: Stack,
    private readonly props: FunctionFactoryProps,
  ) {}

  make(decl: FunctionDecl): NodejsFunction {
    const { scope, props } = this;
    const { service, name } = decl;
    const id = pascal(name);
    const prod = props.stage === 'prod';
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: prod ? logs.RetentionDays.ONE_YEAR : logs.RetentionDays.ONE_MONTH,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // An own role instead of the managed basic-execution policy: logs to its own group only.
    const role = new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    const table = decl.table ? props.tables.get(service.name) : undefined;
    const publishes = service.publishes.length > 0 && decl.kind !== 'trigger';
    const fn = new NodejsFunction(scope, id, {
      entry: join(props.root, decl.entry),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: decl.memoryMb,
      timeout: Duration.seconds(decl.timeoutSeconds),
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        STAGE: props.stage,
        GRANTS_CLAIM: grantsClaim(),
        POWERTOOLS_SERVICE_NAME: `gongzhi-${service.name}`,
        NODE_OPTIONS: '--enable-source-maps',
        GONGZHI_SERVICE: service.name,
        // libs/consume.ts sizes a consumer's claim lease to this when it is not given Lambda's context.
        GONGZHI_TIMEOUT_SECONDS: String(decl.timeoutSeconds),
        ...(publishes ? { EVENT_BUS_NAME: props.bus.eventBusName } : {}),
        // Its own table only, and the URLs of the queues it declares it sends to.
        ...(table ? { TABLE_NAME: table.tableName } : {}),
        ...(props.buckets.has(service.name) ? { BUCKET_NAME: props.buckets.get(service.name)!.bucketName } : {}),
        ...Object.fromEntries(decl.sendsTo.map((q) => [queueUrlEnvVar(q), this.queue(service.name, q).queueUrl])),
        // Without a user pool (an external issuer keeps its own users) there is no directory to update (docs/auth.md).
        ...(decl.updatesUserGrants && props.userPool ? { USER_POOL_ID: props.userPool.userPoolId } : {}),
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // ESM bundles still meet CommonJS dependencies that call require().
        banner: "import { createRequire as __gongzhiRequire } from 'module'; const require = __gongzhiRequire(import.meta.url);",
      },
    });

    if (table && decl.table) for (const statement of tableStatements(table, decl.table)) role.addToPrincipalPolicy(statement);
    for (const q of decl.sendsTo) this.queue(service.name, q).grantSendMessages(role);
    const bucket = props.buckets.get(service.name);
    if (bucket) {
      // Get and put objects (presigned URLs act with the function's rights); never list or delete.
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [bucket.arnForObjects('*')] }));
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${scope.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
        reason: "The wildcard is the objects of the service's own bucket; nothing else.",
      });
    }
    if (publishes) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['events:PutEvents'],
          resources: [props.bus.eventBusArn],
          conditions: { StringEquals: { 'events:source': [service.source] } },
        }),
      );
    }
    if (decl.updatesUserGrants && props.userPool) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['cognito-idp:AdminUpdateUserAttributes'], resources: [props.userPool.userPoolArn] }));
    }

    if (decl.kind === 'consumer' || decl.kind === 'schedule') {
      const failures = props.alarms.deadLetterQueue(scope, `${id}Failures`, `${name} failed ${ASYNC_RETRY_ATTEMPTS + 1} times or its event expired`);
      fn.configureAsyncInvoke({ onFailure: new destinations.SqsDestination(failures), retryAttempts: ASYNC_RETRY_ATTEMPTS, maxEventAge: ASYNC_MAX_EVENT_AGE });
      this.failureQueues.set(name, failures);
    }
    props.alarms.onFunction(scope, id, fn, name);
    this.functions.set(name, fn);
    return fn;
  }

  private queue(service: string, name: string): sqs.IQueue {
    const found = this.props.queues.get(`${service}/${name}`);
    if (!found) throw new Error(`no queue ${service}/${name}`);
    return found;
  }
}
