import { currentFunction, queueUrlEnvVar } from './config';

/** Where messages go: SQS deployed; the local runtime installs its in-process queues here. */
export type QueueSender = (service: string, queue: string, bodies: readonly string[]) => Promise<void>;

let sender: QueueSender | undefined;

export function setQueueSender(next: QueueSender | undefined): void {
  sender = next;
}

/**
 * Put units of work on one of the running service's own queues (declared in its topology, and in
 * the function's `sendsTo`). At least once: a unit may arrive twice, so workers are idempotent.
 */
export async function enqueue(queue: string, units: readonly unknown[]): Promise<void> {
  if (units.length === 0) return;
  const here = currentFunction();
  if (!here) throw new Error('enqueue runs inside a gongzhi function');
  const bodies = units.map((u) => JSON.stringify(u));
  sender ??= sqsSender();
  await sender(here.service, queue, bodies);
}

function sqsSender(): QueueSender {
  // Loaded on first use: functions that never enqueue skip its init cost.
  const sdk = import('@aws-sdk/client-sqs');
  let client: import('@aws-sdk/client-sqs').SQSClient | undefined;
  return async (_service, queue, bodies) => {
    const url = process.env[queueUrlEnvVar(queue)];
    if (!url) throw new Error(`${queueUrlEnvVar(queue)} is not set: this function does not declare sendsTo ${queue}`);
    const { SQSClient, SendMessageBatchCommand } = await sdk;
    client ??= new SQSClient({});
    // SendMessageBatch takes at most 10 entries; entries it refuses are retried, then reported.
    for (let i = 0; i < bodies.length; i += 10) {
      let entries = bodies.slice(i, i + 10).map((MessageBody, n) => ({ Id: String(n), MessageBody }));
      for (let attempt = 0; entries.length > 0; attempt++) {
        const result = await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
        const failed = new Set((result.Failed ?? []).map((f) => f.Id));
        entries = entries.filter((e) => failed.has(e.Id));
        if (entries.length && attempt >= 4) throw new Error(`SQS refused ${entries.length} message(s) for ${queue}: ${JSON.stringify(result.Failed)}`);
        if (entries.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  };
}
