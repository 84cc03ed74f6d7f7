import fc from 'fast-check';
import { toCsv } from '../../../libs/csv';
import { badRows, CHINESE_COLUMNS, describeRowError, formatRoll, parseRoll, ROLL_COLUMNS, templateRoll } from './roll-csv';
import type { RollUnit } from './roll';

const HEADER = ROLL_COLUMNS.join(',');
const ZH_HEADER = ROLL_COLUMNS.map((c) => CHINESE_COLUMNS[c]).join(',');

describe('error reports show the offending value', () => {
  test('each error names line, field and the value as written', () => {
    const parsed = parseRoll(`${HEADER}\nB1,101,89.505,guess,rented,O1,Chen,maybe\n`, 'DEV');
    expect(parsed.errors).toEqual([
      { line: 2, field: 'area', reason: expect.any(String), value: '89.505' },
      { line: 2, field: 'area_source', reason: expect.stringMatching(/register \(登记\)/), value: 'guess' },
      { line: 2, field: 'holding', reason: expect.any(String), value: 'rented' },
      { line: 2, field: 'registered', reason: 'yes (是) or no (否)', value: 'maybe' },
    ]);
    expect(describeRowError(parsed.errors[1]!)).toMatch(/^"guess": one of register/);
    expect(describeRowError({ line: 3, field: 'owner_id', reason: 'required', value: '' })).toBe('(empty): required');
    expect(parseRoll(`${HEADER}\nB1,101,80,register,owned,O1,Chen,${'y'.repeat(200)}\n`, 'DEV').errors[0]!.value).toHaveLength(41);
  });

  test('a bad header shows what was found, and names the Chinese columns too', () => {
    const [error] = parseRoll('building,unit,area,source\nB1,1,80\n', 'DEV').errors;
    expect(error).toMatchObject({ line: 1, field: 'header', value: 'building,unit,area,source' });
    expect(error!.reason).toMatch(/楼栋,房号,面积.*missing area_source.*unknown source/);
    expect(parseRoll(`${HEADER},楼栋\nB1,1,80,register,owned,O1,A,yes,B1\n`, 'DEV').errors[0]!.reason).toMatch(/twice building/);
  });
});

describe('Chinese headers and values', () => {
  const english = `${HEADER}\nB1,101,89.50,register,owned,O1,陈美,yes\nB1,102,70,contract,unsold,,,no\nB1,103,71,survey,sold_undelivered,O2,林涛,no\n`;
  const chinese = `${ZH_HEADER}\nB1,101,89.50,登记,已交付,O1,陈美,是\nB1,102,70,合同,未售,,,否\nB1,103,71,实测,已售未交付,O2,林涛,否\n`;

  test('a roll with Chinese headers and values reads as the same roll as in English', () => {
    const en = parseRoll(english, 'DEV');
    expect(en.errors).toEqual([]);
    expect(parseRoll(chinese, 'DEV')).toEqual(en);
  });

  test('headers may mix languages and columns may come in any order', () => {
    const mixed = `房号,building,面积,area_source,持有状态,owner_id,业主姓名,registered\n101,B1,89.50,登记,owned,O1,陈美,是\n`;
    expect(parseRoll(mixed, 'DEV').units).toEqual([{ unitId: 'B1-101', buildingId: 'B1', area: 8950, areaSource: 'register', holding: 'owned', ownerId: 'O1', ownerName: '陈美', registered: true }]);
  });

  test('a request-sized import says where larger rolls go', () => {
    const rows = Array.from({ length: 3 }, (_, i) => `B1,${i + 1},80,register,owned,O${i},A,yes`);
    const [error] = parseRoll(`${HEADER}\n${rows.join('\n')}\n`, 'DEV', 2).errors;
    expect(error).toMatchObject({ line: 4, field: '*', reason: expect.stringMatching(/at most 2 units.*has 3.*roll\/imports/) });
  });
});

