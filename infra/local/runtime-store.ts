import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { BusJournal, DeadLetter, PendingDelivery } from './bus';
import type { QueueDeadLetter, QueueJournal, QueueMessage } from './queues';

/**
 * What the local runtime itself must not forget when its process dies (kill -9, Ctrl-C, a crash):
 * the bus deliveries and queue messages not yet done, their dead letters, the moved clock and the
 * progress of the demo seed. Deployed, EventBridge, SQS and Scheduler keep these; locally they live
 * in one table of the embedded store, beside the services' tables, so they are as durable as the
 * data they are about (one LevelDB, one write-ahead log, the same crash-atomic writes).
 *
 * Layout (pk / sk):
 *   BUS / <seq>#<target>#<event id>          a delivery of one event to one target, until it is done
 *   QUEUE#<service/queue> / <seq>#<msg id>   a message, until its worker succeeded or it is dead-lettered
 *   DEAD / bus#<target>#<event id>           a delivery that kept failing
 *   DEAD / queue#<service/queue>#<msg id>    a message that kept failing
 *   STATE / <name>                           small named values (the clock's offset, the seed's steps)
 * `<seq>` orders items by the time they were written, so work resumes oldest first.
 */
export const RUNTIME_TABLE = 'gongzhi-local-_runtime';

type Item = Record<string, unknown>;

let lastStamp = 0;
let counter = 0;
/** Sortable and unique within the process: milliseconds, then a counter. */
export function sequence(): string {
  const now = Date.now();
  if (now !== lastStamp) {
    lastStamp = now;
    counter = 0;
  }
  return `${String(now).padStart(15, '0')}-${String(counter++).padStart(6, '0')}`;
}

export class RuntimeStore {
  private readonly client: DynamoDBClient;
  private readonly doc: DynamoDBDocumentClient;

  constructor(endpoint: string, config: Partial<DynamoDBClientConfig> = {}) {
    this.client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, ...config });
    this.doc = DynamoDBDocumentClient.from(this.client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Creates the table when it is missing (a data folder from before, or a new one). */
  async ensureTable(existing: ReadonlySet<string>): Promise<void> {
    if (existing.has(RUNTIME_TABLE)) return;
    await this.client.send(
      new CreateTableCommand({
        TableName: RUNTIME_TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    while ((await this.client.send(new DescribeTableCommand({ TableName: RUNTIME_TABLE }))).Table?.TableStatus !== 'ACTIVE') {
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async put(items: readonly Item[]): Promise<void> {
    if (items.length === 1) {
      await this.doc.send(new PutCommand({ TableName: RUNTIME_TABLE, Item: items[0] }));
      return;
    }
    await this.batch(items.map((Item) => ({ PutRequest: { Item } })));
  }

  async delete(keys: readonly { pk: string; sk: string }[]): Promise<void> {
    if (keys.length === 1) {
      await this.doc.send(new DeleteCommand({ TableName: RUNTIME_TABLE, Key: keys[0] }));
      return;
    }
    await this.batch(keys.map((Key) => ({ DeleteRequest: { Key } })));
  }

  private queued = new Map<string, { request: Record<string, unknown>; done: { resolve: () => void; reject: (error: unknown) => void }[] }>();
  private flushScheduled = false;

  /**
   * Writes made within one turn of the event loop go together, 25 to a BatchWriteItem: when a burst
   * of events is published or delivered (a fan-out), one request instead of one each. Two writes of
   * one key in the same turn: the later wins, as if sent in order. Resolves once written.
   */
  putSoon(items: readonly Item[]): Promise<void> {
    return this.queue(items.map((Item) => ({ key: { pk: Item.pk as string, sk: Item.sk as string }, request: { PutRequest: { Item } } })));
  }

  deleteSoon(keys: readonly { pk: string; sk: string }[]): Promise<void> {
    return this.queue(keys.map((key) => ({ key, request: { DeleteRequest: { Key: key } } })));
  }

  private queue(writes: { key: { pk: string; sk: string }; request: Record<string, unknown> }[]): Promise<void> {
    const waits = writes.map(
      ({ key, request }) =>
        new Promise<void>((resolve, reject) => {
          const id = `${key.pk}\u0000${key.sk}`;
          const entry = this.queued.get(id) ?? { request, done: [] };
          entry.request = request;
          entry.done.push({ resolve, reject });
          this.queued.set(id, entry);
        }),
    );
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    }
    return Promise.all(waits).then(() => undefined);
  }

  private async flush(): Promise<void> {
    const entries = [...this.queued.values()];
    this.queued = new Map();
    this.flushScheduled = false;
    for (let i = 0; i < entries.length; i += 25) {
      const chunk = entries.slice(i, i + 25);
      try {
        await this.batch(chunk.map((e) => e.request));
        chunk.forEach((e) => e.done.forEach((d) => d.resolve()));
      } catch (error) {
        chunk.forEach((e) => e.done.forEach((d) => d.reject(error)));
      }
    }
  }

  /** Each item is written whole or not at all (as DynamoDB's BatchWriteItem); the batch as a whole is not atomic. */
  private async batch(requests: Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending = requests.slice(i, i + 25);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 8) throw new Error('the runtime table kept writes unprocessed');
        const result = await this.doc.send(new BatchWriteCommand({ RequestItems: { [RUNTIME_TABLE]: pending } }));
        pending = (result.UnprocessedItems?.[RUNTIME_TABLE] ?? []) as typeof pending;
        if (pending.length) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
      }
    }
  }

  /** Every item of a partition, in key order. */
  async partition(pk: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({ TableName: RUNTIME_TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async getState<T>(name: string): Promise<T | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: RUNTIME_TABLE, Key: { pk: 'STATE', sk: name }, ConsistentRead: true }));
    return Item?.value as T | undefined;
  }

  async setState(name: string, value: unknown): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: RUNTIME_TABLE, Item: { pk: 'STATE', sk: name, value } }));
  }

  /** Named values whose name starts with `prefix`, by name. */
  async statesStartingWith<T>(prefix: string): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: RUNTIME_TABLE,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': 'STATE', ':prefix': prefix },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) out.set(item.sk as string, item.value as T);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async deleteStates(names: readonly string[]): Promise<void> {
    if (names.length) await this.delete(names.map((sk) => ({ pk: 'STATE', sk })));
  }

  destroy(): void {
    this.client.destroy();
  }
}

