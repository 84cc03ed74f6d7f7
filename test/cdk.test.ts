import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { buildApp } from '../infra/cdk/app';
import { GongzhiStack } from '../infra/cdk/stack';
import { services } from '../services/index';
import type { ServiceTopology } from '../libs/topology';

// Bundling every function takes seconds per stack; tests that only read the template skip it, and
// the cdk-nag synthesis below bundles for real.
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
      entry: 'services/registry/outbox-sweep.ts',
      description: 'probe consumer',
      pattern: { source: ['gongzhi.elections'], 'detail-type': ['ResolutionPassed'], detail: { data: { matter: ['maintenance_fund_use'] } } },
    },
  ],
  schedules: [{ name: 'monthly', entry: 'services/registry/outbox-sweep.ts', description: 'probe schedule', expression: 'cron(0 2 1 * ? *)' }],
  publishes: [],
};

describe('CDK stack from the topology', () => {
  const { stack } = buildApp({ stage: 'dev', ...NO_BUNDLING });
  const template = Template.fromStack(stack);
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
    const declared = all.flatMap((s) => s.schedules.map((d) => ({ id: `${s.name}/${d.name}`, expression: d.expression })));
    expect(declared.length).toBeGreaterThan(0);
    for (const { id, expression } of declared) {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: 'Etc/UTC',
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
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'gsi1' }), Match.objectLike({ IndexName: 'outbox' })],
    });
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    const declared = all.reduce((n, s) => n + (s.api ? 1 : 0) + s.consumers.length + s.schedules.length, 0);
    expect(functions.filter((f) => f.Properties.Runtime === 'nodejs24.x')).toHaveLength(declared);
  });

  test('each function may touch only its own table and put only its own source on the bus', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const registryPolicy = policies.find((p) => JSON.stringify(p).includes('RegistryApiRole'));
    expect(registryPolicy).toBeDefined();
    const text = JSON.stringify(registryPolicy);
    expect(text).toContain('RegistryTable');
    expect(text).toContain('"events:source":["gongzhi.registry"]');
    const metaPolicy = policies.find((p) => JSON.stringify(p.Properties.Roles).includes('MetaApiRole'));
    expect(JSON.stringify(metaPolicy)).not.toContain('dynamodb:');
    expect(JSON.stringify(metaPolicy)).toContain('"events:source":["gongzhi.meta"]');
    template.resourceCountIs('AWS::Events::EventBus', 1);
  });
});

describe('CDK mapping of every trigger kind, and stages', () => {
  test('a consumer becomes a rule with its pattern, a DLQ and a retry policy; a schedule a schedule', () => {
    const app = new App({ context: NO_BUNDLING });
    const stack = new GongzhiStack(app, 'Probe', { stage: 'dev', services: [...services, probe], root: process.cwd() });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['gongzhi.elections'], 'detail-type': ['ResolutionPassed'], detail: { data: { matter: ['maintenance_fund_use'] } } },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 } })],
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 2 1 * ? *)' });
    template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'gongzhi-dev-probe' });
  });

  test('prod keeps its data: deletion protection and RETAIN', () => {
    const { stack } = buildApp({ stage: 'prod', ...NO_BUNDLING });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ TableName: 'gongzhi-prod-registry', DeletionProtectionEnabled: true }),
    });
  });

  test('an external OIDC issuer replaces the Cognito user pool', () => {
    const { stack } = buildApp({ stage: 'dev', oidcIssuer: 'https://id.example.gov.cn', oidcAudience: 'gongzhi-web', ...NO_BUNDLING });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: 'https://id.example.gov.cn', Audience: ['gongzhi-web'] },
    });
  });
});

describe('cdk-nag AwsSolutions', () => {
  test('the app synthesizes with no unacknowledged finding', () => {
    const { app } = buildApp({ stage: 'prod' });
    expect(() => app.synth()).not.toThrow();
  });

  test('the check is live: an unencrypted queue without SSL fails synthesis', () => {
    const { app, stack } = buildApp({ stage: 'dev', ...NO_BUNDLING });
    new sqs.Queue(stack, 'CarelessQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/Validation failed|AwsSolutions/);
  });
});
