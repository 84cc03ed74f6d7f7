/**
 * A text cell a spreadsheet would run as a formula (it begins with =, +, -, @, a tab or a carriage
 * return) gets a leading apostrophe, so it shows as text (OWASP's CSV-injection advice). A plain
 * number written as text ("-0.05", "12.50") is left alone: a spreadsheet reads it as the number.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;
const neutralise = (s: string) => (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s);

/** RFC 4180 CSV: quote fields that need it, CRLF line ends (what spreadsheet software expects); text never runs as a formula. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | boolean | undefined)[])[]): string {
  const cell = (v: string | number | boolean | undefined) => {
    const s = v === undefined ? '' : typeof v === 'string' ? neutralise(v) : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** An integer count of hundredths as a decimal with two places: 8950 → "89.50", -5 → "-0.05". */
const hundredths = (n: number) => `${n < 0 ? '-' : ''}${Math.trunc(Math.abs(n) / 100)}.${String(Math.abs(n) % 100).padStart(2, '0')}`;

/** Hundredths of a m² as m². */
export const m2 = hundredths;

/** Fen as yuan. */
export const yuan = hundredths;

/** part/whole as a percentage with two decimals, computed in integers (for display only). */
export function percent(part: number, whole: number): string {
  if (whole <= 0) return '0.00';
  const basisPoints = Math.floor((part * 10_000) / whole);
  return `${Math.trunc(basisPoints / 100)}.${String(basisPoints % 100).padStart(2, '0')}`;
}
