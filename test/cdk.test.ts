import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { buildApp } from '../infra/cdk/app';
import { deployedFunctionName, pascal } from '../infra/cdk/functions';
import { GongzhiStack } from '../infra/cdk/stack';
import { mergedTemplate } from '../infra/cdk/templates';
import { services } from '../services/index';
import { DEFAULT_TIME_ZONE, functionsOf, schedulesOf, type ServiceTopology } from '../libs/topology';

// Bundling every function takes about a second each; the templates and cdk-nag do not depend on the
// bundles' contents, so every synthesis here skips it. test/bundles.test.ts bundles each handler with
// the same options (LAMBDA_BUNDLE) and loads it.
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

// A probe service that declares one of each trigger, so the mapping is tested even for kinds of
// trigger no real service uses yet.
const probe: ServiceTopology = {
  name: 'probe',
  source: 'gongzhi.probe',
  ownsTable: true,
  consumers: [
    {
      name: 'on-resolution',
      entry: 'libs/outbox-sweep.ts',
      description: 'probe consumer',
      pattern: { source: ['gongzhi.elections'], 'detail-type': ['ResolutionPassed'], detail: { data: { matter: ['maintenance_fund_use'] } } },
    },
  ],
  schedules: [{ name: 'monthly', entry: 'libs/outbox-sweep.ts', description: 'probe schedule', expression: 'cron(0 2 1 * ? *)', sendsTo: ['units'] }],
  queues: [{ name: 'units', entry: 'libs/outbox-sweep.ts', description: 'probe queue', batchSize: 7, maxReceives: 4, maxConcurrency: 3, timeoutSeconds: 40, memoryMb: 256 }],
  publishes: [],
  files: true,
};

