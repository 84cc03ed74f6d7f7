import { defineEvent } from '../../../events/envelope';
import * as z from '../../../events/zod';

/**
 * Events other services are adding on their branches, read here in the shape agreed with them until
 * they land in the catalogue (then this file goes and the rules import them from events/catalogue).
 * Read leniently (z.object, not strictObject): a field they add does not make the notice fail.
 */
const id = z.string().check(z.minLength(1), z.maxLength(64));

/** Elections, 2 days before a vote closes: per vote and building, the owners who have not voted. */
export const VoteReminderDue = defineEvent(
  'gongzhi.elections',
  'VoteReminderDue',
  1,
  z.object({
    compoundId: id,
    voteId: id,
    buildingId: id,
    ownerIds: z.array(id),
    closesAt: z.iso.datetime(),
    question: z.string(),
  }),
);

/** Registry: a grid role ended. */
export const GridRoleRevoked = defineEvent(
  'gongzhi.registry',
  'GridRoleRevoked',
  1,
  z.object({
    compoundId: id,
    role: z.string(),
    personId: id,
    buildingId: z.optional(id),
  }),
);
