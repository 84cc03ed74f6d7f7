import { clock } from '../../libs/clock';
import { dueItems } from '../../libs/due';
import { enqueue } from '../../libs/queue';
import { IMPORT_QUEUE } from './roll-import';
import * as store from './store';

/**
 * Every ten minutes: imports in progress that have not moved for a while (their job's messages
 * dead-lettered, the request that ran them gone) go back on the import queue, which resumes an
 * upload where it stopped and fails a request import (its text is gone). Only stale imports are in
 * the due index, so this reads a handful of items, never the city.
 */
export const handler = async () => {
  const due = await dueItems<{ compoundId: string; importId: string }>(store.table(), store.dueKind, clock.nowIso(), ['compoundId', 'importId']);
  await enqueue(
    IMPORT_QUEUE,
    due.map(({ compoundId, importId }) => ({ compoundId, importId })),
  );
  return { enqueued: due.length };
};
