/**
 * A GB18030 encoder for tests (Node decodes GB18030 but TextEncoder only writes UTF-8): the two-byte
 * table is recovered by decoding every two-byte sequence once. Enough for the Chinese of test rolls.
 */
let table: Map<string, number[]> | undefined;

function twoByteTable(): Map<string, number[]> {
  const decoder = new TextDecoder('gb18030', { fatal: true });
  const map = new Map<string, number[]>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      try {
        const char = decoder.decode(new Uint8Array([lead, trail]));
        if (!map.has(char)) map.set(char, [lead, trail]);
      } catch {
        // not a two-byte character
      }
    }
  }
  return map;
}

export function gb18030(text: string): Uint8Array {
  table ??= twoByteTable();
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else {
      const pair = table.get(char);
      if (!pair) throw new Error(`no two-byte GB18030 code for ${char}`);
      bytes.push(...pair);
    }
  }
  return new Uint8Array(bytes);
}
