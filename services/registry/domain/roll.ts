import { areaHundredths, MAX_AREA_HUNDREDTHS, type UnitRecord } from '../../../events/catalogue';

/**
 * A compound's roll (花名册): one unit per exclusive part, with its area (integer hundredths of a m²,
 * never a float), where the area comes from, how the unit is held and whom it counts for. The CSV
 * form of a roll is in ./roll-csv.ts.
 */
export interface RollUnit extends UnitRecord {
  ownerName: string;
}

/** Units in one roll: what a compound of the scale gongzhi is built for holds (an upload import). */
export const MAX_ROLL_ROWS = 20_000;
/** Units a roll sent in the request body may have; larger rolls are uploaded and imported as a job. */
export const MAX_SYNC_ROLL_ROWS = 2_000;

/** Building and unit ids: what ids may be (libs/ids.ts), at most 31 characters so `building-unit` fits 63. */
export const ROLL_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,30}$/;

const AREA = /^(\d{1,9})(?:\.(\d{1,2}))?$/;

/** The largest area a row may give, as written in a roll (10000000.00). */
export const MAX_AREA_M2 = `${MAX_AREA_HUNDREDTHS / 100}.00`;

/**
 * "89.5" → 8950 hundredths of a m², exactly; undefined unless it is a positive number with at most
 * two decimals that the events' `areaHundredths` accepts (the one definition of an area's limits).
 */
export function parseAreaHundredths(text: string): number | undefined {
  const match = AREA.exec(text);
  if (!match) return undefined;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(2, '0'));
  const value = whole * 100 + fraction;
  return areaHundredths.safeParse(value).success ? value : undefined;
}

/**
 * SPC interpretation art. 8: a unit's area is its area in the real-estate register; the surveyed area
 * only if it is not registered; the contract area only if it has not been surveyed either. So a unit
 * whose owner is registered has a registered area, and a roll that gives it another is refused (not
 * merely warned about: votes are weighed by these areas). An unregistered owner's unit may still carry
 * the register's area (the developer's first registration covers the building).
 */
export function areaSourceProblem(registered: boolean, source: AreaSource): string | undefined {
  if (registered && source !== 'register') {
    return `a registered unit counts with its registered area (SPC interpretation art. 8): give the register's area with area_source register, not ${source}`;
  }
  return undefined;
}

export type AreaSource = UnitRecord['areaSource'];

/** 8950 → "89.50" (m²). */
export { m2 as formatArea } from '../../../libs/csv';

/** Totals of a roll, for the compound record and the RollActivated event. */
export function summarizeRoll(units: readonly RollUnit[]) {
  const buildings: Record<string, number> = {};
  let totalArea = 0;
  const owners = new Set<string>();
  for (const unit of units) {
    buildings[unit.buildingId] = (buildings[unit.buildingId] ?? 0) + 1;
    totalArea += unit.area;
    owners.add(unit.ownerId);
  }
  return { unitCount: units.length, totalArea, ownerCount: owners.size, buildings };
}

export type RollSummary = ReturnType<typeof summarizeRoll>;