describe('an export re-imports unchanged', () => {
  const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_]{0,6}$/);
  // Names as a roll stores them: trimmed, non-empty, at most 100 characters, any script, commas, quotes,
  // line breaks and formula-like starts included. (A name that itself starts with ' and then = + - @
  // cannot round-trip: that ' is read as an export's neutralising mark.)
  const name = fc
    .string({ unit: fc.constantFrom('陈', '美', 'a', 'Z', ' ', ',', '"', '\n', '=', '+', '-', '@', "'", '1', 'é'), minLength: 1, maxLength: 30 })
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !/^'[=+\-@\t\r]/.test(s) && !/[\r\n]\s|\s[\r\n]/.test(s));
  const unit = fc.record({
    building: id,
    unit: id,
    area: fc.integer({ min: 1, max: 1_000_000_000 }),
    kind: fc.constantFrom('registered', 'surveyed', 'contract', 'undelivered', 'unsold'),
    owner: id,
    name,
  });
  const toUnits = (rows: { building: string; unit: string; area: number; kind: string; owner: string; name: string }[]): RollUnit[] => {
    const seen = new Set<string>();
    return rows.flatMap((r): RollUnit[] => {
      const unitId = `${r.building}-${r.unit}`;
      if (seen.has(unitId)) return [];
      seen.add(unitId);
      const base = { unitId, buildingId: r.building, area: r.area };
      switch (r.kind) {
        case 'registered':
          return [{ ...base, areaSource: 'register', holding: 'owned', ownerId: `O${r.owner}`, ownerName: r.name, registered: true }];
        case 'surveyed':
          return [{ ...base, areaSource: 'survey', holding: 'owned', ownerId: `O${r.owner}`, ownerName: r.name, registered: false }];
        case 'contract':
          return [{ ...base, areaSource: 'contract', holding: 'owned', ownerId: `O${r.owner}`, ownerName: r.name, registered: false }];
        case 'undelivered':
          return [{ ...base, areaSource: 'contract', holding: 'sold_undelivered', ownerId: `O${r.owner}`, ownerName: r.name, registered: false }];
        default:
          return [{ ...base, areaSource: 'contract', holding: 'unsold', ownerId: 'DEV', ownerName: r.name, registered: false }];
      }
    });
  };

  test.each(['en', 'zh'] as const)('formatRoll → toCsv → parseRoll gives the same units (%s)', (language) => {
    fc.assert(
      fc.property(fc.array(unit, { minLength: 1, maxLength: 30 }), (rows) => {
        const units = toUnits(rows);
        const { header, rows: cells } = formatRoll(units, language);
        const parsed = parseRoll(`\uFEFF${toCsv(header, cells)}`, 'DEV');
        expect(parsed.errors).toEqual([]);
        expect(parsed.units).toEqual(units);
      }),
      { numRuns: 200 },
    );
  });

  test('a name an export neutralised with a leading apostrophe reads back without it', () => {
    const parsed = parseRoll(`${HEADER}\nB1,101,80,register,owned,O1,"'=HYPERLINK(""x"")",yes\nB1,102,80,register,owned,O2,"'-Li",yes\n`, 'DEV');
    expect(parsed.units.map((u) => u.ownerName)).toEqual(['=HYPERLINK("x")', '-Li']);
  });

  test('the template is a valid roll in both languages', () => {
    for (const language of ['en', 'zh'] as const) {
      const { header, rows } = formatRoll(templateRoll(), language);
      expect(parseRoll(toCsv(header, rows), 'DEV')).toEqual({ units: templateRoll(), errors: [] });
      expect(parseRoll(toCsv(header, rows), 'dev-haixi')).toEqual({ units: templateRoll('dev-haixi'), errors: [] });
    }
  });
});

test('a row with several bad fields is one bad row', () => {
  const { errors } = parseRoll(
    ['building,unit,area,area_source,holding,owner_id,owner_name,registered', 'B1,101,-5,guessed,owned,,Li,maybe', 'B1,102,92.00,register,owned,O1002,Lin,yes'].join('\n'),
    'DEV',
  );
  expect(errors.length).toBeGreaterThan(1);
  expect(badRows(errors)).toBe(1);
});
