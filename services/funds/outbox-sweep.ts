import { tableName } from '../../libs/config';
import { sweepOutbox } from '../../libs/outbox';

export const handler = async () => sweepOutbox(tableName('funds'));
