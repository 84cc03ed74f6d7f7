import { Duration, NestedStack, RemovalPolicy, TimeZone, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLE_INDEXES, TABLE_KEY, TTL_ATTRIBUTE } from '../../libs/table';
import { DEFAULT_TIME_ZONE, functionsOf, schedulesOf, type ServiceTopology } from '../../libs/topology';
import type { Alarms } from './alarms';
import { deployedQueueName, FunctionFactory, pascal } from './functions';
import type { ServiceExtension } from './service-extensions';

/** What a service's stack takes from the platform stack (CDK passes each reference as a nested-stack parameter). */
export interface Platform {
  stage: string;
  /** Repo root, for handler entries. */
  root: string;
  bus: events.IEventBus;
  alarms: Alarms;
  /** Where EventBridge and Scheduler park deliveries they could not make. */
  deliveryDeadLetters: sqs.IQueue;
  api: apigw.IHttpApi;
  /** The JWT authorizer every non-public route uses. */
  authorizer: apigw.IHttpRouteAuthorizer;
  /** Where file buckets write their server access logs. */
  fileAccessLogs?: s3.IBucket;
  /** Origins allowed to PUT and GET files with presigned URLs. */
  webOrigins: readonly string[];
  userPool?: cognito.IUserPool;
}

/**
 * EventBridge Scheduler's role may invoke exactly the target function. The stock LambdaInvoke target
 * grants `grantInvoke`, which adds `<function arn>:*` (versions and aliases) that a schedule of
 * `$LATEST` never needs.
 */
class InvokeFunctionOnly extends schedulerTargets.LambdaInvoke {
  constructor(
    private readonly target: lambda.IFunction,
    props: schedulerTargets.ScheduleTargetBaseProps,
  ) {
    super(target, props);
  }

  protected override addTargetActionToRole(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.target.functionArn] }));
  }
}

/**
 * Everything of one service, in its own nested stack so that no template grows with the number of
 * services: its table, its bucket, its work queues and their dead-letter queues, its functions (each
 * with its role, log group, alarms and on-failure queue), its rules, schedules and queue workers, and
 * its API routes with their one integration. Sign-in triggers are the exception: they live with the
 * user pool in the platform stack (see stack.ts). What the topology cannot say (SNS topics, SES
 * identities, …) a `ServiceExtension` adds last, in this stack (service-extensions.ts).
 */
export class ServiceStack extends NestedStack {
  readonly table?: dynamodb.Table;
  readonly bucket?: s3.Bucket;
  /** Queue name → the work queue. */
  readonly queues = new Map<string, sqs.Queue>();
  /** Function name → function. */
  readonly functions: ReadonlyMap<string, NodejsFunction>;
  /** The function behind the service's API routes, if it has any. */
  readonly apiFunction?: NodejsFunction;

  constructor(scope: Construct, id: string, service: ServiceTopology, platform: Platform, extension?: ServiceExtension) {
    super(scope, id, { description: `gongzhi ${platform.stage}: the ${service.name} service` });
    const prod = platform.stage === 'prod';
    const name = pascal(service.name);

    if (service.ownsTable) {
      this.table = new dynamodb.Table(this, `${name}Table`, {
        tableName: `gongzhi-${platform.stage}-${service.name}`,
        partitionKey: { name: TABLE_KEY.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: TABLE_KEY.sortKey, type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: prod,
        removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        timeToLiveAttribute: TTL_ATTRIBUTE,
      });
      for (const index of TABLE_INDEXES) {
        this.table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        });
      }
    }

