import * as z from './zod';
import { defineEvent } from './envelope';
import { id, isoTime } from './common';

/** Events published by the enforcement service. */
export const ViolationConfirmed = defineEvent(
  'gongzhi.enforcement',
  'ViolationConfirmed',
  1,
  z.strictObject({
    compoundId: id,
    findingId: id,
    category: z.enum(['fire_safety', 'illegal_construction', 'public_safety', 'water_power_supply']),
    responsibleOwnerId: z.optional(id),
    department: id,
    deadline: isoTime,
  }),
);
export const ViolationRectified = defineEvent(
  'gongzhi.enforcement',
  'ViolationRectified',
  1,
  z.strictObject({ compoundId: id, findingId: id, responsibleOwnerId: z.optional(id), department: id }),
);

