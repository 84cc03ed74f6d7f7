import { App } from 'aws-cdk-lib';
import { ASYNC_MAX_EVENT_AGE, ASYNC_RETRY_ATTEMPTS } from '../infra/cdk/functions';
import { GongzhiStack } from '../infra/cdk/stack';
import { mergedResources, mergedTemplate } from '../infra/cdk/templates';
import { functionsOf, schedulesOf, type ServiceTopology } from '../libs/topology';
import { services } from '../services/index';
import { SERVICE_EXTENSIONS } from '../infra/cdk/service-extensions';
import { mailingExtension, mailingShaped } from './cdk-shapes';

/**
 * Nothing is lost deployed: every place where work can fail or wait (a rule's delivery, a
 * schedule's delivery, an asynchronously invoked function, a work queue) ends in a dead-letter queue,
 * and every dead-letter queue, function and the API alarm to the one topic a person reads. Read
 * across the platform stack and every service's nested stack, as one.
 */
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

// One of each trigger kind, so the rules hold even for kinds no real service declares yet.
const probe: ServiceTopology = {
  name: 'probe',
  source: 'gongzhi.probe',
  ownsTable: true,
  consumers: [{ name: 'on-vote', entry: 'libs/outbox-sweep.ts', description: 'probe consumer', pattern: { source: ['gongzhi.elections'] } }],
  schedules: [{ name: 'nightly', entry: 'libs/outbox-sweep.ts', description: 'probe schedule', expression: 'cron(0 2 * * ? *)', sendsTo: ['units'] }],
  queues: [{ name: 'units', entry: 'libs/outbox-sweep.ts', description: 'probe queue' }],
  publishes: ['ProbeHappened'],
};
// And a mailing service with an SES and SNS extension (besides notifications' own): what an extension adds is held to the same rules.
const all = [...services, probe, mailingShaped];

type Resource = { Type: string; Properties: Record<string, any> };
const app = new App({ context: NO_BUNDLING, builtinCloudFormationValidation: false });
const stack = new GongzhiStack(app, 'Failures', { stage: 'dev', services: all, root: process.cwd(), extensions: { ...SERVICE_EXTENSIONS, mailing: mailingExtension } });
const resources = mergedResources(stack) as Record<string, Resource>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const getAtt = (value: any): string => value?.['Fn::GetAtt']?.[0];

const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
const topic = ofType('AWS::SNS::Topic').find(([id]) => id.startsWith('Alarms'))![0];
const alarmsOn = (metric: string, dimension: string, value: (v: any) => string | undefined) =>
  new Set(alarms.filter((a) => a.MetricName === metric).flatMap((a) => (a.Dimensions ?? []).filter((d: any) => d.Name === dimension).map((d: any) => value(d.Value))));
