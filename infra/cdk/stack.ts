import { CfnOutput, Duration, RemovalPolicy, Stack, TimeZone, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLE_INDEXES, TABLE_KEY } from '../../libs/table';
import { DEFAULT_TIME_ZONE, functionsOf, schedulesOf, type FunctionDecl, type ServiceTopology } from '../../libs/topology';
import { Alarms } from './alarms';
import { FunctionFactory, pascal } from './functions';
import { signIn, webOriginsFrom } from './sign-in';

export interface GongzhiStackProps extends StackProps {
  /** `prod` turns on deletion protection and RETAIN for the tables and the user pool. */
  stage: string;
  services: readonly ServiceTopology[];
  /** An external OIDC issuer instead of the Cognito user pool the stack would create. */
  oidc?: { issuer: string; audience: string[] };
  /** Origins of the web application: Cognito callback/logout URLs and CORS (see sign-in.ts `webOriginsFrom`). */
  webOrigins?: readonly string[];
  /** Managed-login domain prefix. */
  signInDomain?: string;
  /** Who is emailed when an alarm fires. */
  alarmEmails?: readonly string[];
  /** Repo root, for handler entries. */
  root: string;
}

/** Headers browsers may send and read across origins: what the API takes and answers (libs/http). */
export const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'idempotency-key'];
export const CORS_EXPOSE_HEADERS = ['x-request-id', 'idempotent-replayed', 'location', 'retry-after'];

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
 * The whole of gongzhi in one stack, built from the services' topology declarations: a table per
 * service, one event bus, a function per declared handler, a rule per subscription, a schedule per
 * declared schedule, a queue per declared queue, the HTTP API with its JWT authorizer, sign-in, and
 * an alarm on every place where work can fail or wait (docs/deploy.md).
 */
export class GongzhiStack extends Stack {
  readonly functions: ReadonlyMap<string, NodejsFunction>;
  readonly tables = new Map<string, dynamodb.Table>();
  /** `service` → its bucket, for services that keep files. */
  readonly buckets = new Map<string, s3.Bucket>();
  /** `service/queue` → the work queue. */
  readonly queues = new Map<string, sqs.Queue>();
  /** Function name → the queue its failed asynchronous invocations land in. */
  readonly failureQueues: ReadonlyMap<string, sqs.Queue>;
  readonly alarmTopic: sns.Topic;
  readonly userPool?: cognito.UserPool;

