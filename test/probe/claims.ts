import type { Context } from 'aws-lambda';
import type { DeliveredEvent } from '../../events/envelope';
import { tableName } from '../../libs/config';
import { consumeOnce } from '../../libs/consume';

/**
 * A consumer for the claim tests: records each event id it has processed; when `dieNext` is set, its
 * next effect never returns, as a process that crashed or froze mid-effect never reports back.
 */
export const probeClaims = {
  processed: [] as string[],
  dieNext: false,
  /** Resolves when the dying effect has started (its claim is written). */
  died: undefined as Promise<void> | undefined,
};

export const handler = async (event: DeliveredEvent, context: Context) => {
  await consumeOnce(
    tableName('probe'),
    'probe-claims',
    event,
    async () => {
      if (probeClaims.dieNext) {
        probeClaims.dieNext = false;
        return new Promise<void>(() => undefined);
      }
      probeClaims.processed.push(event.detail.metadata.id);
    },
    context,
  );
};
