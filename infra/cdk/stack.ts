import { join } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, TimeZone, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { grantsClaim, queueUrlEnvVar } from '../../libs/config';
import { TABLE_INDEXES, TABLE_KEY } from '../../libs/table';
import { DEFAULT_TIME_ZONE, functionsOf, schedulesOf, type FunctionDecl, type ServiceTopology } from '../../libs/topology';

export interface GongzhiStackProps extends StackProps {
  /** `prod` turns on deletion protection and RETAIN for the tables. */
  stage: string;
  services: readonly ServiceTopology[];
  /** Origins of the web app (CORS for browser uploads to the file buckets). */
  webOrigins?: string[];
  /** An external OIDC issuer instead of the Cognito user pool the stack would create. */
  oidc?: { issuer: string; audience: string[] };
  /** Repo root, for handler entries. */
  root: string;
}

/** A Lambda-friendly name: CloudFormation ids must be alphanumeric. */
const pascal = (s: string) => s.replace(/(^|[-_/])(\w)/g, (_, __, c: string) => c.toUpperCase());

/**
 * The whole of gongzhi in one stack, built from the services' topology declarations: a table per
 * service, one event bus, a function per declared handler, a rule per subscription, a schedule per
 * declared schedule, and the HTTP API with its JWT authorizer.
 */