  constructor(scope: Construct, id: string, props: GongzhiStackProps) {
    super(scope, id, props);
    const prod = props.stage === 'prod';
    const webOrigins = props.webOrigins ?? webOriginsFrom(undefined, props.stage);

    const bus = new events.EventBus(this, 'Bus', { eventBusName: `gongzhi-${props.stage}` });
    const alarms = new Alarms(this, { stage: props.stage, emails: props.alarmEmails ?? [] });
    this.alarmTopic = alarms.topic;
    // Deliveries EventBridge (rules) and Scheduler (schedules) could not make after their retries.
    const deliveryDeadLetters = alarms.deadLetterQueue(this, 'DeliveryDeadLetters', 'Event or schedule deliveries failed after all retries');

    for (const service of props.services.filter((s) => s.ownsTable)) {
      const table = new dynamodb.Table(this, `${pascal(service.name)}Table`, {
        tableName: `gongzhi-${props.stage}-${service.name}`,
        partitionKey: { name: TABLE_KEY.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: TABLE_KEY.sortKey, type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: prod,
        removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
      });
      for (const index of TABLE_INDEXES) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        });
      }
      this.tables.set(service.name, table);
    }

    // A bucket per service that keeps files: private, encrypted, TLS only, access-logged.
    const fileServices = props.services.filter((s) => s.files);
    if (fileServices.length) {
      const accessLogs = new s3.Bucket(this, 'FileAccessLogs', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
        removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        lifecycleRules: [{ expiration: Duration.days(prod ? 400 : 30) }],
      });
      Validations.of(accessLogs).acknowledge({ id: 'AwsSolutions-S1', reason: 'This bucket holds the server access logs of the file buckets; it does not log itself.' });
      for (const service of fileServices) {
        const bucket = new s3.Bucket(this, `${pascal(service.name)}Files`, {
          encryption: s3.BucketEncryption.S3_MANAGED,
          blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
          enforceSSL: true,
          versioned: prod,
          serverAccessLogsBucket: accessLogs,
          serverAccessLogsPrefix: `${service.name}/`,
          removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
          // Browsers upload straight to the bucket with a presigned PUT, from the web app's origins.
          cors: webOrigins.length
            ? [{ allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET], allowedOrigins: [...webOrigins], allowedHeaders: ['content-type'], maxAge: 3000 }]
            : undefined,
        });
        this.buckets.set(service.name, bucket);
      }
    }

    // Work queues first: functions that send to them need their URLs.
    for (const service of props.services) {
      for (const declared of service.queues ?? []) {
        const id = `${pascal(service.name)}${pascal(declared.name)}`;
        const maxReceives = declared.maxReceives ?? 5;
        const dlq = alarms.deadLetterQueue(this, `${id}DeadLetters`, `Units of ${service.name}/${declared.name} failed ${maxReceives} times`);
        const timeout = declared.timeoutSeconds ?? 120;
        const queue = new sqs.Queue(this, `${id}Queue`, {
          // AWS's advice for Lambda event sources: at least six times the function's timeout.
          visibilityTimeout: Duration.seconds(timeout * 6),
          retentionPeriod: Duration.days(4),
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          deadLetterQueue: { queue: dlq, maxReceiveCount: maxReceives },
        });
        this.queues.set(`${service.name}/${declared.name}`, queue);
      }
    }

    const { authorizer, userPool } = signIn(this, { stage: props.stage, webOrigins, domainPrefix: props.signInDomain, oidc: props.oidc });
    this.userPool = userPool;

    const factory = new FunctionFactory(this, { stage: props.stage, root: props.root, bus, tables: this.tables, buckets: this.buckets, queues: this.queues, alarms, userPool });
    this.functions = factory.functions;
    this.failureQueues = factory.failureQueues;
    const declared = new Map(props.services.flatMap((service) => functionsOf(service).map((f) => [f.name, f] as const)));
    const make = (service: ServiceTopology, part: string) => factory.make(declared.get(`${service.name}-${part}`) as FunctionDecl);

    const meta = props.services.find((s) => s.name === 'meta');
    const metaFn = meta?.api ? make(meta, 'api') : undefined;
    const api = new apigw.HttpApi(this, 'Api', {
      apiName: `gongzhi-${props.stage}`,
      createDefaultStage: false,
      // API Gateway answers the preflight itself, before any authorizer or route.
      corsPreflight: {
        allowOrigins: [...webOrigins],
        allowMethods: [apigw.CorsHttpMethod.GET, apigw.CorsHttpMethod.POST, apigw.CorsHttpMethod.PUT, apigw.CorsHttpMethod.PATCH, apigw.CorsHttpMethod.DELETE],
        allowHeaders: CORS_ALLOW_HEADERS,
        exposeHeaders: CORS_EXPOSE_HEADERS,
        maxAge: Duration.hours(1),
      },
    });
    if (metaFn) {
      // Unknown routes and methods reach the meta function, which answers 404/405 problems.
      const fallback = new apigw.HttpRoute(this, 'FallbackRoute', {
        httpApi: api,
        routeKey: apigw.HttpRouteKey.DEFAULT,
        integration: new HttpLambdaIntegration('FallbackIntegration', metaFn),
      });
      Validations.of(fallback).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: 'The $default route only answers 404/405 problems for paths and methods that do not exist.',
      });
    }
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: prod ? logs.RetentionDays.ONE_YEAR : logs.RetentionDays.ONE_MONTH,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
      throttle: { rateLimit: 200, burstLimit: 400 },
    });
    alarms.onApi(this, api);

    for (const service of props.services) {
      if (service.api) {
        const fn = service === meta ? metaFn! : make(service, 'api');
        // One invoke permission per service function (for this API), not one per route: a stack may hold
        // 500 resources, and a route-scoped permission adds one per route for a function that serves them all.
        const integration = new HttpLambdaIntegration(`${pascal(service.name)}Integration`, fn, { scopePermissionToRoute: false });
        for (const route of service.api.routes) {
          const [created] = api.addRoutes({
            path: route.path,
            methods: [route.method as apigw.HttpMethod],
            integration,
            authorizer: route.allow === 'public' ? new apigw.HttpNoneAuthorizer() : authorizer,
          });
          if (route.allow === 'public' && created) {
            Validations.of(created).acknowledge({
              id: 'AwsSolutions-APIG4',
              reason: `${route.method} ${route.path} is public by design (${route.summary}).`,
            });
          }
        }
      }
      for (const consumer of service.consumers) {
        const fn = make(service, consumer.name);
        const { source, 'detail-type': detailType, detail, ...rest } = consumer.pattern as Record<string, unknown>;
        new events.Rule(this, `${pascal(fn.node.id)}Rule`, {
          eventBus: bus,
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
        const fn = make(service, schedule.name);
        const id = `${service.name}/${schedule.name}`;
        new scheduler.Schedule(this, `${fn.node.id}Schedule`, {
          schedule: scheduler.ScheduleExpression.expression(schedule.expression, TimeZone.of(schedule.timeZone ?? DEFAULT_TIME_ZONE)),
          description: schedule.description,
          target: new InvokeFunctionOnly(fn, {
            input: scheduler.ScheduleTargetInput.fromObject({ schedule: id, scheduledTime: scheduler.ContextAttribute.scheduledTime }),
            deadLetterQueue: deliveryDeadLetters,
            retryAttempts: 3,
            maxEventAge: Duration.hours(1),
          }),
        });
      }
      for (const queue of service.queues ?? []) {
        const fn = make(service, queue.name);
        fn.addEventSource(
          new SqsEventSource(this.queues.get(`${service.name}/${queue.name}`)!, {
            batchSize: queue.batchSize ?? 10,
            reportBatchItemFailures: true,
            maxConcurrency: Math.max(2, queue.maxConcurrency ?? 5),
          }),
        );
      }
      // Triggers exist only with the stack's own user pool; an external issuer has none.
      for (const trigger of userPool ? (service.triggers ?? []) : []) {
        const fn = make(service, trigger.name);
        userPool!.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, fn, cognito.LambdaVersion.V2_0);
      }
    }

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
  }
}
