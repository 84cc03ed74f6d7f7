import type { ServiceTopology } from '../../libs/topology';

/**
 * A service that exists only in tests: one of each kind of function, to exercise the platform
 * (fan-out through a queue, per-message failures, timeouts, table isolation) on the local runtime.
 */
export const probe: ServiceTopology = {
  name: 'probe',
  source: 'gongzhi.probe',
  ownsTable: true,
  consumers: [],
  schedules: [{ name: 'fan-out', entry: 'test/probe/fan-out.ts', description: 'enqueues one unit per id it is given', expression: 'rate(1 day)', sendsTo: ['units'] }],
  queues: [
    { name: 'units', entry: 'test/probe/worker.ts', description: 'records each unit; unit "bad" always fails, "flaky" fails twice', batchSize: 4, maxReceives: 3, maxConcurrency: 2 },
    { name: 'slow', entry: 'test/probe/slow.ts', description: 'runs past its 1 s timeout', timeoutSeconds: 1, maxReceives: 1 },
  ],
  publishes: [],
  files: true,
};
