import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from '../events/zod';
import { logger } from './logger';

/**
 * Scheduled work over the city, in one pattern: a schedule selects what is due (libs/due.ts) and
 * puts one unit of work per compound (or per finding) on a queue the service declares; a worker
 * made here runs each unit on its own. Units are idempotent (a unit may arrive twice, and a run that
 * stopped half-way is simply run again), a failing unit is retried alone and dead-lettered after its
 * queue's `maxReceives`, and nothing loops over the whole city in one invocation.
 */
export interface UnitContext {
  /** Milliseconds before the function's timeout (real locally too). */
  remainingMs(): number;
  /** How many times this unit has been delivered (1 on the first attempt). */
  attempt: number;
}

export function unitWorker<S extends z.ZodMiniType>(service: string, schema: S, work: (unit: z.infer<S>, context: UnitContext) => Promise<unknown>) {
  const processor = new BatchProcessor(EventType.SQS);
  const log = logger(service);
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(
      event,
      async (record: SQSRecord) => {
        const unit = schema.parse(JSON.parse(record.body));
        const attempt = Number(record.attributes?.ApproximateReceiveCount ?? 1);
        try {
          return await work(unit, { remainingMs: () => context.getRemainingTimeInMillis(), attempt });
        } catch (error) {
          log.warn('unit of work failed; it will be retried', { unit, attempt, error: String(error) });
          throw error;
        }
      },
      processor,
      // A batch where every unit failed is reported like any other (no throw): only those are retried.
      { context, throwOnFullBatchFailure: false },
    );
}