describe('CDK stack from the topology (the platform stack and every service stack, read as one)', () => {
  const { stack } = buildApp({ stage: 'dev', ...NO_BUNDLING }, { cfnValidation: false });
  const template = mergedTemplate(stack);
  const all = [...services];

  test('every declared route is an API route, with the JWT authorizer unless public', () => {
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    const byKey = new Map(Object.values(routes).map((r) => [r.Properties.RouteKey as string, r.Properties]));
    for (const service of all) {
      for (const route of service.api?.routes ?? []) {
        const found = byKey.get(`${route.method} ${route.path}`);
        expect(found).toBeDefined();
        expect(found!.AuthorizationType).toBe(route.allow === 'public' ? 'NONE' : 'JWT');
      }
    }
    expect(byKey.has('$default')).toBe(true);
    const declared = all.reduce((n, s) => n + (s.api?.routes.length ?? 0), 0);
    expect(byKey.size).toBe(declared + 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: '$default', AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }) });
  });

  test('every declared consumer is a rule on the bus with its pattern, a DLQ and retries', () => {
    const declared = all.flatMap((s) => s.consumers);
    expect(declared.length).toBeGreaterThan(0);
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(declared.length);
    for (const consumer of declared) {
      template.hasResourceProperties('AWS::Events::Rule', {
        Description: consumer.description,
        EventPattern: consumer.pattern,
        Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }) })],
      });
    }
  });

  test('every declared schedule is an EventBridge Scheduler schedule', () => {
    const declared = all.flatMap((s) => schedulesOf(s).map((d) => ({ id: `${s.name}/${d.name}`, expression: d.expression, zone: d.timeZone ?? DEFAULT_TIME_ZONE })));
    expect(declared.length).toBeGreaterThan(0);
    // Every publishing service gets its outbox sweep without declaring it.
    for (const s of all.filter((s) => s.publishes.length > 0)) expect(declared.map((d) => d.id)).toContain(`${s.name}/outbox-sweep`);
    for (const { id, expression, zone } of declared) {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: zone,
        Target: Match.objectLike({ Input: Match.stringLikeRegexp(`"schedule":"${id}"`), DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() }),
      });
    }
  });

  test('a table per service: on demand, PITR, the shared indexes; functions on nodejs24.x', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', all.filter((s) => s.ownsTable).length);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'gongzhi-dev-registry',
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'gsi1' }), Match.objectLike({ IndexName: 'gsi2' }), Match.objectLike({ IndexName: 'outbox' }), Match.objectLike({ IndexName: 'due' })],
    });
    // Every table expires what carries a `ttl` (consumer claims, Idempotency-Key records; never a governance record).
    for (const table of Object.values(template.findResources('AWS::DynamoDB::Table'))) {
      expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    }
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => f.Properties.Runtime === 'nodejs24.x');
    const declared = all.flatMap(functionsOf);
    expect(functions).toHaveLength(declared.length);
    // Each function is named after its declaration and runs with the timeout and memory it declares (or its kind's default).
    for (const fn of declared) {
      const found = functions.filter((f) => f.Properties.FunctionName === deployedFunctionName('dev', fn.name));
      expect(found).toEqual([expect.objectContaining({ Properties: expect.objectContaining({ Timeout: fn.timeoutSeconds, MemorySize: fn.memoryMb }) })]);
      expect(found[0]!.Properties.Environment.Variables.GONGZHI_SERVICE).toBe(fn.service.name);
    }
  });

  test('each service lives in its own nested stack with its table, functions and routes; the platform stack keeps what is shared', () => {
    expect([...stack.services.keys()]).toEqual(all.map((s) => s.name));
    for (const service of all) {
      const own = Template.fromStack(stack.services.get(service.name)!);
      own.resourceCountIs('AWS::DynamoDB::Table', service.ownsTable ? 1 : 0);
      own.resourceCountIs('AWS::ApiGatewayV2::Route', service.api?.routes.length ?? 0);
      const functions = functionsOf(service).filter((f) => f.kind !== 'trigger');
      own.resourceCountIs('AWS::Lambda::Function', functions.length);
      for (const fn of functions) own.hasResourceProperties('AWS::Lambda::Function', { FunctionName: deployedFunctionName('dev', fn.name) });
      own.resourceCountIs('AWS::Events::Rule', service.consumers.length);
      own.resourceCountIs('AWS::Scheduler::Schedule', schedulesOf(service).length);
    }
    const platform = Template.fromStack(stack);
    for (const type of ['AWS::Events::EventBus', 'AWS::SNS::Topic', 'AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Stage', 'AWS::ApiGatewayV2::Authorizer', 'AWS::Cognito::UserPool'])
      platform.resourceCountIs(type, 1);
    platform.resourceCountIs('AWS::CloudFormation::Stack', all.length);
    // The platform's one route is $default, on the meta function (an output of the meta stack).
    platform.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default', AuthorizationType: 'NONE' });
    platform.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    const fallback = Object.values(template.findResources('AWS::ApiGatewayV2::Integration')).filter((i) => JSON.stringify(i).includes('MetaApi'));
    expect(fallback).toHaveLength(2); // meta's own routes and $default
  });

  test('functions and queues are named gongzhi-<stage>-…, within what Lambda and SQS allow', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'gongzhi-dev-elections-vote-steps' });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'gongzhi-dev-elections-vote-steps-dead-letters' });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'gongzhi-dev-audit-recorder-failures' });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'gongzhi-dev-delivery-dead-letters' });
    expect(() => deployedFunctionName('a-very-long-stage-name-for-a-province', 'disputes-registry-read-model')).toThrow(/longer than 64/);
  });

  test('one invoke permission per API function for all its routes; $default its own', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter((p) => p.Properties.Principal === 'apigateway.amazonaws.com');
    const apiFunctions = all.filter((s) => s.api).map((s) => pascal(`${s.name}-api`));
    for (const fn of apiFunctions) {
      const own = permissions.filter((p) => JSON.stringify(p.Properties.FunctionName).includes(`"${fn}`));
      const anyRoute = own.filter((p) => JSON.stringify(p.Properties.SourceArn).endsWith('/*/*/*"]]}'));
      expect(anyRoute).toHaveLength(1);
      expect(own).toHaveLength(fn === 'MetaApi' ? 2 : 1);
    }
    expect(permissions).toHaveLength(apiFunctions.length + 1);
  });

  test('each function may touch only its own table and put only its own source on the bus', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const registryPolicy = policies.find((p) => JSON.stringify(p).includes('RegistryApiRole'));
    expect(registryPolicy).toBeDefined();
    const text = JSON.stringify(registryPolicy);
    expect(text).toContain('RegistryTable');
    expect(text).toContain('"events:source":["gongzhi.registry"]');
    // meta has no table and publishes nothing: it may write its logs, nothing else.
    const metaPolicy = policies.find((p) => JSON.stringify(p.Properties.Roles).includes('MetaApiRole'));
    expect(JSON.stringify(metaPolicy)).not.toContain('dynamodb:');
    expect(JSON.stringify(metaPolicy)).not.toContain('events:PutEvents');
    template.resourceCountIs('AWS::Events::EventBus', 1);
  });
});

