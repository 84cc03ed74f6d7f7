import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { functionsOf, type ServiceTopology } from '../../libs/topology';
import { Alarms } from './alarms';
import { deployedQueueName, FunctionFactory, pascal } from './functions';
import { SERVICE_EXTENSIONS, type ServiceExtension } from './service-extensions';
import { ServiceStack, type Platform } from './service-stack';
import { signIn, webOriginsFrom } from './sign-in';
import { WebSite } from './web';

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
  /** Service name → what its nested stack holds beyond its topology; SERVICE_EXTENSIONS unless given. */
  extensions?: Readonly<Record<string, ServiceExtension>>;
}

/** Headers browsers may send and read across origins: what the API takes and answers (libs/http). */
export const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'idempotency-key'];
export const CORS_EXPOSE_HEADERS = ['x-request-id', 'idempotent-replayed', 'location', 'retry-after'];

/**
 * The platform of gongzhi, and a nested stack per service (service-stack.ts), all built from the
 * services' topology declarations. Here is what every service shares: the event bus, the alarm topic,
 * the delivery dead-letter queue, sign-in (the user pool and its triggers, or an external issuer) with
 * the JWT authorizer, the HTTP API with its stage, access logs, CORS and `$default` route, and the log
 * bucket of the file buckets. No template grows with the number of services but this one, by one
 * resource per service (docs/deploy.md).
 */
export class GongzhiStack extends Stack {
  /** Service name → its nested stack. */
  readonly services = new Map<string, ServiceStack>();
  /** Function name → function, across the platform and every service. */
  readonly functions = new Map<string, NodejsFunction>();
  readonly alarmTopic: sns.Topic;
  readonly deliveryDeadLetters: sqs.Queue;
  readonly api: apigw.HttpApi;
  readonly userPool?: cognito.UserPool;

  constructor(scope: Construct, id: string, props: GongzhiStackProps) {
    super(scope, id, props);
    const prod = props.stage === 'prod';
    const webOrigins = props.webOrigins ?? webOriginsFrom(undefined, props.stage);

    const bus = new events.EventBus(this, 'Bus', { eventBusName: `gongzhi-${props.stage}` });
    const alarms = new Alarms(this, { stage: props.stage, emails: props.alarmEmails ?? [] });
    this.alarmTopic = alarms.topic;
    // Deliveries EventBridge (rules) and Scheduler (schedules) could not make after their retries.
    this.deliveryDeadLetters = alarms.deadLetterQueue(this, 'DeliveryDeadLetters', 'Event or schedule deliveries failed after all retries', deployedQueueName(props.stage, 'delivery-dead-letters'));
    // One statement for every rule on the bus, rather than one per rule added by each rule's target:
    // the services' stacks add rules without touching this policy (and SQS allows 20 statements).
    this.deliveryDeadLetters.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'RulesOnTheBus',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deliveryDeadLetters.queueArn],
        conditions: { ArnLike: { 'aws:SourceArn': this.formatArn({ service: 'events', resource: 'rule', resourceName: `${bus.eventBusName}/*` }) } },
      }),
    );

    // The server access logs of every service's file bucket.
    let fileAccessLogs: s3.Bucket | undefined;
    if (props.services.some((s) => s.files)) {
      fileAccessLogs = new s3.Bucket(this, 'FileAccessLogs', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
        removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        lifecycleRules: [{ expiration: Duration.days(prod ? 400 : 30) }],
      });
      Validations.of(fileAccessLogs).acknowledge({ id: 'AwsSolutions-S1', reason: 'This bucket holds the server access logs of the file buckets; it does not log itself.' });
    }

    const { authorizer, userPool } = signIn(this, { stage: props.stage, webOrigins, domainPrefix: props.signInDomain, oidc: props.oidc });
    this.userPool = userPool;
    // Sign-in triggers live with the pool: the pool names the trigger and the trigger trusts the pool,
    // which across stacks would be a cycle. A trigger gets nothing of its service (no table, bucket,
    // queue or bus), only its logs. An external issuer has no triggers.
    if (userPool) {
      const factory = new FunctionFactory(this, { stage: props.stage, root: props.root, bus, alarms, userPool });
      for (const decl of props.services.flatMap(functionsOf).filter((f) => f.kind === 'trigger')) {
        if (decl.table || decl.sendsTo.length) throw new Error(`${decl.name}: a sign-in trigger runs beside the user pool, without its service's table or queues`);
        userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, factory.make(decl), cognito.LambdaVersion.V2_0);
      }
      for (const [name, fn] of factory.functions) this.functions.set(name, fn);
    }

    this.api = new apigw.HttpApi(this, 'Api', {
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
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: prod ? logs.RetentionDays.ONE_YEAR : logs.RetentionDays.ONE_MONTH,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
      throttle: { rateLimit: 200, burstLimit: 400 },
    });
    alarms.onApi(this, this.api);

    const platform: Platform = { stage: props.stage, root: props.root, bus, alarms, deliveryDeadLetters: this.deliveryDeadLetters, api: this.api, authorizer, fileAccessLogs, webOrigins, userPool };
    // The app's own extensions apply to the services this stack has; extensions given explicitly must all apply.
    const extensions = props.extensions ?? Object.fromEntries(Object.entries(SERVICE_EXTENSIONS).filter(([name]) => props.services.some((s) => s.name === name)));
    for (const name of Object.keys(extensions)) {
      if (!props.services.some((s) => s.name === name)) throw new Error(`an extension for ${name}, which is not a service of this stack`);
    }
    for (const service of props.services) {
      const stack = new ServiceStack(this, pascal(service.name), service, platform, extensions[service.name]);
      this.services.set(service.name, stack);
      for (const [name, fn] of stack.functions) this.functions.set(name, fn);
    }

    const meta = this.services.get('meta')?.apiFunction;
    if (meta) {
      // Unknown routes and methods reach the meta function, which answers 404/405 problems.
      const fallback = new apigw.HttpRoute(this, 'FallbackRoute', {
        httpApi: this.api,
        routeKey: apigw.HttpRouteKey.DEFAULT,
        integration: new HttpLambdaIntegration('FallbackIntegration', meta),
      });
      Validations.of(fallback).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: 'The $default route only answers 404/405 problems for paths and methods that do not exist.',
      });
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new WebSite(this, 'Web', { root: props.root, stage: props.stage, apiUrl: this.api.apiEndpoint, userPool, oidc: props.oidc && { issuer: props.oidc.issuer, clientId: props.oidc.audience[0]! } });
    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
  }
}
