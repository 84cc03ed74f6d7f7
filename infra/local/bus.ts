import { randomUUID } from 'node:crypto';
import type { BusEvent, DeliveredEvent } from '../../events/envelope';
import { clock } from '../../libs/clock';
import type { EventPattern } from '../../libs/topology';
import { matchesPattern } from './event-pattern';
import { claimHeldUntil, heldPauseMs } from './retry';
import { sequence } from './runtime-store';

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

/** One event on its way to one target: accepted by `put`, gone once delivered or dead-lettered. */
export interface PendingDelivery {
  /** `<seq>#<target>#<event id>`: unique, and sorts by the time the event was accepted. */
  key: string;
  target: string;
  event: DeliveredEvent;
  /** Failed attempts so far (checks of a held claim are not counted). */
  attempts: number;
}

/**
 * Where the bus keeps its deliveries so that a crash loses none (infra/local/runtime-store.ts):
 * `save` before PutEvents returns (and again after a failed attempt), `done` once delivered or
 * dead-lettered. Without a journal (unit tests) deliveries live in memory only.
 */
export interface BusJournal {
  save(deliveries: readonly PendingDelivery[]): Promise<void>;
  done(delivery: PendingDelivery, deadLetter?: DeadLetter): Promise<void>;
}

/** EventBridge's limit for one entry of PutEvents. */
export const MAX_EVENT_BYTES = 256 * 1024;

export interface BusOptions {
  /** Attempts before an event is parked (EventBridge's retry policy, compressed). */
  maxAttempts?: number;
  retryDelayMs?: number;
  journal?: BusJournal;
  /** Where a failure of the journal itself is reported (it never fails a delivery). */
  warn?: (message: string, error: unknown) => void;
}

interface Entry {
  delivery: PendingDelivery;
  subscription: Subscription;
  timer?: NodeJS.Timeout;
  /** Checks of a claim another invocation holds, in a row. */
  held: number;
}

/**
 * The in-process EventBridge: applies the declared patterns, delivers asynchronously and at least
 * once, retries a failing target with backoff and parks what keeps failing as a dead letter. Every
 * delivery is in the journal from before `put` returns until it is done, and `resume` picks up what
 * a previous process left: a crash or a Ctrl-C loses nothing.
 */
export class LocalBus {
  readonly log: DeliveredEvent[] = [];
  readonly deadLetters: DeadLetter[] = [];
  private readonly subscriptions: Subscription[] = [];
  private readonly pending = new Map<string, Entry>();
  private running = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private barriers: { keys: Set<string>; resolve: () => void }[] = [];
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly journal: BusJournal | undefined;
  private readonly warn: (message: string, error: unknown) => void;

  constructor(options: BusOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.retryDelayMs = options.retryDelayMs ?? 50;
    this.journal = options.journal;
    this.warn = options.warn ?? ((message, error) => console.error(message, error));
  }

  subscribe(subscription: Subscription): void {
    this.subscriptions.push(subscription);
  }

