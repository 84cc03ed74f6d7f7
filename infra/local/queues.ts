import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { clock } from '../../libs/clock';

/**
 * The in-process stand-in for SQS + Lambda's event source mapping: a declared queue delivers its
 * messages in batches to its worker, at most `maxConcurrency` batches at a time; the worker reports
 * failed messages (`batchItemFailures`) or throws (every message failed); a failed message becomes
 * visible again after a backoff and is dead-lettered after `maxReceives` deliveries.
 */
export interface LocalQueueDecl {
  /** `service/queue`. */
  id: string;
  batchSize: number;
  maxReceives: number;
  maxConcurrency: number;
  invoke: (event: SQSEvent) => Promise<unknown>;
}

interface Message {
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

export class LocalQueues {
  readonly deadLetters: QueueDeadLetter[] = [];
  private readonly queues = new Map<string, { decl: LocalQueueDecl; ready: Message[]; running: number; waiting: number }>();
  private busy = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    declarations: readonly LocalQueueDecl[],
    private readonly retryDelayMs = 50,
  ) {
    for (const decl of declarations) this.queues.set(decl.id, { decl, ready: [], running: 0, waiting: 0 });
  }

  /** SendMessageBatch: accepted now, delivered later. */
  async send(id: string, bodies: readonly string[]): Promise<void> {
    const queue = this.queues.get(id);
    if (!queue) throw new Error(`no queue ${id} is declared`);
    for (const body of bodies) {
      if (Buffer.byteLength(body) > 256 * 1024) throw new Error(`a message to ${id} is over SQS's 256 KB`);
    }
    for (const body of bodies) queue.ready.push({ messageId: randomUUID(), body, receiveCount: 0, sentAt: Date.now() });
    this.pump(id);
  }

  /** Messages waiting, in flight and dead-lettered, per queue. */
  depth() {
    return [...this.queues.entries()].map(([id, q]) => ({
      queue: id,
      visible: q.ready.length,
      delayed: q.waiting,
      inFlightBatches: q.running,
      deadLetters: this.deadLetters.filter((d) => d.queue === id).length,
    }));
  }

  private pump(id: string): void {
    const queue = this.queues.get(id)!;
    while (queue.running < queue.decl.maxConcurrency && queue.ready.length > 0) {
      const batch = queue.ready.splice(0, queue.decl.batchSize);
      queue.running++;
      this.busy++;
      setImmediate(() => void this.deliver(id, batch).finally(() => {
        queue.running--;
        this.done();
        this.pump(id);
      }));
    }
  }

  private async deliver(id: string, batch: Message[]): Promise<void> {
    const queue = this.queues.get(id)!;
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
    try {
      const response = (await queue.decl.invoke({ Records: records })) as SQSBatchResponse | undefined;
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      if (failed.size) error = 'reported in batchItemFailures';
    } catch (e) {
      // A worker that throws (or times out) fails the whole batch, as with Lambda.
      failed = new Set(batch.map((m) => m.messageId));
      error = String((e as Error)?.message ?? e);
    }
    for (const m of batch.filter((b) => failed.has(b.messageId))) {
      if (m.receiveCount >= queue.decl.maxReceives) {
        this.deadLetters.push({ queue: id, messageId: m.messageId, body: m.body, receives: m.receiveCount, error, at: clock.nowIso() });
        continue;
      }
      queue.waiting++;
      this.busy++;
      setTimeout(() => {
        queue.waiting--;
        queue.ready.push(m);
        this.done();
        this.pump(id);
      }, this.retryDelayMs * 2 ** (m.receiveCount - 1));
    }
  }

  private done(): void {
    this.busy--;
    if (this.busy === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  isIdle(): boolean {
    return this.busy === 0 && [...this.queues.values()].every((q) => q.ready.length === 0);
  }

  /** Resolves when nothing is queued, running or waiting to be retried. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
