import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { deployedQueueName } from '../infra/cdk/functions';
import type { ServiceExtension } from '../infra/cdk/service-extensions';
import type { RouteDecl, ServiceTopology } from '../libs/topology';

/** A service of the given shape, with handlers that exist (their code is not bundled in the CDK tests). */
export function shaped(name: string, shape: { routes: number; consumers: number; schedules: number; queues: number; files?: boolean }): ServiceTopology {
  const entry = 'libs/outbox-sweep.ts';
  const routes: RouteDecl[] = Array.from({ length: shape.routes }, (_, i) => ({
    operationId: `${name}${i}`,
    method: i % 2 ? 'POST' : 'GET',
    path: `/compounds/{compoundId}/${name}/r${i}`,
    summary: `route ${i}`,
    allow: ['owner'],
  }));
  const queues = Array.from({ length: shape.queues }, (_, i) => ({ name: `units-${i}`, entry, description: `queue ${i}` }));
  return {
    name,
    source: `gongzhi.${name}`,
    ownsTable: true,
    files: shape.files,
    api: { entry, routes },
    consumers: Array.from({ length: shape.consumers }, (_, i) => ({ name: `on-${i}`, entry, description: `consumer ${i}`, pattern: { source: ['gongzhi.registry'] } })),
    schedules: Array.from({ length: shape.schedules }, (_, i) => ({ name: `every-${i}`, entry, description: `schedule ${i}`, expression: 'rate(1 hour)', sendsTo: queues.map((q) => q.name) })),
    queues,
    publishes: ['Happened'],
  };
}

/** A mailing service of notifications' shape: 10 routes, 3 consumers, 2 schedules, a queue of sends. */
export const mailingShaped = shaped('mailing', { routes: 10, consumers: 3, schedules: 2, queues: 1 });

/**
 * What such a service adds beyond its topology, as a `ServiceExtension`: an SES sender identity
 * and configuration set whose bounces and complaints go to an SNS topic, a consumer subscribed to
 * that topic with a dead-letter queue that alarms, and the queue worker allowed to send mail.
 */
export const mailingExtension: ServiceExtension = ({ stack, platform, fn }) => {
  const feedback = new sns.Topic(stack, 'MailingFeedback', { enforceSSL: true });
  const configurationSet = new ses.ConfigurationSet(stack, 'MailingMail', {});
  configurationSet.addEventDestination('Feedback', { destination: ses.EventDestination.snsTopic(feedback), events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT] });
  const sender = new ses.EmailIdentity(stack, 'MailingSender', { identity: ses.Identity.domain('notify.example.cn'), configurationSet });
  sender.grantSendEmail(fn('units-0'));
  const undelivered = platform.alarms.deadLetterQueue(
    stack,
    'MailingFeedbackDeadLetters',
    'Mail feedback the consumer could not take',
    deployedQueueName(platform.stage, 'mailing-feedback-dead-letters'),
  );
  feedback.addSubscription(new subscriptions.LambdaSubscription(fn('on-0'), { deadLetterQueue: undelivered }));
};
