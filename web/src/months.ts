/**
 * The `count` local months (Asia/Shanghai, where the city's counters are kept) ending with the one
 * `iso` falls in, oldest first: 2026-01-31T16:30Z is already 1 February in Quanzhou.
 */
export function lastMonths(iso: string, count = 12): string[] {
  const local = new Date(iso).toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' });
  let [year, month] = [Number(local.slice(0, 4)), Number(local.slice(5, 7))];
  const months: string[] = [];
  for (let i = 0; i < count; i++) {
    months.unshift(`${year}-${String(month).padStart(2, '0')}`);
    if (--month === 0) [year, month] = [year - 1, 12];
  }
  return months;
}
