import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { DeliveredEvent } from '../events/envelope';
import type { ServiceTopology } from '../libs/topology';

/**
 * A service for the durability tests of the local runtime (test/bus.test.ts): one consumer and one
 * queue worker, both this module. While `hang` is set an invocation never returns, as in a process
 * that is stopped or killed mid-invocation; `failing` lists what always fails.
 */
export const crashProbe = {
  hang: false,
  started: [] as string[],
  done: [] as string[],
  failing: new Set<string>(),
};

export const crashProbeService: ServiceTopology = {
  name: 'crashprobe',
  source: 'gongzhi.crashprobe',
  ownsTable: true,
  consumers: [{ name: 'events', entry: 'test/crash-probe.ts', description: 'records RollActivated events', pattern: { 'detail-type': ['RollActivated'] } }],
  schedules: [],
  queues: [{ name: 'work', entry: 'test/crash-probe.ts', description: 'records units', maxReceives: 2 }],
  publishes: [],
};

async function run(id: string): Promise<void> {
  crashProbe.started.push(id);
  if (crashProbe.hang) return new Promise<void>(() => undefined);
  if (crashProbe.failing.has(id)) throw new Error(`${id} always fails`);
  crashProbe.done.push(id);
}

export const handler = async (event: DeliveredEvent | SQSEvent): Promise<SQSBatchResponse | undefined> => {
  if ('Records' in event) {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      await run(`unit:${record.body}`).catch(() => failures.push({ itemIdentifier: record.messageId }));
    }
    return { batchItemFailures: failures };
  }
  await run(`event:${event.detail.metadata.id}`);
  return undefined;
};