  /** What PutEvents does: refuse what EventBridge would refuse, accept the rest (durably), deliver later. */
  async put(events: readonly BusEvent[]): Promise<void> {
    for (const event of events) {
      const size = Buffer.byteLength(event.source) + Buffer.byteLength(event.detailType) + Buffer.byteLength(JSON.stringify(event.detail));
      if (size > MAX_EVENT_BYTES) throw new Error(`${event.detailType} is ${size} bytes; EventBridge takes at most ${MAX_EVENT_BYTES}`);
    }
    const delivered: DeliveredEvent[] = [];
    const entries: Entry[] = [];
    for (const event of events) {
      const envelope: DeliveredEvent = {
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
      delivered.push(envelope);
      for (const subscription of this.subscriptions) {
        if (!matchesPattern(subscription.pattern, envelope as unknown as Record<string, unknown>)) continue;
        const delivery = { key: `${sequence()}#${subscription.target}#${envelope.id}`, target: subscription.target, event: envelope, attempts: 0 };
        entries.push({ delivery, subscription, held: 0 });
      }
    }
    // Accepted only once every delivery is in the journal: a crash after this loses none of them,
    // and a crash before it fails the publish, which leaves the events in their outbox for the sweep.
    if (entries.length && this.journal) await this.journal.save(entries.map((e) => e.delivery));
    this.log.push(...delivered);
    if (this.log.length > 10_000) this.log.splice(0, this.log.length - 5_000);
    for (const entry of entries) {
      this.pending.set(entry.delivery.key, entry);
      this.start(entry);
    }
  }

  /** Picks up deliveries a previous process left in the journal, oldest first; those to a target that no longer exists are dead-lettered. */
  resume(deliveries: readonly PendingDelivery[], deadLetters: readonly DeadLetter[] = []): void {
    this.deadLetters.push(...deadLetters);
    for (const delivery of [...deliveries].sort((a, b) => a.key.localeCompare(b.key))) {
      if (this.pending.has(delivery.key)) continue;
      const subscription = this.subscriptions.find((s) => s.target === delivery.target);
      if (!subscription) {
        const deadLetter = { target: delivery.target, event: delivery.event, attempts: delivery.attempts, error: `no consumer ${delivery.target} any more`, at: clock.nowIso() };
        this.deadLetters.push(deadLetter);
        void this.journal?.done(delivery, deadLetter).catch((error) => this.warn('could not dead-letter a delivery in the journal', error));
        continue;
      }
      const entry = { delivery, subscription, held: 0 };
      this.pending.set(delivery.key, entry);
      this.start(entry);
    }
  }

  private start(entry: Entry, delayMs = -1): void {
    if (this.stopped) return;
    const run = () => {
      entry.timer = undefined;
      if (this.stopped) return;
      this.running++;
      void this.attempt(entry).finally(() => {
        this.running--;
        this.settled();
      });
    };
    if (delayMs < 0) setImmediate(run);
    else entry.timer = setTimeout(run, delayMs);
  }

  private async attempt(entry: Entry): Promise<void> {
    const { delivery } = entry;
    try {
      await entry.subscription.invoke(structuredClone(delivery.event));
    } catch (error) {
      const heldUntil = claimHeldUntil(error);
      if (heldUntil !== undefined) {
        entry.held++;
        return this.start(entry, heldPauseMs(entry.held, this.retryDelayMs, heldUntil));
      }
      entry.held = 0;
      delivery.attempts++;
      if (delivery.attempts < this.maxAttempts) {
        await this.journal?.save([delivery]).catch((e) => this.warn('could not record a failed attempt in the journal', e));
        return this.start(entry, this.retryDelayMs * 2 ** (delivery.attempts - 1));
      }
      const deadLetter = { target: delivery.target, event: delivery.event, attempts: delivery.attempts, error: String((error as Error)?.message ?? error), at: clock.nowIso() };
      this.deadLetters.push(deadLetter);
      return this.finish(entry, deadLetter);
    }
    return this.finish(entry);
  }

  private async finish(entry: Entry, deadLetter?: DeadLetter): Promise<void> {
    // Delivered (or parked) first, forgotten second: a crash in between delivers it again, which consumers absorb.
    await this.journal?.done(entry.delivery, deadLetter).catch((error) => this.warn('could not clear a delivery from the journal; it will be delivered again at the next start', error));
    this.pending.delete(entry.delivery.key);
    for (const barrier of this.barriers) barrier.keys.delete(entry.delivery.key);
  }

  private settled(): void {
    const passed = this.barriers.filter((b) => b.keys.size === 0);
    if (passed.length) {
      this.barriers = this.barriers.filter((b) => b.keys.size > 0);
      passed.forEach((b) => b.resolve());
    }
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  /** A held claim may have run out because the clock moved: check those deliveries now. */
  wake(): void {
    for (const entry of this.pending.values()) {
      if (entry.held > 0 && entry.timer) {
        clearTimeout(entry.timer);
        this.start(entry);
      }
    }
  }

  /** Starts nothing more; what runs finishes (`drained`), and what waits stays in the journal for the next start. */
  stop(): void {
    this.stopped = true;
    for (const entry of this.pending.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    this.settled();
  }

  /** Deliveries by state: waiting for a retry, for a held claim, running, or about to run. */
  state() {
    let held = 0;
    let retrying = 0;
    for (const entry of this.pending.values()) {
      if (entry.held > 0) held++;
      else if (entry.delivery.attempts > 0) retrying++;
    }
    return { pending: this.pending.size, running: this.running, held, retrying, deadLetters: this.deadLetters.length };
  }

  /** How many invocations of consumers are running right now. */
  runningCount(): number {
    return this.running;
  }

  /** Nothing queued, running or waiting to be retried (or, once stopped, nothing running). */
  isIdle(): boolean {
    return this.pending.size === 0 || (this.stopped && this.running === 0);
  }

  /** Resolves when the bus is idle (see isIdle). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves when every delivery pending now is done (delivered or dead-lettered), whatever arrives meanwhile. */
  barrier(): Promise<void> {
    const keys = new Set(this.pending.keys());
    if (keys.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.barriers.push({ keys, resolve }));
  }
}
