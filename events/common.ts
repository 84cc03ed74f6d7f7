import * as z from './zod';

/** Shapes several events share. */

export const id = z.string().check(z.minLength(1), z.maxLength(64));
export const isoTime = z.iso.datetime();
/**
 * The largest area of one unit: 10,000,000.00 m², as hundredths. The one definition: the roll parser
 * and every schema that carries an area use it, so what the parser accepts an event accepts.
 */
export const MAX_AREA_HUNDREDTHS = 10_000_000_00;
/** m² with two decimals, as integer hundredths: 89.50 m² is 8950. */
export const areaHundredths = z.int().check(z.positive(), z.maximum(MAX_AREA_HUNDREDTHS));
/** Money is integer fen (分). */
export const fen = z.int();

export const areaSource = z.enum(['register', 'survey', 'contract']);
/**
 * How a unit is held, for the SPC counting rules: `unsold` and `sold_undelivered` count with the
 * developer as one person; `owned` counts with its owner (registered or in lawful possession).
 */
export const holding = z.enum(['owned', 'unsold', 'sold_undelivered']);

export const compoundLocation = z.strictObject({
  districtId: id,
  streetId: id,
  communityId: id,
});

export const unitRecord = z.strictObject({
  unitId: id,
  buildingId: id,
  area: areaHundredths,
  areaSource,
  holding,
  /** The person the unit counts for: the owner, or the developer for unsold/undelivered units. */
  ownerId: id,
  /** The owner's name on the roll, where the registry publishes it (elections check nominees against it). */
  ownerName: z.optional(z.string().check(z.maxLength(100))),
  registered: z.boolean(),
});
export type UnitRecord = z.infer<typeof unitRecord>;
