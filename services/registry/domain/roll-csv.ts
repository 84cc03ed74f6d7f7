import { parse } from 'csv-parse/sync';
import { areaSource, holding } from '../../../events/catalogue';
import { m2 } from '../../../libs/csv';
import { areaSourceProblem, MAX_AREA_M2, MAX_ROLL_ROWS, parseAreaHundredths, ROLL_ID, type RollUnit } from './roll';

/**
 * A roll as CSV, one row per exclusive unit, with a header in English or Chinese (or a mix):
 *
 *   building,unit,area,area_source,holding,owner_id,owner_name,registered
 *   楼栋,房号,面积,面积来源,持有状态,业主编号,业主姓名,已登记
 *   B01,0101,89.50,register,owned,O1001,陈美,yes
 *   B01,0102,92.00,合同,未售,,,否
 *
 * Values may be English or Chinese in any column (登记/实测/合同, 已交付/未售/已售未交付, 是/否).
 * `area` is m² with at most two decimals; unsold units belong to the developer (owner_id may be empty).
 * An export (formatRoll) re-imports to the same roll, in either language.
 */
export const ROLL_COLUMNS = ['building', 'unit', 'area', 'area_source', 'holding', 'owner_id', 'owner_name', 'registered'] as const;
export type RollColumn = (typeof ROLL_COLUMNS)[number];

export const CHINESE_COLUMNS: Record<RollColumn, string> = {
  building: '楼栋',
  unit: '房号',
  area: '面积',
  area_source: '面积来源',
  holding: '持有状态',
  owner_id: '业主编号',
  owner_name: '业主姓名',
  registered: '已登记',
};

export const CHINESE_VALUES = {
  area_source: { register: '登记', survey: '实测', contract: '合同' },
  holding: { owned: '已交付', unsold: '未售', sold_undelivered: '已售未交付' },
  registered: { yes: '是', no: '否' },
} as const;

export type RollLanguage = 'en' | 'zh';

export interface RollRowError {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  field: string;
  reason: string;
  /** The offending value as written (shortened), when there is one. */
  value?: string;
}

export interface ParsedRoll {
  units: RollUnit[];
  errors: RollRowError[];
}

const byChineseName = new Map<string, RollColumn>(Object.entries(CHINESE_COLUMNS).map(([column, name]) => [name, column as RollColumn]));
const canonicalColumn = (name: string): string => byChineseName.get(name) ?? name;

/** English value of a Chinese one ('合同' → 'contract'); anything else as it is. */
function canonicalValue(column: keyof typeof CHINESE_VALUES, text: string): string {
  const entry = Object.entries(CHINESE_VALUES[column]).find(([, chinese]) => chinese === text);
  return entry ? entry[0] : text;
}

/**
 * A spreadsheet-safe export may have put a `'` before a leading `=`, `+`, `-` or `@` (so that a name
 * is not run as a formula); reading it back removes that mark, so an export re-imports unchanged.
 */
const unneutralised = (text: string) => (/^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text);

const shown = (value: string) => (value.length > 40 ? `${value.slice(0, 40)}…` : value);

/** Rows, not problems: one row may have several bad fields. */
export const badRows = (errors: readonly Pick<RollRowError, 'line'>[]): number => new Set(errors.map((e) => e.line)).size;

