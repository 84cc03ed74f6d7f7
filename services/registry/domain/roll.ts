import { parse } from 'csv-parse/sync';
import { areaHundredths, areaSource, holding, MAX_AREA_HUNDREDTHS, type UnitRecord } from '../../../events/catalogue';

/**
 * A compound's roll (花名册) as CSV, one row per exclusive unit:
 *
 *   building,unit,area,area_source,holding,owner_id,owner_name,registered
 *   B01,0101,89.50,register,owned,O1001,Chen Mei,yes
 *   B01,0102,92.00,contract,unsold,,,no
 *
 * `area` is m² with at most two decimals (kept as integer hundredths, never a float); `area_source`
 * says whether it is the registered, surveyed or contracted figure; `holding` is owned, unsold or
 * sold_undelivered; unsold units belong to the developer (owner_id may be left empty).
 */
export const ROLL_COLUMNS = ['building', 'unit', 'area', 'area_source', 'holding', 'owner_id', 'owner_name', 'registered'] as const;
export const MAX_ROLL_ROWS = 20_000;

export interface RollRowError {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  field: string;
  reason: string;
}

export interface RollUnit extends UnitRecord {
  ownerName: string;
}

export interface ParsedRoll {
  units: RollUnit[];
  errors: RollRowError[];
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,30}$/;
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

export function parseRoll(csv: string, developerId: string): ParsedRoll {
  const errors: RollRowError[] = [];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(csv, { columns: true, skip_empty_lines: true, trim: true, info: true, bom: true, relax_column_count: true }) as typeof records;
  } catch (error) {
    const e = error as { lines?: number; message: string };
    return { units: [], errors: [{ line: e.lines ?? 1, field: '*', reason: `not readable as CSV: ${e.message}` }] };
  }

  const header = csv.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]!.split(',').map((c) => c.trim());
  const missing = ROLL_COLUMNS.filter((c) => !header.includes(c));
  const unknown = header.filter((c) => !(ROLL_COLUMNS as readonly string[]).includes(c));
  if (missing.length || unknown.length) {
    const reason = [missing.length ? `missing ${missing.join(', ')}` : '', unknown.length ? `unknown ${unknown.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    return { units: [], errors: [{ line: 1, field: 'header', reason: `columns must be ${ROLL_COLUMNS.join(',')}: ${reason}` }] };
  }
  if (records.length === 0) return { units: [], errors: [{ line: 2, field: '*', reason: 'the roll has no units' }] };
  if (records.length > MAX_ROLL_ROWS) {
    return { units: [], errors: [{ line: MAX_ROLL_ROWS + 2, field: '*', reason: `at most ${MAX_ROLL_ROWS} units per import` }] };
  }

  const units: RollUnit[] = [];
  const seen = new Map<string, { line: number; building: string; unit: string }>();
  for (const { record, info } of records) {
    const line = info.lines;
    const fail = (field: string, reason: string) => errors.push({ line, field, reason });
    const before = errors.length;

    const building = record.building ?? '';
    const unit = record.unit ?? '';
    if (!ID.test(building)) fail('building', 'letters, digits, _ or -, up to 31');
    if (!ID.test(unit)) fail('unit', 'letters, digits, _ or -, up to 31');
    const area = parseAreaHundredths(record.area ?? '');
    if (area === undefined) fail('area', `a positive number of m² with at most two decimals, at most ${MAX_AREA_M2}, e.g. 89.50`);
    const source = areaSource.safeParse(record.area_source);
    if (!source.success) fail('area_source', `one of ${areaSource.options.join(', ')}`);
    const held = holding.safeParse(record.holding);
    if (!held.success) fail('holding', `one of ${holding.options.join(', ')}`);
    const registered = record.registered?.toLowerCase();
    if (registered !== 'yes' && registered !== 'no') fail('registered', 'yes or no');
    else if (source.success) {
      const problem = areaSourceProblem(registered === 'yes', source.data);
      if (problem) fail('area_source', problem);
    }

    let ownerId = record.owner_id ?? '';
    let ownerName = record.owner_name ?? '';
    if (held.success && held.data === 'unsold') {
      if (ownerId !== '' && ownerId !== developerId) fail('owner_id', `an unsold unit belongs to the developer ${developerId}`);
      ownerId = developerId;
      ownerName ||= 'developer';
    } else {
      if (!ID.test(ownerId)) fail('owner_id', 'required for owned and sold units: letters, digits, _ or -');
      else if (ownerId === developerId) fail('owner_id', 'a unit the developer still holds is unsold, not owned');
      if (ownerName === '' || ownerName.length > 100) fail('owner_name', 'required, at most 100 characters');
    }

    const unitId = `${building}-${unit}`;
    const first = seen.get(unitId);
    if (first === undefined) seen.set(unitId, { line, building, unit });
    else if (first.building === building) fail('unit', `unit ${unitId} already appears on line ${first.line}`);
    // The id is building-unit, so building B1 unit A-1 and building B1-A unit 1 would be one unit.
    else fail('unit', `unit id ${unitId} (building ${building}, unit ${unit}) is also made by line ${first.line} (building ${first.building}, unit ${first.unit}); rename one`);

    if (errors.length === before) {
      units.push({
        unitId,
        buildingId: building,
        area: area!,
        areaSource: source.data!,
        holding: held.data!,
        ownerId,
        ownerName,
        registered: registered === 'yes',
      });
    }
  }
  return errors.length ? { units: [], errors } : { units, errors };
}

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