export class GongzhiStack extends Stack {
  readonly functions = new Map<string, NodejsFunction>();
  readonly tables = new Map<string, dynamodb.Table>();
  /** `service` → its bucket, for services that keep files. */
  readonly buckets = new Map<string, s3.Bucket>();
  /** `service/queue` → the work queue. */
  readonly queues = new Map<string, sqs.Queue>();
  readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: GongzhiStackProps) {
    super(scope, id, props);
    const prod = props.stage === 'prod';

    const bus = new events.EventBus(this, 'Bus', { eventBusName: `gongzhi-${props.stage}` });

    const deadLetters = new sqs.Queue(this, 'DeliveryDeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the event rules and schedules.',
    });

    // Whatever lands in a dead-letter queue needs a person: every DLQ alarms to this topic.
    this.alarmTopic = new sns.Topic(this, 'Alarms', { displayName: `gongzhi ${props.stage} alarms`, enforceSSL: true });
    const alarmOnMessages = (id: string, queue: sqs.IQueue, what: string) => {
      const alarm = new cloudwatch.Alarm(this, id, {
        alarmDescription: `${what}: a message is waiting in ${queue.queueName}`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alarmTopic));
      return alarm;
    };
    alarmOnMessages('DeliveryDeadLettersAlarm', deadLetters, 'Event or schedule deliveries failed after all retries');

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
          cors: props.webOrigins?.length
            ? [{ allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET], allowedOrigins: props.webOrigins, allowedHeaders: ['content-type'], maxAge: 3000 }]
            : undefined,
        });
        this.buckets.set(service.name, bucket);
      }
    }

    const makeFunction = (decl: FunctionDecl) => {
      const { service, name, entry } = decl;
      const logGroup = new logs.LogGroup(this, `${pascal(name)}Logs`, {
        retention: prod ? logs.RetentionDays.ONE_YEAR : logs.RetentionDays.ONE_MONTH,
        removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      // An own role instead of the managed basic-execution policy: logs to its own group only.
      const role = new iam.Role(this, `${pascal(name)}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      logGroup.grantWrite(role);
      const table = this.tables.get(service.name);
      const fn = new NodejsFunction(this, pascal(name), {
        entry: join(props.root, entry),
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
          EVENT_BUS_NAME: bus.eventBusName,
          GRANTS_CLAIM: grantsClaim(),
          POWERTOOLS_SERVICE_NAME: `gongzhi-${service.name}`,
          NODE_OPTIONS: '--enable-source-maps',
          GONGZHI_SERVICE: service.name,
          // Its own table only, and the URLs of the queues it declares it sends to.
          ...(table ? { TABLE_NAME: table.tableName } : {}),
          ...(this.buckets.has(service.name) ? { BUCKET_NAME: this.buckets.get(service.name)!.bucketName } : {}),
          ...Object.fromEntries(decl.sendsTo.map((q) => [queueUrlEnvVar(q), this.queues.get(`${service.name}/${q}`)!.queueUrl])),
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
      // Exactly its own table, PutEvents on the bus only under its own source, SendMessage on its declared queues.
      table?.grantReadWriteData(fn);
      for (const q of decl.sendsTo) this.queues.get(`${service.name}/${q}`)!.grantSendMessages(fn);
      const bucket = this.buckets.get(service.name);
      if (bucket) {
        // Get and put objects (presigned URLs act with the function's rights); never list or delete.
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [bucket.arnForObjects('*')] }));
        Validations.of(role).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${this.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
          reason: "The wildcard is the objects of the service's own bucket; nothing else.",
        });
      }
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['events:PutEvents'],
          resources: [bus.eventBusArn],
          conditions: { StringEquals: { 'events:source': [service.source] } },
        }),
      );
      if (table) {
        const tableId = this.getLogicalId(table.node.defaultChild as dynamodb.CfnTable);
        Validations.of(role).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
          reason: "The wildcard is the function's own table's indexes, which it queries; nothing else.",
        });
      }
      this.functions.set(name, fn);
      return fn;
    };

    // ---- HTTP API ----
    let authorizer: HttpJwtAuthorizer;
    if (props.oidc) {
      authorizer = new HttpJwtAuthorizer('Jwt', props.oidc.issuer, { jwtAudience: props.oidc.audience });
    } else {
      const userPool = new cognito.UserPool(this, 'Users', {
        selfSignUpEnabled: false,
        signInAliases: { email: true },
        mfa: cognito.Mfa.REQUIRED,
        mfaSecondFactor: { sms: false, otp: true },
        passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
        featurePlan: cognito.FeaturePlan.PLUS,
        standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
        customAttributes: { grants: new cognito.StringAttribute({ mutable: true, maxLen: 2048 }) },
        removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        deletionProtection: prod,
      });
      // Users may read their grants but never write them: only administrators assign roles.
      const readable = new cognito.ClientAttributes().withStandardAttributes({ email: true }).withCustomAttributes('grants');
      const writable = new cognito.ClientAttributes().withStandardAttributes({ email: true });
      const client = userPool.addClient('WebClient', {
        authFlows: { userSrp: true },
        readAttributes: readable,
        writeAttributes: writable,
        idTokenValidity: Duration.hours(1),
        accessTokenValidity: Duration.hours(1),
      });
      authorizer = new HttpJwtAuthorizer('Jwt', `https://cognito-idp.${this.region}.amazonaws.com/${userPool.userPoolId}`, {
        jwtAudience: [client.userPoolClientId],
      });
      new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: client.userPoolClientId });
    }

    // Work queues first: functions that send to them need their URLs.
    for (const service of props.services) {
      for (const declared of service.queues ?? []) {
        const id = `${pascal(service.name)}${pascal(declared.name)}`;
        const dlq = new sqs.Queue(this, `${id}DeadLetters`, { retentionPeriod: Duration.days(14), encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
        Validations.of(dlq).acknowledge({ id: 'AwsSolutions-SQS3', reason: `This queue is itself the dead-letter queue of ${service.name}/${declared.name}.` });
        const timeout = declared.timeoutSeconds ?? 120;
        const queue = new sqs.Queue(this, `${id}Queue`, {
          // AWS's advice for Lambda event sources: at least six times the function's timeout.
          visibilityTimeout: Duration.seconds(timeout * 6),
          retentionPeriod: Duration.days(4),
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          deadLetterQueue: { queue: dlq, maxReceiveCount: declared.maxReceives ?? 5 },
        });
        alarmOnMessages(`${id}DeadLettersAlarm`, dlq, `Units of ${service.name}/${declared.name} failed ${declared.maxReceives ?? 5} times`);
        this.queues.set(`${service.name}/${declared.name}`, queue);
      }
    }
    const declared = new Map(props.services.flatMap((service) => functionsOf(service).map((f) => [f.name, f] as const)));
    const decl = (service: ServiceTopology, part: string) => declared.get(`${service.name}-${part}`)!;

    const meta = props.services.find((s) => s.name === 'meta');
    const metaFn = meta?.api ? makeFunction(decl(meta, 'api')) : undefined;
    const api = new apigw.HttpApi(this, 'Api', {
      apiName: `gongzhi-${props.stage}`,
      createDefaultStage: false,
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

    for (const service of props.services) {
      if (service.api) {
        const fn = service === meta ? metaFn! : makeFunction(decl(service, 'api'));
        const integration = new HttpLambdaIntegration(`${pascal(service.name)}Integration`, fn);
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
        const fn = makeFunction(decl(service, consumer.name));
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
          targets: [new targets.LambdaFunction(fn, { deadLetterQueue: deadLetters, retryAttempts: 8, maxEventAge: Duration.hours(6) })],
        });
      }
      for (const schedule of schedulesOf(service)) {
        const fn = makeFunction(decl(service, schedule.name));
        const id = `${service.name}/${schedule.name}`;
        new scheduler.Schedule(this, `${fn.node.id}Schedule`, {
          schedule: scheduler.ScheduleExpression.expression(schedule.expression, TimeZone.of(schedule.timeZone ?? DEFAULT_TIME_ZONE)),
          description: schedule.description,
          target: new schedulerTargets.LambdaInvoke(fn, {
            input: scheduler.ScheduleTargetInput.fromObject({ schedule: id, scheduledTime: scheduler.ContextAttribute.scheduledTime }),
            deadLetterQueue: deadLetters,
            retryAttempts: 3,
            maxEventAge: Duration.hours(1),
          }),
        });
        const fnId = this.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
        Validations.of(this).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${fnId}.Arn>:*]`,
          reason: "EventBridge Scheduler's role may invoke the target function's versions and aliases (`<function arn>:*`); that function only.",
        });
      }
      for (const queue of service.queues ?? []) {
        const fn = makeFunction(decl(service, queue.name));
        fn.addEventSource(
          new SqsEventSource(this.queues.get(`${service.name}/${queue.name}`)!, {
            batchSize: queue.batchSize ?? 10,
            reportBatchItemFailures: true,
            maxConcurrency: Math.max(2, queue.maxConcurrency ?? 5),
          }),
        );
      }
    }

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName });
  }
}
