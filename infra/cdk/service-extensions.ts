import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ServiceTopology } from '../../libs/topology';
import { addNotificationChannels } from './notifications';
import type { Platform, ServiceStack } from './service-stack';

/** What an extension gets: the service's nested stack, with everything the topology already made in it. */
export interface ServiceExtensionContext {
  /** Make the extra resources here (`new sns.Topic(stack, …)`), so they count against this service's template only. */
  stack: ServiceStack;
  service: ServiceTopology;
  platform: Platform;
  /** The function of the given part (`api`, a consumer's, schedule's or queue's name); throws if the service has none. */
  fn(part: string): NodejsFunction;
}

/**
 * What a service needs on AWS beyond what its topology declares (a table, a bucket, queues, functions,
 * rules, schedules, routes): for example the notifications service's SNS topics and SES identity and
 * configuration set, with the grants and environment its functions need to use them.
 *
 * Topology files stay free of the AWS SDK and CDK (test/architecture.test.ts), so these live here,
 * keyed by service name, and run at the end of that service's nested stack (service-stack.ts). Whatever
 * an extension adds is held to the same rules as the rest (test/cdk-failures.test.ts reads every
 * template): anything invoked asynchronously gets an on-failure destination or DLQ and an alarm on
 * the platform's `Alarms` topic (`platform.alarms`), and grants name the extension's own resources.
 */
export type ServiceExtension = (context: ServiceExtensionContext) => void;

/** Service name → its extension. Add a service here when its topology cannot say what it needs. */
export const SERVICE_EXTENSIONS: Readonly<Record<string, ServiceExtension>> = {
  // SMS (SNS, to phone numbers only) and e-mail (SES, from one address) for the two functions that send.
  // `-c noticesFrom=notices@your.domain` names the sending address (its domain is verified with DKIM);
  // `-c smsSpendLimitUsd=N` the account's monthly SMS limit the spend alarm watches.
  notifications: ({ stack, platform, fn }) => {
    const limit = Number(stack.node.tryGetContext('smsSpendLimitUsd'));
    addNotificationChannels(stack, {
      stage: platform.stage,
      alarmTopic: platform.alarms.topic,
      senders: [fn('deliveries'), fn('digests')],
      emailFrom: stack.node.tryGetContext('noticesFrom') ?? 'notices@gongzhi.example.gov.cn',
      ...(Number.isFinite(limit) && limit > 0 ? { smsMonthlySpendLimitUsd: limit } : {}),
    });
  },
};
