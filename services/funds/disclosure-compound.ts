import * as z from '../../events/zod';
import { id } from '../../libs/ids';
import { unitWorker } from '../../libs/jobs';
import { discloseCompound } from './operations/disclosure';

/** One compound's disclosures: every quarter ended and not yet published, oldest first, each once. */
export const handler = unitWorker('funds', z.object({ compoundId: id }), ({ compoundId }) => discloseCompound(compoundId));
