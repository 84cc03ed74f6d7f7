import fc from 'fast-check';
import { areaHundredths, MAX_AREA_HUNDREDTHS } from '../../../events/catalogue';
import { areaSourceProblem, formatArea, parseAreaHundredths, summarizeRoll } from './roll';
import { parseRoll } from './roll-csv';

const HEADER = 'building,unit,area,area_source,holding,owner_id,owner_name,registered';
const roll = (...rows: string[]) => [HEADER, ...rows].join('\n');

describe('areas are exact integer hundredths of a m²', () => {
  test.each([
    ['89.50', 8950],
    ['89.5', 8950],
    ['89', 8900],
    ['0.01', 1],
    ['0.1', 10],
    ['9999999.99', 999999999],
    ['10000000', 1_000_000_000],
    ['10000000.00', 1_000_000_000],
    ['0010', 1000],
  ])('%s → %d', (text, value) => expect(parseAreaHundredths(text)).toBe(value));

  test.each(['0', '0.00', '-1', '1.234', '1,5', 'abc', '', '.5', '1e3', '10000000.01', '12345678.99', '123456789', '1000000000'])('%s is refused', (text) =>
    expect(parseAreaHundredths(text)).toBeUndefined(),
  );

  test('the parser and the event schema share one limit: every area the parser accepts, an event accepts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), (n) => {
        const text = `${Math.trunc(n / 100)}.${String(n % 100).padStart(2, '0')}`;
        const parsed = parseAreaHundredths(text);
        expect(parsed === undefined ? false : areaHundredths.safeParse(parsed).success).toBe(areaHundredths.safeParse(n).success);
      }),
    );
    expect(areaHundredths.safeParse(MAX_AREA_HUNDREDTHS).success).toBe(true);
    expect(areaHundredths.safeParse(MAX_AREA_HUNDREDTHS + 1).success).toBe(false);
  });

  test('0.1 + 0.2 style drift cannot happen: sums are integers', () => {
    const units = ['0.10', '0.20'].map((a) => parseAreaHundredths(a)!);
    expect(units.reduce((s, a) => s + a, 0)).toBe(30);
    expect(formatArea(30)).toBe('0.30');
    expect(formatArea(8950)).toBe('89.50');
    expect(formatArea(1)).toBe('0.01');
  });
});

describe('parseRoll', () => {
  test('a good roll: owned, unsold (developer), sold but undelivered, one owner with two units', () => {
    const parsed = parseRoll(
      roll('B1,101,89.50,register,owned,O1,Chen Mei,yes', 'B1,102,92,survey,owned,O1,Chen Mei,no', 'B1,201,70.25,contract,unsold,,,no', 'B1,202,70.25,contract,sold_undelivered,O2,Lin Tao,no'),
      'DEV',
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.units).toHaveLength(4);
    expect(parsed.units[0]).toEqual({ unitId: 'B1-101', buildingId: 'B1', area: 8950, areaSource: 'register', holding: 'owned', ownerId: 'O1', ownerName: 'Chen Mei', registered: true });
    expect(parsed.units[2]!.ownerId).toBe('DEV');
    expect(summarizeRoll(parsed.units)).toEqual({ unitCount: 4, totalArea: 8950 + 9200 + 7025 + 7025, ownerCount: 3, buildings: { B1: 4 } });
  });

  test('every bad row is reported with its line and field, and no unit is returned', () => {
    const parsed = parseRoll(
      roll(
        'B1,101,89.50,register,owned,O1,Chen Mei,yes',
        'B1,102,-3,register,owned,O2,Lin,yes',
        'B1,103,80,estimate,owned,O3,Wu,yes',
        'B1,104,80,register,rented,O4,Wu,yes',
        'B1,105,80,register,owned,,,yes',
        'B1,101,80,register,owned,O5,Zhang,maybe',
        'B1,106,80,register,unsold,O6,Someone,no',
        'B1,107,80,register,owned,DEV,Developer,no',
        'B 1,108,80,register,owned,O8,Xu,yes',
        'B1,109',
      ),
      'DEV',
    );
    expect(parsed.units).toEqual([]);
    const at = (line: number) => parsed.errors.filter((e) => e.line === line).map((e) => e.field);
    expect(at(2)).toEqual([]);
    expect(at(3)).toEqual(['area']);
    expect(at(4)).toEqual(['area_source']);
    expect(at(5)).toEqual(['holding']);
    expect(at(6)).toEqual(['owner_id', 'owner_name']);
    expect(at(7)).toEqual(['registered', 'unit']);
    expect(at(8)).toEqual(['owner_id']);
    expect(at(9)).toEqual(['owner_id']);
    expect(at(10)).toEqual(['building']);
    expect(at(11)).toEqual(expect.arrayContaining(['area', 'area_source', 'holding', 'registered']));
  });

  test('a registered unit must use its registered area (SPC interpretation art. 8); an unregistered one may use any source', () => {
    const parsed = parseRoll(
      roll(
        'B1,101,80,register,owned,O1,A,yes',
        'B1,102,80,survey,owned,O2,B,yes',
        'B1,103,80,contract,owned,O3,C,yes',
        'B1,104,80,register,owned,O4,D,no',
        'B1,105,80,survey,owned,O5,E,no',
        'B1,106,80,contract,sold_undelivered,O6,F,no',
      ),
      'DEV',
    );
    expect(parsed.errors).toEqual([
      { line: 3, field: 'area_source', reason: expect.stringMatching(/registered area.*art\. 8.*not survey/), value: 'survey' },
      { line: 4, field: 'area_source', reason: expect.stringMatching(/registered area.*not contract/), value: 'contract' },
    ]);
    expect(areaSourceProblem(true, 'register')).toBeUndefined();
    expect(areaSourceProblem(false, 'contract')).toBeUndefined();
  });

  test('the header must be exactly the roll columns', () => {
    expect(parseRoll('building,unit,area\nB1,1,80', 'DEV').errors[0]).toMatchObject({ line: 1, field: 'header' });
    expect(parseRoll(`${HEADER},extra\n`, 'DEV').errors[0]!.reason).toMatch(/unknown extra/);
    expect(parseRoll(`${HEADER}\n`, 'DEV').errors[0]!.reason).toMatch(/no units/);
  });

  test('a BOM and CRLF line ends are accepted', () => {
    const parsed = parseRoll(`\uFEFF${HEADER}\r\nB1,101,89.50,register,owned,O1,Chen Mei,yes\r\n`, 'DEV');
    expect(parsed.errors).toEqual([]);
    expect(parsed.units).toHaveLength(1);
  });

  test('broken CSV quoting is reported, not thrown', () => {
    const parsed = parseRoll(roll('B1,101,"89.50,register,owned,O1,Chen,yes'), 'DEV');
    expect(parsed.units).toEqual([]);
    expect(parsed.errors[0]!.reason).toMatch(/not readable as CSV/);
  });
});
