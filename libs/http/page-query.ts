import * as z from '../../events/zod';

/** Query parameters every list route accepts (declarations import this without the DynamoDB client). */
export const pageQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500)), 50),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});
