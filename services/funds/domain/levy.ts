/**
 * The small maintenance fund levy (小公维金): a rate in fen per m² per month over each unit's area.
 * Areas are hundredths of a m², so the exact charge is rate × area / 100 fen; it is rounded half up
 * to a whole fen, once per unit and month (never summed as fractions).
 */
export function monthlyLevyFen(rateFenPerM2Month: number, areaHundredths: number): number {
  if (!Number.isSafeInteger(rateFenPerM2Month) || rateFenPerM2Month < 0) throw new Error('the rate is a whole number of fen');
  if (!Number.isSafeInteger(areaHundredths) || areaHundredths <= 0) throw new Error('the area is a positive number of hundredths of a m²');
  return Number((BigInt(rateFenPerM2Month) * BigInt(areaHundredths) + 50n) / 100n);
}

/** "2027-03" for a date; the month a charge belongs to. */
export const periodOf = (iso: string): string => iso.slice(0, 7);

export function previousPeriod(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The quarter before the one `iso` falls in: "2027-Q1". */
export function previousQuarter(iso: string): { label: string; from: string; to: string } {
  const d = new Date(iso);
  let q = Math.floor(d.getUTCMonth() / 3); // current quarter 0-3
  let y = d.getUTCFullYear();
  q -= 1;
  if (q < 0) {
    q = 3;
    y -= 1;
  }
  const from = new Date(Date.UTC(y, q * 3, 1)).toISOString();
  const to = new Date(Date.UTC(y, q * 3 + 3, 1)).toISOString();
  return { label: `${y}-Q${q + 1}`, from, to };
}
