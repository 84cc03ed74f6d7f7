import { Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** How long a dead letter is kept (SQS's maximum): the runbook has this long to redrive it. */
export const DEAD_LETTER_RETENTION = Duration.days(14);
/** A dead letter this old alarms again: four days remain before SQS deletes it. */
export const DEAD_LETTER_EXPIRY_WARNING = Duration.days(10);

/**
 * Everything that needs a person goes to one SNS topic (`Alarms`), with an email subscription per
 * `-c alarmEmails=a@x,b@y`. Each alarm's description says what happened and docs/deploy.md says what to do.
 *
 * Per function, not one composite per service: an alarm then names the function that failed (the
 * runbook's first question), costs the same to read, and a composite would still need these alarms
 * as its children. About 0.10 USD per alarm-month.
 */
export class Alarms {
  readonly topic: sns.Topic;

  constructor(scope: Construct, props: { stage: string; emails: readonly string[] }) {
    this.topic = new sns.Topic(scope, 'Alarms', { displayName: `gongzhi ${props.stage} alarms`, enforceSSL: true });
    for (const email of props.emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
  }

  private notify(alarm: cloudwatch.Alarm): cloudwatch.Alarm {
    alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.topic));
    return alarm;
  }

  /** A dead-letter queue kept as long as SQS allows, encrypted, TLS only. */
  deadLetterQueue(scope: Construct, id: string, what: string): sqs.Queue {
    const queue = new sqs.Queue(scope, id, { retentionPeriod: DEAD_LETTER_RETENTION, encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
    Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: `This queue is itself a dead-letter queue (${what}).` });
    this.onDeadLetters(scope, id, queue, what);
    return queue;
  }

  /**
   * Whatever lands in a dead-letter queue needs a person: one alarm as soon as a message waits there,
   * and another when the oldest has waited ten of its fourteen days.
   */
  onDeadLetters(scope: Construct, id: string, queue: sqs.IQueue, what: string): void {
    this.notify(
      new cloudwatch.Alarm(scope, `${id}Alarm`, {
        alarmDescription: `${what}: a message is waiting in ${queue.queueName} (docs/deploy.md, "Redrive")`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    this.notify(
      new cloudwatch.Alarm(scope, `${id}ExpiryAlarm`, {
        alarmDescription: `${what}: the oldest message in ${queue.queueName} is ${DEAD_LETTER_EXPIRY_WARNING.toDays()} days old and will be deleted at ${DEAD_LETTER_RETENTION.toDays()}; redrive it now`,
        metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.hours(1), statistic: 'Maximum' }),
        threshold: DEAD_LETTER_EXPIRY_WARNING.toSeconds(),
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /**
   * A function's errors (it threw, crashed or timed out) in two of three five-minute periods: a
   * one-off is retried by Lambda, the bus or the queue and is not worth a page; a failure that
   * persists is. Any throttle at all: the account or the function's concurrency is too small.
   */
  onFunction(scope: Construct, id: string, fn: lambda.IFunction, name: string): void {
    this.notify(
      new cloudwatch.Alarm(scope, `${id}ErrorsAlarm`, {
        alarmDescription: `${name} keeps failing (errors in 2 of the last 3 five-minute periods); see its log group`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    this.notify(
      new cloudwatch.Alarm(scope, `${id}ThrottlesAlarm`, {
        alarmDescription: `${name} was throttled: raise its or the account's concurrency (docs/deploy.md, "Throttles")`,
        metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /** 5xx answered to people (integration crashes and timeouts included), in two of three five-minute periods. */
  onApi(scope: Construct, api: apigw.HttpApi): void {
    this.notify(
      new cloudwatch.Alarm(scope, 'ApiServerErrorsAlarm', {
        alarmDescription: 'The HTTP API keeps answering 5xx (2 of the last 3 five-minute periods); see the access log and the functions’ error alarms',
        metric: api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
