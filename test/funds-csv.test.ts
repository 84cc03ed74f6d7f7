import { toCsv, yuan } from '../libs/csv';
import { disclosureRows } from '../services/funds/domain/disclosure';

/** CSV exports (the disclosure a notice board prints) must not let free text run as a spreadsheet formula. */
describe('CSV cells that a spreadsheet would run', () => {
  test.each([
    ['=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ['+SUM(A1:A9)', "'+SUM(A1:A9)"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', `"'\r=1+1"`],
  ])('%j is neutralised', (text, cell) => {
    expect(toCsv(['x'], [[text]])).toBe(`x\r\n${cell}\r\n`);
  });

  test('numbers, amounts and plain text are untouched', () => {
    expect(toCsv(['a', 'b', 'c', 'd', 'e'], [[-5, yuan(-5), '12.50', 'Acme Repairs, Ltd.', true]])).toBe('a,b,c,d,e\r\n-5,-0.05,12.50,"Acme Repairs, Ltd.",true\r\n');
  });

  test('a payee or purpose in a disclosure cannot become a formula', () => {
    const rows = disclosureRows([
      {
        fund: 'public_revenue',
        incomeBySource: {},
        costsByKind: {},
        payments: [
          {
            projectId: 'p1',
            expenseId: 'x1',
            payee: '=cmd|/c calc',
            amountFen: 100,
            purpose: 'repair',
            approvals: [{ step: 'community_reviewer', by: '@reviewer', at: '2027-01-01', reason: '-checked' }],
            paidAt: '2027-01-02',
            entrySeq: 3,
          },
        ],
        balances: {},
        cashFen: 0,
        surplusFen: 0,
        headHash: 'a'.repeat(64),
        entries: 3,
      },
    ]);
    const csv = toCsv(['fund', 'line', 'item', 'yuan', 'detail'], rows);
    for (const line of csv.split('\r\n').slice(1)) for (const cell of line.split(',')) expect(cell).not.toMatch(/^"?[=+@]/);
  });
});