/** A roll's text (already decoded: see ./encoding.ts) → units, or every bad row with its line, field and value. */
export function parseRoll(csv: string, developerId: string, maxRows: number = MAX_ROLL_ROWS): ParsedRoll {
  const errors: RollRowError[] = [];
  let header: string[] = [];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(csv, {
      columns: (names: string[]) => {
        header = names.map((n) => n.trim());
        return header.map(canonicalColumn);
      },
      skip_empty_lines: true,
      trim: true,
      info: true,
      bom: true,
      relax_column_count: true,
    }) as typeof records;
  } catch (error) {
    const e = error as { lines?: number; message: string };
    return { units: [], errors: [{ line: e.lines ?? 1, field: '*', reason: `not readable as CSV: ${e.message}` }] };
  }

  const canonical = header.map(canonicalColumn);
  const missing = ROLL_COLUMNS.filter((c) => !canonical.includes(c));
  const unknown = header.filter((_, i) => !(ROLL_COLUMNS as readonly string[]).includes(canonical[i]!));
  const repeated = canonical.filter((c, i) => canonical.indexOf(c) !== i);
  if (missing.length || unknown.length || repeated.length) {
    const reason = [missing.length ? `missing ${missing.join(', ')}` : '', unknown.length ? `unknown ${unknown.join(', ')}` : '', repeated.length ? `twice ${repeated.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    return {
      units: [],
      errors: [
        { line: 1, field: 'header', reason: `columns must be ${ROLL_COLUMNS.join(',')} (or ${ROLL_COLUMNS.map((c) => CHINESE_COLUMNS[c]).join(',')}): ${reason}`, value: shown(header.join(',')) },
      ],
    };
  }
  if (records.length === 0) return { units: [], errors: [{ line: 2, field: '*', reason: 'the roll has no units' }] };
  if (records.length > maxRows) {
    const hint = maxRows < MAX_ROLL_ROWS ? `; upload larger rolls as an import job (POST /compounds/{id}/roll/imports, up to ${MAX_ROLL_ROWS})` : '';
    return { units: [], errors: [{ line: records[maxRows]!.info.lines, field: '*', reason: `at most ${maxRows} units per import; this file has ${records.length}${hint}` }] };
  }

  const units: RollUnit[] = [];
  const seen = new Map<string, { line: number; building: string; unit: string }>();
  for (const { record, info } of records) {
    const line = info.lines;
    const fail = (field: RollColumn, reason: string) => errors.push({ line, field, reason, value: shown(record[field] ?? '') });
    const before = errors.length;

    const building = record.building ?? '';
    const unit = record.unit ?? '';
    if (!ROLL_ID.test(building)) fail('building', 'letters, digits, _ or -, up to 31');
    if (!ROLL_ID.test(unit)) fail('unit', 'letters, digits, _ or -, up to 31');
    const area = parseAreaHundredths(record.area ?? '');
    if (area === undefined) fail('area', `a positive number of m² with at most two decimals, at most ${MAX_AREA_M2}, e.g. 89.50`);
    const source = areaSource.safeParse(canonicalValue('area_source', record.area_source ?? ''));
    if (!source.success) fail('area_source', `one of ${areaSource.options.map((o) => `${o} (${CHINESE_VALUES.area_source[o]})`).join(', ')}`);
    const held = holding.safeParse(canonicalValue('holding', record.holding ?? ''));
    if (!held.success) fail('holding', `one of ${holding.options.map((o) => `${o} (${CHINESE_VALUES.holding[o]})`).join(', ')}`);
    const registered = canonicalValue('registered', (record.registered ?? '').toLowerCase());
    if (registered !== 'yes' && registered !== 'no') fail('registered', 'yes (是) or no (否)');
    else if (source.success) {
      const problem = areaSourceProblem(registered === 'yes', source.data);
      if (problem) fail('area_source', problem);
    }

    let ownerId = record.owner_id ?? '';
    let ownerName = unneutralised(record.owner_name ?? '');
    if (held.success && held.data === 'unsold') {
      if (ownerId !== '' && ownerId !== developerId) fail('owner_id', `an unsold unit belongs to the developer ${developerId}`);
      ownerId = developerId;
      ownerName ||= 'developer';
    } else {
      if (!ROLL_ID.test(ownerId)) fail('owner_id', 'required for owned and sold units: letters, digits, _ or -');
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
      units.push({ unitId, buildingId: building, area: area!, areaSource: source.data!, holding: held.data!, ownerId, ownerName, registered: registered === 'yes' });
    }
  }
  return errors.length ? { units: [], errors } : { units, errors };
}

/** How an error reads in a 422 or a job's report: `"guess": one of register, …`. */
export const describeRowError = (e: RollRowError): string => (e.value === undefined ? e.reason : `${e.value === '' ? '(empty)' : `"${e.value}"`}: ${e.reason}`);

/** A roll as CSV rows (for libs/csv.ts toCsv): what parseRoll reads back to the same units. */
export function formatRoll(units: readonly RollUnit[], language: RollLanguage = 'en'): { header: string[]; rows: string[][] } {
  const zh = language === 'zh';
  const header = ROLL_COLUMNS.map((c) => (zh ? CHINESE_COLUMNS[c] : c));
  const rows = units.map((u) => {
    const registered = u.registered ? 'yes' : 'no';
    // An unsold unit is the developer's whoever imports it: its owner is left for the parser to fill in.
    const unsold = u.holding === 'unsold';
    return [
      u.buildingId,
      u.unitId.slice(u.buildingId.length + 1),
      m2(u.area),
      zh ? CHINESE_VALUES.area_source[u.areaSource] : u.areaSource,
      zh ? CHINESE_VALUES.holding[u.holding] : u.holding,
      unsold ? '' : u.ownerId,
      unsold && u.ownerName === 'developer' ? '' : u.ownerName,
      zh ? CHINESE_VALUES.registered[registered] : registered,
    ];
  });
  return { header, rows };
}

/** The template's example rows: a registered owner, an unregistered one with a surveyed area, a sold but undelivered unit, an unsold one. */
export function templateRoll(developerId = 'DEV'): RollUnit[] {
  return [
    { unitId: 'B01-0101', buildingId: 'B01', area: 8950, areaSource: 'register', holding: 'owned', ownerId: 'O1001', ownerName: '陈美', registered: true },
    { unitId: 'B01-0102', buildingId: 'B01', area: 9147, areaSource: 'survey', holding: 'owned', ownerId: 'O1002', ownerName: 'Lin Zhiqiang', registered: false },
    { unitId: 'B01-0201', buildingId: 'B01', area: 8950, areaSource: 'contract', holding: 'sold_undelivered', ownerId: 'O1003', ownerName: '黄秀英', registered: false },
    { unitId: 'B01-0202', buildingId: 'B01', area: 9200, areaSource: 'contract', holding: 'unsold', ownerId: developerId, ownerName: 'developer', registered: false },
  ];
}
