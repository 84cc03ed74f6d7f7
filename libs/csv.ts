/** RFC 4180 CSV: quote fields that need it, CRLF line ends (what spreadsheet software expects). */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | boolean | undefined)[])[]): string {
  const cell = (v: string | number | boolean | undefined) => {
    const s = v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Hundredths of a m² as m² with two decimals. */
export const m2 = (hundredths: number) => `${Math.trunc(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;

/** part/whole as a percentage with two decimals, computed in integers (for display only). */
export function percent(part: number, whole: number): string {
  if (whole <= 0) return '0.00';
  const basisPoints = Math.floor((part * 10_000) / whole);
  return `${Math.trunc(basisPoints / 100)}.${String(basisPoints % 100).padStart(2, '0')}`;
}