describe('CDK mapping of every trigger kind, and stages', () => {
  const probeStack = new GongzhiStack(new App({ context: NO_BUNDLING, builtinCloudFormationValidation: false }), 'Probe', { stage: 'dev', services: [...services, probe], root: process.cwd() });
  const probeTemplate = mergedTemplate(probeStack);

  test('a consumer becomes a rule with its pattern, a DLQ and a retry policy; a schedule a schedule', () => {
    const template = probeTemplate;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['gongzhi.elections'], 'detail-type': ['ResolutionPassed'], detail: { data: { matter: ['maintenance_fund_use'] } } },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 } })],
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 2 1 * ? *)', ScheduleExpressionTimezone: 'Asia/Shanghai' });
    template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'gongzhi-dev-probe' });
  });

  test('a queue becomes SQS with a dead-letter queue and its alarm, and a worker reporting failures per message', () => {
    const template = probeTemplate;
    const queues = template.findResources('AWS::SQS::Queue');
    const [workQueueId, workQueue] = Object.entries(queues).find(([id]) => id.startsWith('ProbeUnitsQueue'))!;
    const dlqId = Object.keys(queues).find((id) => id.startsWith('ProbeUnitsDeadLetters'))!;
    expect(workQueue.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 4 });
    expect(workQueue.Properties.VisibilityTimeout).toBe(240); // six times the worker's 40 s
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [workQueueId, 'Arn'] },
      BatchSize: 7,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 3 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 40, MemorySize: 256, Environment: { Variables: Match.objectLike({ GONGZHI_SERVICE: 'probe' }) } });
    // The dead-letter queue alarms to the alarm topic.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp('^Alarms') })],
    });
    // Only the schedule that declares it may send to the queue, and only it knows the URL.
    const senders = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => f.Properties.Environment?.Variables?.QUEUE_UNITS_URL);
    expect(senders).toHaveLength(1);
    const sendPolicies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p).includes('sqs:SendMessage') && JSON.stringify(p).includes(workQueueId));
    expect(sendPolicies).toHaveLength(1);
    expect(JSON.stringify(sendPolicies[0])).toContain('ProbeMonthly');
  });

  test('a service that keeps files gets its own private bucket; its functions may get and put objects, nothing more', () => {
    const app = new App({ context: NO_BUNDLING, builtinCloudFormationValidation: false });
    const stack = new GongzhiStack(app, 'Probe', { stage: 'dev', services: [...services, probe], root: process.cwd(), webOrigins: ['https://app.example.gov.cn'] });
    const template = mergedTemplate(stack);
    const bucketId = Object.keys(template.findResources('AWS::S3::Bucket')).find((id) => id.startsWith('ProbeFiles'))!;
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: Match.anyValue(),
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'probe/' }),
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: ['https://app.example.gov.cn'], AllowedMethods: ['PUT', 'GET'] })] },
    });
    const probeFunctions = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => f.Properties.Environment?.Variables?.GONGZHI_SERVICE === 'probe');
    expect(probeFunctions.every((f) => JSON.stringify(f.Properties.Environment.Variables.BUCKET_NAME) === JSON.stringify({ Ref: bucketId }))).toBe(true);
    const s3Statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      // The services' file buckets (the web site's deployment has its own role, on its own bucket).
      .filter((st) => JSON.stringify(st.Action).includes('s3:') && JSON.stringify(st.Resource).includes('Files'));
    expect(s3Statements.length).toBeGreaterThan(0);
    for (const st of s3Statements) expect(st.Action).toEqual(['s3:GetObject', 's3:PutObject']);
    // Services without files get no bucket: one bucket per service that keeps files (the probe, the registry's roll uploads).
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).filter((id) => id.endsWith('Files') || /Files[0-9A-F]{8}$/.test(id))).toHaveLength(
      [...services, probe].filter((s) => s.files).length,
    );
  });

  test('prod keeps its data: deletion protection and RETAIN', () => {
    const { stack } = buildApp({ stage: 'prod', webOrigins: 'https://gongzhi.example.gov.cn', ...NO_BUNDLING }, { cfnValidation: false });
    const template = mergedTemplate(stack);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ TableName: 'gongzhi-prod-registry', DeletionProtectionEnabled: true }),
    });
    template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }) });
  });

  test('an external OIDC issuer replaces the Cognito user pool', () => {
    const { stack } = buildApp({ stage: 'dev', oidcIssuer: 'https://id.example.gov.cn', oidcAudience: 'gongzhi-web', ...NO_BUNDLING }, { cfnValidation: false });
    const template = mergedTemplate(stack);
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: 'https://id.example.gov.cn', Audience: ['gongzhi-web'] },
    });
  });
});

describe('cdk-nag AwsSolutions', () => {
  test('the app synthesizes with no unacknowledged finding', () => {
    const { app } = buildApp({ stage: 'prod', webOrigins: 'https://gongzhi.example.gov.cn', ...NO_BUNDLING });
    expect(() => app.synth()).not.toThrow();
  });

  test('the check is live: an unencrypted queue without SSL fails synthesis, in the platform stack', () => {
    const { app, stack } = buildApp({ stage: 'dev', ...NO_BUNDLING }, { cfnValidation: false });
    new sqs.Queue(stack, 'CarelessQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS[34]/);
  });

  test("the check is live in a service's nested stack too", () => {
    const { app, stack } = buildApp({ stage: 'dev', ...NO_BUNDLING }, { cfnValidation: false });
    new sqs.Queue(stack.services.get('registry')!, 'CarelessQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS[34][\s\S]*Registry\/CarelessQueue|Registry\/CarelessQueue[\s\S]*AwsSolutions-SQS[34]/);
  });
});
