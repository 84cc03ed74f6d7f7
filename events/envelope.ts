import { randomUUID } from 'node:crypto';
import * as z from './zod';

/** The metadata every gongzhi event carries. `id` is the idempotency key and survives forwarding. */
export const eventMetadata = z.strictObject({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  version: z.int().check(z.positive()),
  occurredAt: z.iso.datetime(),
  compoundId: z.nullable(z.string()),
  actor: z.string().check(z.minLength(1)),
  correlationId: z.string().check(z.minLength(1)),
});
export type EventMetadata = z.infer<typeof eventMetadata>;

export type EventSource = `gongzhi.${string}`;

/** The wire form given to EventBridge PutEvents (and to the local bus). */
export interface BusEvent {
  source: EventSource;
  detailType: string;
  detail: { metadata: EventMetadata; data: unknown };
}

/** What consumers receive: the EventBridge event shape. */
export interface DeliveredEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: { metadata: EventMetadata; data: unknown };
}

export interface EventContext {
  compoundId: string | null;
  actor: string;
  correlationId?: string;
  /** Deterministic ids make a republished event recognisable; default a random UUID. */
  id?: string;
  occurredAt: string;
}

export interface EventDefinition<S extends z.ZodMiniType> {
  source: EventSource;
  detailType: string;
  version: number;
  data: S;
  detail: z.ZodMiniType<{ metadata: EventMetadata; data: z.infer<S> }>;
  create(data: z.input<S>, context: EventContext): BusEvent;
  /** Parse a delivered event's detail; throws if it is not this event. */
  parse(event: Pick<DeliveredEvent, 'detail-type' | 'source' | 'detail'>): { metadata: EventMetadata; data: z.infer<S> };
}

export function defineEvent<S extends z.ZodMiniType>(source: EventSource, detailType: string, version: number, data: S): EventDefinition<S> {
  const detail = z.strictObject({
    metadata: z.extend(eventMetadata, { version: z.literal(version) }),
    data,
  }) as unknown as z.ZodMiniType<{ metadata: EventMetadata; data: z.infer<S> }>;
  return {
    source,
    detailType,
    version,
    data,
    detail,
    create(payload, context) {
      const parsed = data.parse(payload);
      const id = context.id ?? randomUUID();
      return {
        source,
        detailType,
        detail: {
          metadata: {
            id,
            version,
            occurredAt: context.occurredAt,
            compoundId: context.compoundId,
            actor: context.actor,
            correlationId: context.correlationId ?? id,
          },
          data: parsed,
        },
      };
    },
    parse(event) {
      if (event.source !== source || event['detail-type'] !== detailType) {
        throw new Error(`expected ${source}/${detailType}, got ${event.source}/${event['detail-type']}`);
      }
      return detail.parse(event.detail);
    },
  };
}
