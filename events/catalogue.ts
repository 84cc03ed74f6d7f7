import * as access from './access';
import * as common from './common';
import * as disputes from './disputes';
import * as elections from './elections';
import * as enforcement from './enforcement';
import type { EventDefinition } from './envelope';
import * as funds from './funds';
import * as notifications from './notifications';
import * as registry from './registry';

/**
 * The event catalogue: every event that crosses a service boundary, defined once, in the file of
 * the service that publishes it (events/<service>.ts). Producers build events with `X.create(...)`,
 * consumers read them with `X.parse(...)`, and the CDK rules and local bus match on `X.source` /
 * `X.detailType`. A new event needs only its definition there and its fixture (events/fixtures.ts).
 */
export * from './common';
export * from './registry';
export * from './elections';
export * from './funds';
export * from './enforcement';
export * from './disputes';
export * from './access';
export * from './notifications';

const isEvent = (value: unknown): value is EventDefinition<never> => typeof value === 'object' && value !== null && 'detailType' in value && 'source' in value && 'create' in value;

export const catalogue: readonly EventDefinition<never>[] = [registry, elections, funds, enforcement, disputes, access, notifications].flatMap((m) => Object.values(m).filter(isEvent));
void common;
