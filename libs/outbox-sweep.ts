import { currentService, tableName } from './config';
import { sweepOutbox } from './outbox';

/** The outbox sweep every publishing service runs (libs/topology.ts `schedulesOf`): its own table only. */
export const handler = async () => sweepOutbox(tableName(currentService()));
