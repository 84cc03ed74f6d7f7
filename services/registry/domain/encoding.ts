/**
 * A roll file's text encoding. Rolls come from spreadsheets; in China, Excel and WPS save CSV as
 * GB18030/GBK unless told otherwise, and a GBK file read as UTF-8 silently turns every Chinese name
 * into U+FFFD. So bytes are decoded strictly: UTF-8 first (a BOM is allowed), then GB18030 (a superset
 * of GBK and GB2312); a file that is neither is refused, never stored garbled.
 */
export type RollEncoding = 'utf-8' | 'gb18030';

export type Decoded = { text: string; encoding: RollEncoding } | { error: { line: number; field: 'encoding'; reason: string } };

const REPLACEMENT = '\uFFFD';

export const NOT_UTF8 =
  'the file is not UTF-8 (a CSV saved by Excel or WPS in China is usually GB18030/GBK): save it as “CSV UTF-8”, or import it as an upload (POST …/roll/imports), which also reads GB18030';

/** Decode a roll's raw bytes: strict UTF-8, else strict GB18030, else an error naming the first bad line. */
export function decodeRollBytes(bytes: Uint8Array): Decoded {
  for (const encoding of ['utf-8', 'gb18030'] as const) {
    try {
      const text = new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
      return { text, encoding };
    } catch {
      // try the next encoding
    }
  }
  const lossy = new TextDecoder('utf-8').decode(bytes);
  return { error: { line: lineOf(lossy, lossy.indexOf(REPLACEMENT)), field: 'encoding', reason: 'the file is neither UTF-8 nor GB18030; save it as “CSV UTF-8”' } };
}

/**
 * Check text that was already decoded as UTF-8 by someone else (the HTTP layer): bytes that were not
 * UTF-8 became U+FFFD, and the original bytes are gone, so such a file is refused with the reason.
 */
export function checkDecodedText(text: string): Decoded {
  const at = text.indexOf(REPLACEMENT);
  if (at >= 0) return { error: { line: lineOf(text, at), field: 'encoding', reason: NOT_UTF8 } };
  return { text, encoding: 'utf-8' };
}

const lineOf = (text: string, index: number) => (index < 0 ? 1 : text.slice(0, index).split('\n').length);
