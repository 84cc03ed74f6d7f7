import { clock } from '../../libs/clock';
import { periodOf } from './domain/levy';
import { runLevy } from './operations';

/** On the 1st of each month: charge that month's levy, and record arrears of what is long unpaid. */
export const handler = async () => runLevy(periodOf(clock.nowIso()));
