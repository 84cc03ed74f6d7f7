import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { clock } from '../../libs/clock';
import { claimHeldUntil, heldPauseMs } from './retry';
import { sequence } from './runtime-store';

/**
 * The in-process stand-in for SQS + Lambda's event source mapping: a declared queue delivers its
 * messages in batches to its worker, at most `maxConcurrency` batches at a time; the worker reports
 * failed messages (`batchItemFailures`) or throws (every message failed); a failed message becomes
 * visible again after a backoff and is dead-lettered after `maxReceives` deliveries. Every message is
 * in the journal from before `send` returns until its worker succeeded or it is dead-lettered, and
 * `resume` picks up what a previous process left.
 */
export interface LocalQueueDecl {
  /** `service/queue`. */
  id: string;
  batchSize: number;
  maxReceives: number;
  maxConcurrency: number;
  invoke: (event: SQSEvent) => Promise<unknown>;
}

export interface QueueMessage {
  /** `<seq>#<message id>`: unique, and sorts by the time the message was sent. */
  key: string;
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: number;
}

export interface QueueDeadLetter {
  queue: string;
  messageId: string;
  body: string;
  receives: number;
  error: string;
  at: string;
}

/** Where messages are kept so that a crash loses none (infra/local/runtime-store.ts). */
export interface QueueJournal {
  save(queue: string, messages: readonly QueueMessage[]): Promise<void>;
  done(queue: string, messages: readonly QueueMessage[]): Promise<void>;
  deadLetter(queue: string, message: QueueMessage, deadLetter: QueueDeadLetter): Promise<void>;
}

interface Waiting {
  message: QueueMessage;
  timer: NodeJS.Timeout;
  held: boolean;
}

interface Queue {
  decl: LocalQueueDecl;
  ready: QueueMessage[];
  running: number;
  waiting: Set<Waiting>;
  /** Checks of a held claim in a row, per message id. */
  held: Map<string, number>;
  /** Every message not yet done: ready, in a running batch or waiting. */
  outstanding: Set<string>;
}

export class LocalQueues {
  readonly deadLetters: QueueDeadLetter[] = [];
  private readonly queues = new Map<string, Queue>();
  private runningBatches = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private barriers: { keys: Set<string>; resolve: () => void }[] = [];

  constructor(
    declarations: readonly LocalQueueDecl[],
    private readonly retryDelayMs = 50,
    private readonly journal?: QueueJournal,
    private readonly warn: (message: string, error: unknown) => void = (message, error) => console.error(message, error),
  ) {
    for (const decl of declarations) this.queues.set(decl.id, { decl, ready: [], running: 0, waiting: new Set(), held: new Map(), outstanding: new Set() });
  }

  /** The declared queues' ids. */
  ids(): string[] {
    return [...this.queues.keys()];
  }

  /** SendMessageBatch: accepted (durably) now, delivered later. */
  async send(id: string, bodies: readonly string[]): Promise<void> {
    const queue = this.queues.get(id);
    if (!queue) throw new Error(`no queue ${id} is declared`);
    for (const body of bodies) {
      if (Buffer.byteLength(body) > 256 * 1024) throw new Error(`a message to ${id} is over SQS's 256 KB`);
    }
    const messages = bodies.map((body) => {
      const messageId = randomUUID();
      return { key: `${sequence()}#${messageId}`, messageId, body, receiveCount: 0, sentAt: Date.now() };
    });
    if (messages.length && this.journal) await this.journal.save(id, messages);
    this.enqueue(queue, messages);
  }

  /** Picks up the messages a previous process left, oldest first; a message for a queue no longer declared is dead-lettered. */
  resume(messages: ReadonlyMap<string, readonly QueueMessage[]>, deadLetters: readonly QueueDeadLetter[] = []): void {
    this.deadLetters.push(...deadLetters);
    for (const [id, list] of messages) {
      const queue = this.queues.get(id);
      const sorted = [...list].sort((a, b) => a.key.localeCompare(b.key));
      if (queue) {
        this.enqueue(
          queue,
          sorted.filter((m) => !queue.outstanding.has(m.key)),
        );
        continue;
      }
      for (const message of sorted) {
        const deadLetter = { queue: id, messageId: message.messageId, body: message.body, receives: message.receiveCount, error: `no queue ${id} any more`, at: clock.nowIso() };
        this.deadLetters.push(deadLetter);
        void this.journal?.deadLetter(id, message, deadLetter).catch((error) => this.warn('could not dead-letter a message in the journal', error));
      }
    }
  }

  private enqueue(queue: Queue, messages: readonly QueueMessage[]): void {
    for (const m of messages) queue.outstanding.add(m.key);
    queue.ready.push(...messages);
    this.pump(queue);
  }

  /** Messages waiting, in flight and dead-lettered, per queue. */
  depth() {
    return [...this.queues.entries()].map(([id, q]) => ({
      queue: id,
      visible: q.ready.length,
      delayed: q.waiting.size,
      inFlightBatches: q.running,
      deadLetters: this.deadLetters.filter((d) => d.queue === id).length,
    }));
  }

