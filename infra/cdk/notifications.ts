import { Arn, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/**
 * The outbound channels of the notifications service, for the functions that send (its deliveries
 * and digests workers) and nothing else: SMS through Amazon SNS, published to phone numbers only
 * (never to a topic), and e-mail through Amazon SES from one address of one verified identity, in a
 * configuration set that tracks reputation. Alarms: SMS delivery failing or its spend nearing the
 * account's limit, e-mail bounces or complaints nearing what SES tolerates, all to the Alarms topic.
 * The work queues' dead-letter alarms come with the declared queues (libs/topology.ts).
 *
 * Self-contained so that it lands in whichever stack holds the service's functions (the platform
 * stack today, the service's nested stack tomorrow):
 *   addNotificationChannels(scopeOfTheFunctions, {
 *     stage, alarmTopic,
 *     senders: ['notifications-deliveries', 'notifications-digests'].map((n) => functions.get(n)!),
 *     emailFrom: 'notices@gongzhi.example.gov.cn',
 *   });
 */
export interface NotificationChannelsProps {
  stage: string;
  /** The functions that send: each gets the permissions and the configuration. */
  senders: readonly lambda.IFunction[];
  alarmTopic: sns.ITopic;
  /** The sending address; its domain is the SES identity (verified with DKIM when deployed). */
  emailFrom: string;
  /** The SMS sender id, where the destination country supports one (mainland China does not: leave it out). */
  smsSenderId?: string;
  /** The account's monthly SMS spend limit (USD), which SNS enforces; the alarm fires at 80 %. */
  smsMonthlySpendLimitUsd?: number;
}

export interface NotificationChannels {
  identity: ses.EmailIdentity;
  configurationSet: ses.ConfigurationSet;
  alarms: cloudwatch.Alarm[];
}

/** SES suspends an account at a 10 % bounce rate and reviews it at 5 %; complaints at 0.5 % and 0.1 %. */
export const BOUNCE_RATE_ALARM = 0.04;
export const COMPLAINT_RATE_ALARM = 0.0008;
/** Below 90 % of SMS delivered over an hour something is wrong with numbers, the carrier or the sender. */
export const SMS_SUCCESS_RATE_ALARM = 0.9;

export function addNotificationChannels(scope: Construct, props: NotificationChannelsProps): NotificationChannels {
  const stack = Stack.of(scope);
  const domain = props.emailFrom.split('@')[1];
  if (!domain) throw new Error(`emailFrom must be an address, not ${props.emailFrom}`);

  const identity = new ses.EmailIdentity(scope, 'NotificationsEmailIdentity', { identity: ses.Identity.domain(domain) });
  // Named, not left to a token: the senders' policy and configuration name it before deployment.
  const configurationSetName = `gongzhi-${props.stage}-notifications`;
  const configurationSet = new ses.ConfigurationSet(scope, 'NotificationsEmail', {
    configurationSetName,
    reputationMetrics: true,
    sendingEnabled: true,
    suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
  });

  const identityArn = Arn.format({ service: 'ses', resource: 'identity', resourceName: domain, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, stack);
  const configurationSetArn = Arn.format({ service: 'ses', resource: 'configuration-set', resourceName: configurationSetName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, stack);

  for (const fn of props.senders) {
    // SMS: Publish to a phone number has no resource ARN; excluding every SNS ARN leaves phone numbers only.
    fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'SmsToPhoneNumbersOnly', actions: ['sns:Publish'], notResources: ['arn:aws:sns:*:*:*'] }));
    // E-mail: from this address only, through this identity and configuration set only.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'EmailFromTheNoticesAddress',
        actions: ['ses:SendEmail'],
        resources: [identityArn, configurationSetArn],
        conditions: { StringEquals: { 'ses:FromAddress': props.emailFrom } },
      }),
    );
    const withEnv = fn as lambda.IFunction & { addEnvironment?: (key: string, value: string) => unknown };
    withEnv.addEnvironment?.('EMAIL_FROM', props.emailFrom);
    withEnv.addEnvironment?.('EMAIL_CONFIGURATION_SET', configurationSetName);
    if (props.smsSenderId) withEnv.addEnvironment?.('SMS_SENDER_ID', props.smsSenderId);
  }

  const alarm = (id: string, description: string, metric: cloudwatch.IMetric, threshold: number, comparisonOperator: cloudwatch.ComparisonOperator, evaluationPeriods = 1) => {
    const created = new cloudwatch.Alarm(scope, id, {
      alarmDescription: description,
      metric,
      threshold,
      comparisonOperator,
      evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    created.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));
    return created;
  };
  const limit = props.smsMonthlySpendLimitUsd ?? 1;
  const alarms = [
    alarm(
      'NotificationsSmsSuccessAlarm',
      `SMS notices are failing: under ${SMS_SUCCESS_RATE_ALARM * 100} % delivered in an hour (docs/notifications.md, "Operations")`,
      new cloudwatch.Metric({ namespace: 'AWS/SNS', metricName: 'SMSSuccessRate', statistic: 'Average', period: Duration.hours(1) }),
      SMS_SUCCESS_RATE_ALARM,
      cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    ),
    alarm(
      'NotificationsSmsSpendAlarm',
      `SMS spend this month is over 80 % of the ${limit} USD limit; past it SNS stops sending (raise the limit: docs/notifications.md)`,
      new cloudwatch.Metric({ namespace: 'AWS/SNS', metricName: 'SMSMonthToDateSpentUSD', statistic: 'Maximum', period: Duration.hours(1) }),
      limit * 0.8,
      cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ),
    alarm(
      'NotificationsEmailBounceAlarm',
      `E-mail notices bounce (${BOUNCE_RATE_ALARM * 100} %); SES reviews the account at 5 %`,
      new cloudwatch.Metric({ namespace: 'AWS/SES', metricName: 'Reputation.BounceRate', statistic: 'Maximum', period: Duration.hours(1) }),
      BOUNCE_RATE_ALARM,
      cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ),
    alarm(
      'NotificationsEmailComplaintAlarm',
      `E-mail notices draw complaints (${COMPLAINT_RATE_ALARM * 100} %); SES reviews the account at 0.1 %`,
      new cloudwatch.Metric({ namespace: 'AWS/SES', metricName: 'Reputation.ComplaintRate', statistic: 'Maximum', period: Duration.hours(1) }),
      COMPLAINT_RATE_ALARM,
      cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ),
  ];
  return { identity, configurationSet, alarms };
}