const queuesWithWaitingAlarm = alarmsOn('ApproximateNumberOfMessagesVisible', 'QueueName', getAtt);
const queuesWithAgeAlarm = alarmsOn('ApproximateAgeOfOldestMessage', 'QueueName', getAtt);
const functionsWithErrorAlarm = alarmsOn('Errors', 'FunctionName', (v) => v?.Ref);
const functionsWithThrottleAlarm = alarmsOn('Throttles', 'FunctionName', (v) => v?.Ref);
const expectDeadLetterQueue = (queueId: string | undefined) => {
  expect(queueId).toBeDefined();
  expect(resources[queueId!]?.Type).toBe('AWS::SQS::Queue');
  expect(resources[queueId!]!.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  expect(queuesWithWaitingAlarm).toContain(queueId);
  expect(queuesWithAgeAlarm).toContain(queueId);
};

describe('deployed, nothing is lost', () => {
  const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
  const schedules = ofType('AWS::Scheduler::Schedule').map(([, s]) => s.Properties);
  const asyncTargets = new Set([...rules.flatMap((r) => r.Targets.map((t: any) => getAtt(t.Arn))), ...schedules.map((s) => getAtt(s.Target.Arn))]);

  test('every consumer and schedule is invoked asynchronously by a rule or a schedule', () => {
    const declared = all.reduce((n, s) => n + s.consumers.length + schedulesOf(s).length, 0);
    expect(asyncTargets.size).toBe(declared);
  });

  test('every asynchronously invoked function has a deliberate retry policy and an on-failure queue that alarms', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, c]) => c.Properties);
    for (const fn of asyncTargets) {
      const config = configs.find((c) => c.FunctionName.Ref === fn);
      expect(config).toMatchObject({ MaximumRetryAttempts: ASYNC_RETRY_ATTEMPTS, MaximumEventAgeInSeconds: ASYNC_MAX_EVENT_AGE.toSeconds(), Qualifier: '$LATEST' });
      const destination = getAtt(config!.DestinationConfig.OnFailure.Destination);
      expectDeadLetterQueue(destination);
      // Each function has its own: an alarm names the function, a redrive targets it alone.
      expect(configs.filter((c) => getAtt(c.DestinationConfig.OnFailure.Destination) === destination)).toHaveLength(1);
    }
    expect(configs).toHaveLength(asyncTargets.size);
  });

  test('every rule target and every schedule retries its delivery, then dead-letters it to a queue that alarms', () => {
    for (const rule of rules) {
      for (const target of rule.Targets) {
        expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 });
        expectDeadLetterQueue(getAtt(target.DeadLetterConfig.Arn));
      }
    }
    for (const schedule of schedules) {
      expect(schedule.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
      expectDeadLetterQueue(getAtt(schedule.Target.DeadLetterConfig.Arn));
    }
  });

  test('EventBridge may park deliveries of any rule on the bus, and only those, in the delivery dead-letter queue', () => {
    const [dlq] = new Set(rules.flatMap((r) => r.Targets.map((t: any) => getAtt(t.DeadLetterConfig.Arn))));
    const [bus] = ofType('AWS::Events::EventBus').map(([id]) => id);
    for (const rule of rules) expect(rule.EventBusName).toEqual({ Ref: bus });
    const policies = ofType('AWS::SQS::QueuePolicy').filter(([, p]) => p.Properties.Queues.some((q: any) => q.Ref === dlq));
    expect(policies).toHaveLength(1);
    const statements = policies[0]![1].Properties.PolicyDocument.Statement;
    const fromRules = statements.filter((s: any) => s.Principal?.Service === 'events.amazonaws.com');
    // One statement for every rule, not one per rule: services add rules without changing the platform stack.
    expect(fromRules).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [dlq, 'Arn'] },
        // Rules on a custom bus are `rule/<bus name>/<rule name>`; the bus's Ref is its name.
        Condition: {
          ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':rule/', { Ref: bus }, '/*']] } },
        },
      }),
    ]);
    // Scheduler parks with each schedule's own role.
    for (const schedule of schedules) {
      const roleId = getAtt(schedule.Target.RoleArn);
      const policy = ofType('AWS::IAM::Policy').find(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))![1];
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [dlq, 'Arn'] } }));
    }
  });

  test("every SNS subscription of a function (an extension's) dead-letters what it could not deliver to a queue that alarms", () => {
    const subscriptions = ofType('AWS::SNS::Subscription')
      .map(([, s]) => s.Properties)
      .filter((s) => s.Protocol === 'lambda');
    expect(subscriptions.length).toBeGreaterThan(0);
    for (const subscription of subscriptions) expectDeadLetterQueue(getAtt(subscription.RedrivePolicy?.deadLetterTargetArn));
  });

  test('every work queue dead-letters to a queue that alarms; every other queue is a dead-letter queue that alarms', () => {
    const queues = ofType('AWS::SQS::Queue');
    const work = queues.filter(([, q]) => q.Properties.RedrivePolicy);
    expect(work).toHaveLength(all.reduce((n, s) => n + (s.queues?.length ?? 0), 0));
    for (const [, queue] of work) expectDeadLetterQueue(getAtt(queue.Properties.RedrivePolicy.deadLetterTargetArn));
    for (const [id] of queues.filter(([, q]) => !q.Properties.RedrivePolicy)) expectDeadLetterQueue(id);
  });

  test('every function alarms on its errors and its throttles; the API on its 5xx', () => {
    const functions = ofType('AWS::Lambda::Function').filter(([, f]) => f.Properties.Environment?.Variables?.GONGZHI_SERVICE);
    expect(functions).toHaveLength(all.flatMap(functionsOf).length);
    for (const [id] of functions) {
      expect(functionsWithErrorAlarm).toContain(id);
      expect(functionsWithThrottleAlarm).toContain(id);
    }
    expect(alarms.some((a) => a.MetricName === '5xx' && a.Namespace === 'AWS/ApiGateway')).toBe(true);
  });

  test('every alarm notifies the Alarms topic', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topic }]);
  });

  test('alarm emails from the context subscribe to the topic', () => {
    const withEmails = new GongzhiStack(new App({ context: NO_BUNDLING, builtinCloudFormationValidation: false }), 'Emails', {
      stage: 'dev',
      services: services.filter((s) => s.name === 'meta'),
      root: process.cwd(),
      alarmEmails: ['duty@example.gov.cn'],
    });
    mergedTemplate(withEmails).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'duty@example.gov.cn' });
  });

  test("a consumer's timeout leaves Lambda's retries (after about 1 and 3 minutes) time to find a crashed claim expired", () => {
    // libs/consume.ts: a claim lasts the invocation's timeout (plus 5 s); a delivery that meets a held claim fails and is retried.
    for (const fn of services.flatMap(functionsOf).filter((f) => f.kind === 'consumer')) expect(fn.timeoutSeconds).toBeLessThanOrEqual(120);
  });
});