  private pump(queue: Queue): void {
    while (!this.stopped && queue.running < queue.decl.maxConcurrency && queue.ready.length > 0) {
      const batch = queue.ready.splice(0, queue.decl.batchSize);
      queue.running++;
      this.runningBatches++;
      setImmediate(
        () =>
          void this.deliver(queue, batch).finally(() => {
            queue.running--;
            this.runningBatches--;
            this.settled();
            this.pump(queue);
          }),
      );
    }
  }

  private async deliver(queue: Queue, batch: QueueMessage[]): Promise<void> {
    const id = queue.decl.id;
    for (const m of batch) m.receiveCount++;
    const records: SQSRecord[] = batch.map((m) => ({
      messageId: m.messageId,
      receiptHandle: m.messageId,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(m.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:${id.replace('/', '-')}`,
      awsRegion: 'local',
    }));
    let failed: Set<string>;
    let error = '';
    let heldUntil: number | undefined;
    try {
      const response = (await queue.decl.invoke({ Records: records })) as SQSBatchResponse | undefined;
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      if (failed.size) error = 'reported in batchItemFailures';
    } catch (e) {
      // A worker that throws (or times out) fails the whole batch, as with Lambda.
      failed = new Set(batch.map((m) => m.messageId));
      error = String((e as Error)?.message ?? e);
      heldUntil = claimHeldUntil(e);
    }
    const succeeded = batch.filter((m) => !failed.has(m.messageId));
    if (succeeded.length) {
      for (const m of succeeded) queue.held.delete(m.messageId);
      await this.journal?.done(id, succeeded).catch((e) => this.warn('could not clear messages from the journal; they will be delivered again at the next start', e));
      this.forget(queue, succeeded);
    }
    for (const m of batch.filter((b) => failed.has(b.messageId))) {
      if (heldUntil !== undefined) {
        // Another invocation holds the claim: not a failure of this message, check again soon.
        m.receiveCount--;
        const held = (queue.held.get(m.messageId) ?? 0) + 1;
        queue.held.set(m.messageId, held);
        this.later(queue, m, heldPauseMs(held, this.retryDelayMs, heldUntil), true);
        continue;
      }
      queue.held.delete(m.messageId);
      if (m.receiveCount >= queue.decl.maxReceives) {
        const deadLetter = { queue: id, messageId: m.messageId, body: m.body, receives: m.receiveCount, error, at: clock.nowIso() };
        this.deadLetters.push(deadLetter);
        await this.journal?.deadLetter(id, m, deadLetter).catch((e) => this.warn('could not dead-letter a message in the journal', e));
        this.forget(queue, [m]);
        continue;
      }
      await this.journal?.save(id, [m]).catch((e) => this.warn('could not record a failed delivery in the journal', e));
      this.later(queue, m, this.retryDelayMs * 2 ** (m.receiveCount - 1), false);
    }
  }

  private later(queue: Queue, message: QueueMessage, delayMs: number, held: boolean): void {
    if (this.stopped) return;
    const waiting: Waiting = {
      message,
      held,
      timer: setTimeout(() => {
        queue.waiting.delete(waiting);
        queue.ready.push(message);
        this.pump(queue);
      }, delayMs),
    };
    queue.waiting.add(waiting);
  }

  private forget(queue: Queue, messages: readonly QueueMessage[]): void {
    for (const m of messages) {
      queue.outstanding.delete(m.key);
      for (const barrier of this.barriers) barrier.keys.delete(`${queue.decl.id}|${m.key}`);
    }
  }

  private outstandingCount(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.outstanding.size;
    return n;
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

  /** A held claim may have run out because the clock moved: redeliver those messages now. */
  wake(): void {
    for (const queue of this.queues.values()) {
      for (const waiting of [...queue.waiting].filter((w) => w.held)) {
        clearTimeout(waiting.timer);
        queue.waiting.delete(waiting);
        queue.ready.push(waiting.message);
      }
      this.pump(queue);
    }
  }

  /** Starts no more batches; running ones finish, the rest stays in the journal for the next start. */
  stop(): void {
    this.stopped = true;
    for (const queue of this.queues.values()) {
      for (const waiting of queue.waiting) clearTimeout(waiting.timer);
      queue.waiting.clear();
    }
    this.settled();
  }

  /** How many batches are being worked on right now. */
  runningCount(): number {
    return this.runningBatches;
  }

  isIdle(): boolean {
    return this.outstandingCount() === 0 || (this.stopped && this.runningBatches === 0);
  }

  /** Resolves when nothing is queued, running or waiting to be retried (or, once stopped, when nothing runs). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves when every message outstanding now is done (its worker succeeded, or it is dead-lettered). */
  barrier(): Promise<void> {
    const keys = new Set<string>();
    for (const q of this.queues.values()) for (const key of q.outstanding) keys.add(`${q.decl.id}|${key}`);
    if (keys.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.barriers.push({ keys, resolve }));
  }
}
