import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addNotificationChannels, BOUNCE_RATE_ALARM, COMPLAINT_RATE_ALARM, SMS_SUCCESS_RATE_ALARM } from '../infra/cdk/notifications';
import { functionsOf } from '../libs/topology';
import { topology as notifications } from '../services/notifications/topology';

/**
 * addNotificationChannels on its own, in a scope of its own: whichever stack ends up holding the
 * service's functions (the service's nested stack) calls it with its senders and the Alarms topic.
 * Two senders and a bystander function stand in for the service's functions.
 */
const SENDERS = ['Deliveries', 'Digests'];

function build(props: { smsMonthlySpendLimitUsd?: number } = {}) {
  const app = new App();
  const stack = new Stack(app, 'Notifications', { env: { account: '111122223333', region: 'ap-east-1' } });
  const fn = (id: string) => new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}') });
  const senders = SENDERS.map(fn);
  const bystander = fn('Api');
  const alarmTopic = new sns.Topic(stack, 'Alarms');
  const channels = addNotificationChannels(stack, { stage: 'dev', senders, alarmTopic, emailFrom: 'notices@gongzhi.example.gov.cn', ...props });
  return { app, stack, senders, bystander, alarmTopic, channels, template: Template.fromStack(stack) };
}

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource?: unknown; NotResource?: unknown; Condition?: unknown };

describe('the notification channels (infra/cdk/notifications.ts)', () => {
  const { stack, senders, bystander, alarmTopic, template } = build({ smsMonthlySpendLimitUsd: 500 });
  const roleOf = (f: lambda.Function) => stack.getLogicalId(f.role!.node.defaultChild as never);
  const statementsOf = (f: lambda.Function): Statement[] =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleOf(f)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);

  test('the service declares the functions that send, and each of its work queues is retried and dead-lettered', () => {
    const names = functionsOf(notifications).map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['notifications-deliveries', 'notifications-digests', 'notifications-recipients', 'notifications-reminders']));
    expect(notifications.queues?.map((q) => q.name)).toEqual(['recipients', 'deliveries', 'reminders', 'digests']);
    expect(notifications.queues?.find((q) => q.name === 'deliveries')?.maxReceives).toBe(5);
  });

  test('SMS: the senders may publish to phone numbers only, never to a topic', () => {
    for (const sender of senders) {
      const sms = statementsOf(sender).filter((s) => [s.Action].flat().some((a) => a.startsWith('sns:')));
      expect(sms).toEqual([{ Sid: 'SmsToPhoneNumbersOnly', Effect: 'Allow', Action: 'sns:Publish', NotResource: 'arn:aws:sns:*:*:*' }]);
    }
  });

  test('e-mail: SendEmail only, from the notices address, through its identity and configuration set only', () => {
    for (const sender of senders) {
      const email = statementsOf(sender).filter((s) => [s.Action].flat().some((a) => a.startsWith('ses:')));
      expect(email).toHaveLength(1);
      expect(email[0]!.Action).toBe('ses:SendEmail');
      expect(email[0]!.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'notices@gongzhi.example.gov.cn' } });
      const resources = JSON.stringify(email[0]!.Resource);
      expect(resources).toContain(':identity/gongzhi.example.gov.cn');
      expect(resources).toContain(':configuration-set/gongzhi-dev-notifications');
      expect(resources).not.toMatch(/"\*"|identity\/\*/);
    }
  });

  test('a function not named a sender may send nothing', () => {
    expect(
      statementsOf(bystander)
        .flatMap((s) => [s.Action].flat())
        .filter((a) => a.startsWith('sns:') || a.startsWith('ses:')),
    ).toEqual([]);
  });

  test('the senders know the address and the configuration set', () => {
    const configured = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: Match.objectLike({ EMAIL_FROM: 'notices@gongzhi.example.gov.cn', EMAIL_CONFIGURATION_SET: 'gongzhi-dev-notifications' }) } },
    });
    expect(Object.keys(configured).sort()).toEqual(senders.map((s) => stack.getLogicalId(s.node.defaultChild as never)).sort());
  });

  test('a verified domain identity and a configuration set that keeps reputation and suppresses bounces', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'gongzhi.example.gov.cn' });
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'gongzhi-dev-notifications',
      ReputationOptions: { ReputationMetricsEnabled: true },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
  });

  test('alarms on SMS failures and spend, e-mail bounces and complaints, to the Alarms topic', () => {
    const topic = stack.getLogicalId(alarmTopic.node.defaultChild as never);
    const expectAlarm = (namespace: string, metric: string, threshold: number, operator: string) =>
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: namespace, MetricName: metric, Threshold: threshold, ComparisonOperator: operator, AlarmActions: [{ Ref: topic }] });
    expectAlarm('AWS/SNS', 'SMSSuccessRate', SMS_SUCCESS_RATE_ALARM, 'LessThanThreshold');
    expectAlarm('AWS/SNS', 'SMSMonthToDateSpentUSD', 400, 'GreaterThanOrEqualToThreshold');
    expectAlarm('AWS/SES', 'Reputation.BounceRate', BOUNCE_RATE_ALARM, 'GreaterThanOrEqualToThreshold');
    expectAlarm('AWS/SES', 'Reputation.ComplaintRate', COMPLAINT_RATE_ALARM, 'GreaterThanOrEqualToThreshold');
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
  });

  test('the spend alarm follows the account’s limit (1 USD, the SNS default, when none is given)', () => {
    build().template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'SMSMonthToDateSpentUSD', Threshold: 0.8 });
  });

  test('cdk-nag (AWS Solutions) finds nothing to object to in what it adds', () => {
    const { app } = build();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  test('an address without a domain is refused', () => {
    const other = new Stack(new App(), 'Other');
    expect(() => addNotificationChannels(other, { stage: 'dev', senders: [], alarmTopic: new sns.Topic(other, 'Alarms'), emailFrom: 'nobody' })).toThrow(/must be an address/);
  });
});
