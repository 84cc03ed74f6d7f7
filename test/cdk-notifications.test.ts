import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../infra/cdk/app';
import { addNotificationChannels, BOUNCE_RATE_ALARM, COMPLAINT_RATE_ALARM } from '../infra/cdk/notifications';
import { functionsOf } from '../libs/topology';
import { topology as notifications } from '../services/notifications/topology';

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const SENDERS = ['notifications-deliveries', 'notifications-digests'];

/** The app as deployed, with the notification channels added the way docs/notifications.md tells the stack to. */
function build() {
  const { app, stack } = buildApp({ stage: 'dev', ...NO_BUNDLING }, { cfnValidation: false });
  addNotificationChannels(stack, { stage: 'dev', senders: SENDERS.map((n) => stack.functions.get(n)!), alarmTopic: stack.alarmTopic, emailFrom: 'notices@gongzhi.example.gov.cn', smsMonthlySpendLimitUsd: 500 });
  return { app, stack, template: Template.fromStack(stack) };
}

describe('the notification channels in the stack', () => {
  const { app, stack, template } = build();
  const roleOf = (fn: string) => stack.getLogicalId(stack.functions.get(fn)!.role!.node.defaultChild as never);
  const statementsOf = (fn: string) =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleOf(fn)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource?: unknown; NotResource?: unknown; Condition?: unknown; Sid?: string }[]);
  const actionsOf = (fn: string) => statementsOf(fn).flatMap((s) => [s.Action].flat());

  test('the service declares its functions, queues with dead-letter queues, and its schedule', () => {
    expect(functionsOf(notifications).map((f) => f.name)).toEqual([
      'notifications-api',
      'notifications-registry-read-model',
      'notifications-route-events',
      'notifications-grants',
      'notifications-release-due',
      'notifications-outbox-sweep',
      'notifications-recipients',
      'notifications-deliveries',
      'notifications-digests',
    ]);
    for (const queue of ['recipients', 'deliveries', 'digests']) expect(stack.queues.get(`notifications/${queue}`)).toBeDefined();
    // Every work queue has a dead-letter queue whose alarm notifies the Alarms topic.
    const dlqAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) => /Units of notifications\/(recipients|deliveries|digests) failed/.test(a.Properties.AlarmDescription));
    expect(dlqAlarms).toHaveLength(3);
    const deliveries = Object.values(template.findResources('AWS::SQS::Queue')).filter((q) => q.Properties.RedrivePolicy?.maxReceiveCount === 5);
    expect(deliveries.length).toBeGreaterThanOrEqual(1);
  });

  test('SMS: the senders may publish to phone numbers only, never to a topic', () => {
    for (const fn of SENDERS) {
      const sms = statementsOf(fn).find((s) => s.Sid === 'SmsToPhoneNumbersOnly')!;
      expect(sms).toMatchObject({ Action: 'sns:Publish', Effect: 'Allow', NotResource: 'arn:aws:sns:*:*:*' });
      expect(sms.Resource).toBeUndefined();
    }
  });

  test('e-mail: SendEmail from the notices address, through its identity and configuration set only', () => {
    for (const fn of SENDERS) {
      const email = statementsOf(fn).find((s) => s.Sid === 'EmailFromTheNoticesAddress')!;
      expect(email.Action).toBe('ses:SendEmail');
      expect(email.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'notices@gongzhi.example.gov.cn' } });
      const resources = JSON.stringify(email.Resource);
      expect(resources).toContain(':identity/gongzhi.example.gov.cn');
      expect(resources).toContain(':configuration-set/gongzhi-dev-notifications');
      expect(resources).not.toMatch(/"\*"/);
    }
  });

  test('no other function may send SMS or e-mail', () => {
    for (const fn of [...stack.functions.keys()].filter((n) => !SENDERS.includes(n))) {
      expect(actionsOf(fn).filter((a) => a.startsWith('sns:') || a.startsWith('ses:'))).toEqual([]);
    }
  });

  test('the senders know the address and configuration set; nothing else is configured for them', () => {
    const deliveries = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: Match.objectLike({ GONGZHI_SERVICE: 'notifications', EMAIL_FROM: 'notices@gongzhi.example.gov.cn', EMAIL_CONFIGURATION_SET: 'gongzhi-dev-notifications' }) } } });
    expect(Object.keys(deliveries)).toHaveLength(2);
  });

  test('a verified domain identity and a configuration set that keeps reputation and suppresses bounces', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'gongzhi.example.gov.cn' });
    template.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'gongzhi-dev-notifications', ReputationOptions: { ReputationMetricsEnabled: true }, SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] } });
  });

  test('alarms on SMS failures and spend, e-mail bounces and complaints, to the Alarms topic', () => {
    const topic = stack.getLogicalId(stack.alarmTopic.node.defaultChild as never);
    const expectAlarm = (namespace: string, metric: string, threshold: number, operator: string) =>
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: namespace, MetricName: metric, Threshold: threshold, ComparisonOperator: operator, AlarmActions: [{ Ref: topic }] });
    expectAlarm('AWS/SNS', 'SMSSuccessRate', 0.9, 'LessThanThreshold');
    expectAlarm('AWS/SNS', 'SMSMonthToDateSpentUSD', 400, 'GreaterThanOrEqualToThreshold');
    expectAlarm('AWS/SES', 'Reputation.BounceRate', BOUNCE_RATE_ALARM, 'GreaterThanOrEqualToThreshold');
    expectAlarm('AWS/SES', 'Reputation.ComplaintRate', COMPLAINT_RATE_ALARM, 'GreaterThanOrEqualToThreshold');
  });

  test('cdk-nag finds nothing to object to', () => {
    expect(() => app.synth()).not.toThrow();
  });

  test('an address without a domain is refused', () => {
    const other = buildApp({ stage: 'dev', ...NO_BUNDLING }, { cfnValidation: false }).stack;
    expect(() => addNotificationChannels(other, { stage: 'dev', senders: [], alarmTopic: other.alarmTopic, emailFrom: 'nobody' })).toThrow(/must be an address/);
  });
});
