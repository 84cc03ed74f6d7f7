import { parse } from 'csv-parse/sync';

/**
 * A batch of levy receipts as CSV, one line per unit paid for (a receipt covering two units is two
 * lines with the same receipt):
 *
 *   receipt,unit,amount
 *   RCPT-2027-0001,B01-0101,26.85
 *
 * `amount` is yuan with at most two decimals (kept as integer fen). Every line is checked; the
 * batch is recorded whole or not at all, with a report of every line that is wrong.
 */
export const RECEIPT_COLUMNS = ['receipt', 'unit', 'amount'] as const;

export interface ReceiptLine {
  receiptRef: string;
  unitId: string;
  amountFen: number;
  /** 1-based line in the file (the header is line 1). */
  line: number;
}

const REF = /^[\w./:#-]{1,128}$/;
const UNIT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const YUAN = /^(\d{1,9})(?:\.(\d{1,2}))?$/;

/** The lines that parse, and what is wrong with the others (the caller checks the good ones further). */
export function parseReceipts(csv: string, maxLines: number): { lines: ReceiptLine[]; errors: { field: string; reason: string }[] } {
  let records: string[][];
  try {
    records = parse(csv, { skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch (error) {
    return { lines: [], errors: [{ field: 'body', reason: `not CSV: ${(error as Error).message}` }] };
  }
  const [header, ...rows] = records;
  if (!header || header.join(',').toLowerCase() !== RECEIPT_COLUMNS.join(',')) {
    return { lines: [], errors: [{ field: 'line 1', reason: `the header must be ${RECEIPT_COLUMNS.join(',')}` }] };
  }
  if (rows.length === 0) return { lines: [], errors: [{ field: 'body', reason: 'no receipts' }] };
  if (rows.length > maxLines) return { lines: [], errors: [{ field: 'body', reason: `at most ${maxLines} lines in one batch; split the file` }] };
  const lines: ReceiptLine[] = [];
  const errors: { field: string; reason: string }[] = [];
  rows.forEach((row, i) => {
    const line = i + 2;
    const [receiptRef = '', unitId = '', amount = ''] = row;
    const before = errors.length;
    if (row.length !== 3) errors.push({ field: `line ${line}`, reason: `3 columns expected, ${row.length} found` });
    if (!REF.test(receiptRef)) errors.push({ field: `line ${line}: receipt`, reason: 'letters, digits and ._/:#-, up to 128' });
    if (!UNIT.test(unitId)) errors.push({ field: `line ${line}: unit`, reason: 'a unit id such as B01-0101' });
    const m = YUAN.exec(amount);
    const fen = m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : 0;
    if (!m || fen <= 0) errors.push({ field: `line ${line}: amount`, reason: 'a positive amount of yuan with at most two decimals, e.g. 26.85' });
    if (errors.length === before) lines.push({ receiptRef, unitId, amountFen: fen, line });
  });
  return { lines, errors };
}