const BUS = 'BUS';
const DEAD = 'DEAD';
const queuePk = (queue: string) => `QUEUE#${queue}`;
const busDeadKey = (d: Pick<PendingDelivery, 'target' | 'event'>) => ({ pk: DEAD, sk: `bus#${d.target}#${d.event.id}` });
const queueDeadKey = (queue: string, messageId: string) => ({ pk: DEAD, sk: `queue#${queue}#${messageId}` });

/** The bus's deliveries in the runtime table (the event is kept as JSON text: exactly what was accepted). */
export function busJournal(store: RuntimeStore): BusJournal {
  const item = (d: PendingDelivery) => ({ pk: BUS, sk: d.key, target: d.target, attempts: d.attempts, event: JSON.stringify(d.event) });
  return {
    save: (deliveries) => store.putSoon(deliveries.map(item)),
    async done(delivery, deadLetter) {
      // The dead letter first: a crash between the two leaves the delivery to be tried (and parked) again, under the same key.
      if (deadLetter) await store.put([{ ...busDeadKey(delivery), kind: 'bus', record: JSON.stringify(deadLetter) }]);
      await store.deleteSoon([{ pk: BUS, sk: delivery.key }]);
    },
  };
}

export function queueJournal(store: RuntimeStore): QueueJournal {
  return {
    save: (queue, messages) => store.putSoon(messages.map((m) => ({ pk: queuePk(queue), sk: m.key, messageId: m.messageId, body: m.body, receiveCount: m.receiveCount, sentAt: m.sentAt }))),
    done: (queue, messages) => store.deleteSoon(messages.map((m) => ({ pk: queuePk(queue), sk: m.key }))),
    async deadLetter(queue, message, deadLetter) {
      await store.put([{ ...queueDeadKey(queue, message.messageId), kind: 'queue', record: JSON.stringify(deadLetter) }]);
      await store.delete([{ pk: queuePk(queue), sk: message.key }]);
    },
  };
}

/** What a previous process left: deliveries and messages not yet done, and every dead letter. */
export async function loadJournal(store: RuntimeStore, queues: readonly string[]) {
  const [bus, dead, ...perQueue] = await Promise.all([store.partition(BUS), store.partition(DEAD), ...queues.map((q) => store.partition(queuePk(q)))]);
  const deliveries: PendingDelivery[] = bus.map((i) => ({ key: i.sk as string, target: i.target as string, attempts: Number(i.attempts ?? 0), event: JSON.parse(i.event as string) }));
  const messages = new Map<string, QueueMessage[]>();
  queues.forEach((queue, n) => {
    const list = perQueue[n]!.map((i) => ({ key: i.sk as string, messageId: i.messageId as string, body: i.body as string, receiveCount: Number(i.receiveCount ?? 0), sentAt: Number(i.sentAt ?? 0) }));
    if (list.length) messages.set(queue, list);
  });
  const byTime = <T extends { at: string }>(list: T[]) => list.sort((a, b) => a.at.localeCompare(b.at));
  const busDeadLetters = byTime(dead.filter((i) => i.kind === 'bus').map((i) => JSON.parse(i.record as string) as DeadLetter));
  const queueDeadLetters = byTime(dead.filter((i) => i.kind === 'queue').map((i) => JSON.parse(i.record as string) as QueueDeadLetter));
  return { deliveries, messages, busDeadLetters, queueDeadLetters };
}
