import { randomUUID } from 'node:crypto';
import type { BusEvent, DeliveredEvent } from '../../events/envelope';
import { clock } from '../../libs/clock';
import type { EventPattern } from '../../libs/topology';
import { matchesPattern } from './event-pattern';

export interface Subscription {
  /** `service-consumer`, as the deployed function is named. */
  target: string;
  pattern: EventPattern;
  invoke: (event: DeliveredEvent) => Promise<unknown>;
}

export interface DeadLetter {
  target: string;
  event: DeliveredEvent;
  attempts: number;
  error: string;
  at: string;
}

/** EventBridge's limit for one entry of PutEvents. */
export const MAX_EVENT_BYTES = 256 * 1024;

export interface BusOptions {
  /** Attempts before an event is parked (EventBridge's retry policy, compressed). */
  maxAttempts?: number;
  retryDelayMs?: number;
}

/**
 * The in-process EventBridge: applies the declared patterns, delivers asynchronously and at least
 * once, retries a failing target with backoff and parks what keeps failing as a dead letter.
 */
export class LocalBus {
  readonly log: DeliveredEvent[] = [];
  readonly deadLetters: DeadLetter[] = [];
  private readonly subscriptions: Subscription[] = [];
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;

  constructor(options: BusOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.retryDelayMs = options.retryDelayMs ?? 50;
  }

  subscribe(subscription: Subscription): void {
    this.subscriptions.push(subscription);
  }

  /** What PutEvents does: refuse what EventBridge would refuse, accept the rest, deliver later. */
  async put(events: readonly BusEvent[]): Promise<void> {
    for (const event of events) {
      const size = Buffer.byteLength(event.source) + Buffer.byteLength(event.detailType) + Buffer.byteLength(JSON.stringify(event.detail));
      if (size > MAX_EVENT_BYTES) throw new Error(`${event.detailType} is ${size} bytes; EventBridge takes at most ${MAX_EVENT_BYTES}`);
    }
    for (const event of events) {
      const delivered: DeliveredEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': event.detailType,
        source: event.source,
        account: '000000000000',
        time: clock.nowIso(),
        region: 'local',
        resources: [],
        detail: structuredClone(event.detail),
      };
      this.log.push(delivered);
      for (const subscription of this.subscriptions) {
        if (matchesPattern(subscription.pattern, delivered as unknown as Record<string, unknown>)) {
          this.deliver(subscription, delivered, 1);
        }
      }
    }
  }

  private deliver(subscription: Subscription, event: DeliveredEvent, attempt: number): void {
    this.inFlight++;
    setImmediate(async () => {
      try {
        await subscription.invoke(structuredClone(event));
      } catch (error) {
        if (attempt < this.maxAttempts) {
          this.inFlight++;
          setTimeout(() => {
            this.inFlight--;
            this.deliver(subscription, event, attempt + 1);
          }, this.retryDelayMs * 2 ** (attempt - 1));
        } else {
          this.deadLetters.push({ target: subscription.target, event, attempts: attempt, error: String((error as Error)?.message ?? error), at: clock.nowIso() });
        }
      } finally {
        this.inFlight--;
        if (this.inFlight === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          waiters.forEach((w) => w());
        }
      }
    });
  }

  isIdle(): boolean {
    return this.inFlight === 0;
  }

  /** Resolves when nothing is queued, running or waiting to be retried. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