    // Private, encrypted, TLS only, access-logged to the platform's log bucket.
    if (service.files) {
      this.bucket = new s3.Bucket(this, `${name}Files`, {
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        versioned: prod,
        serverAccessLogsBucket: platform.fileAccessLogs,
        serverAccessLogsPrefix: `${service.name}/`,
        removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        // Browsers upload straight to the bucket with a presigned PUT, from the web app's origins.
        cors: platform.webOrigins.length
          ? [{ allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET], allowedOrigins: [...platform.webOrigins], allowedHeaders: ['content-type'], maxAge: 3000 }]
          : undefined,
      });
    }

    // Work queues first: functions that send to them need their URLs.
    for (const declared of service.queues ?? []) {
      const id = `${name}${pascal(declared.name)}`;
      const queueName = deployedQueueName(platform.stage, `${service.name}-${declared.name}`);
      const maxReceives = declared.maxReceives ?? 5;
      const dlq = platform.alarms.deadLetterQueue(
        this,
        `${id}DeadLetters`,
        `Units of ${service.name}/${declared.name} failed ${maxReceives} times`,
        deployedQueueName(platform.stage, `${service.name}-${declared.name}-dead-letters`),
      );
      const timeout = declared.timeoutSeconds ?? 120;
      const queue = new sqs.Queue(this, `${id}Queue`, {
        queueName,
        // AWS's advice for Lambda event sources: at least six times the function's timeout.
        visibilityTimeout: Duration.seconds(timeout * 6),
        retentionPeriod: Duration.days(4),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: dlq, maxReceiveCount: maxReceives },
      });
      this.queues.set(declared.name, queue);
    }

    const factory = new FunctionFactory(this, { stage: platform.stage, root: platform.root, bus: platform.bus, alarms: platform.alarms, userPool: platform.userPool });
    this.functions = factory.functions;
    const declared = new Map(functionsOf(service).map((f) => [f.part, f] as const));
    const own = { table: this.table, bucket: this.bucket, queues: this.queues };
    const make = (part: string) => factory.make(declared.get(part)!, own);

    if (service.api) {
      const fn = make('api');
      this.apiFunction = fn;
      // One permission for the function on the whole API instead of one per route: a route cannot reach
      // the function unless this service's stack gave it the integration anyway.
      const integration = new HttpLambdaIntegration(`${name}Integration`, fn, { scopePermissionToRoute: false });
      for (const route of service.api.routes) {
        const created = new apigw.HttpRoute(this, `${route.method}${route.path}`, {
          httpApi: platform.api,
          routeKey: apigw.HttpRouteKey.with(route.path, route.method as apigw.HttpMethod),
          integration,
          authorizer: route.allow === 'public' ? new apigw.HttpNoneAuthorizer() : platform.authorizer,
        });
        if (route.allow === 'public') {
          Validations.of(created).acknowledge({ id: 'AwsSolutions-APIG4', reason: `${route.method} ${route.path} is public by design (${route.summary}).` });
        }
      }
    }

    // The platform's dead-letter queue, imported: its one policy statement admits every rule on the bus
    // (stack.ts), so adding a rule here changes nothing in the platform stack.
    const deliveryDeadLetters = sqs.Queue.fromQueueArn(this, 'DeliveryDeadLetters', platform.deliveryDeadLetters.queueArn);
    for (const consumer of service.consumers) {
      const fn = make(consumer.name);
      const { source, 'detail-type': detailType, detail, ...rest } = consumer.pattern as Record<string, unknown>;
      new events.Rule(this, `${pascal(fn.node.id)}Rule`, {
        eventBus: platform.bus,
        description: consumer.description,
        eventPattern: {
          source: source as string[] | undefined,
          detailType: detailType as string[] | undefined,
          detail: detail as Record<string, unknown> | undefined,
          ...rest,
        },
        // Delivery to Lambda (throttling, service errors); the function's own failures go to its on-failure queue.
        targets: [new targets.LambdaFunction(fn, { deadLetterQueue: deliveryDeadLetters, retryAttempts: 8, maxEventAge: Duration.hours(6) })],
      });
    }
    for (const schedule of schedulesOf(service)) {
      const fn = make(schedule.name);
      new scheduler.Schedule(this, `${fn.node.id}Schedule`, {
        schedule: scheduler.ScheduleExpression.expression(schedule.expression, TimeZone.of(schedule.timeZone ?? DEFAULT_TIME_ZONE)),
        description: schedule.description,
        target: new InvokeFunctionOnly(fn, {
          input: scheduler.ScheduleTargetInput.fromObject({ schedule: `${service.name}/${schedule.name}`, scheduledTime: scheduler.ContextAttribute.scheduledTime }),
          deadLetterQueue: deliveryDeadLetters,
          retryAttempts: 3,
          maxEventAge: Duration.hours(1),
        }),
      });
    }
    for (const queue of service.queues ?? []) {
      make(queue.name).addEventSource(
        new SqsEventSource(this.queues.get(queue.name)!, {
          batchSize: queue.batchSize ?? 10,
          reportBatchItemFailures: true,
          maxConcurrency: Math.max(2, queue.maxConcurrency ?? 5),
        }),
      );
    }

    extension?.({
      stack: this,
      service,
      platform,
      fn: (part) => {
        const found = declared.get(part) && this.functions.get(declared.get(part)!.name);
        if (!found) throw new Error(`${service.name} has no function ${part} in its stack`);
        return found;
      },
    });
  }
}
