import { localParts } from './time';

/**
 * Figures as people read them in a notice: money from integer fen as yuan, areas from integer
 * hundredths of a m² as m², instants in the compound's local time (Beijing time). Integer arithmetic
 * only: a notice says exactly what the ledger or the count holds.
 */
export type Language = 'zh' | 'en';

const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** 12345678 hundredths → "123,456.78". */
export function hundredthsText(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer count of hundredths: ${value}`);
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  return `${sign}${grouped(Math.trunc(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
}

/** Fen as yuan: 2400000 → "24,000.00 元" / "CNY 24,000.00". */
export const yuan = (fen: number, language: Language): string => (language === 'zh' ? `${hundredthsText(fen)} 元` : `CNY ${hundredthsText(fen)}`);

/** Hundredths of a m² as m²: 7117600 → "71,176.00 m²" (平方米 in Chinese). */
export const squareMetres = (hundredths: number, language: Language): string => (language === 'zh' ? `${hundredthsText(hundredths)} 平方米` : `${hundredthsText(hundredths)} m²`);

/** part of whole as a percentage with two decimals, rounded down (never overstates a turnout). */
export function percentText(part: number, whole: number): string {
  if (whole <= 0) return '0.00%';
  const basisPoints = Math.floor((part * 10_000) / whole);
  return `${Math.trunc(basisPoints / 100)}.${String(basisPoints % 100).padStart(2, '0')}%`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** What the zone is called after a time in English. */
const zoneLabel = (zone: string): string => (zone === 'Asia/Shanghai' ? 'Beijing time' : zone);

/** An instant in local time: "2026年12月11日 07:11" / "11 Dec 2026, 07:11 Beijing time". */
export function localTime(iso: string, language: Language, zone: string): string {
  const p = localParts(new Date(iso), zone);
  return language === 'zh' ? `${p.year}年${p.month}月${p.day}日 ${two(p.hour)}:${two(p.minute)}` : `${p.day} ${MONTHS[p.month - 1]} ${p.year}, ${two(p.hour)}:${two(p.minute)} ${zoneLabel(zone)}`;
}

/** The local date of an instant: "2026年12月11日" / "11 Dec 2026". */
export function localDay(iso: string, language: Language, zone: string): string {
  const p = localParts(new Date(iso), zone);
  return language === 'zh' ? `${p.year}年${p.month}月${p.day}日` : `${p.day} ${MONTHS[p.month - 1]} ${p.year}`;
}

/** A list of names or ids, at most `max` shown: "O12、O15 等 7 人" / "O12, O15 and 5 more". */
export function listText(items: readonly string[], language: Language, max = 20): string {
  const shown = items.slice(0, max);
  const more = items.length - shown.length;
  if (language === 'zh') return `${shown.join('、')}${more > 0 ? ` 等 ${items.length} 人` : ''}`;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
