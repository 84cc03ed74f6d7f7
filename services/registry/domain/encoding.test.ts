import { checkDecodedText, decodeRollBytes } from './encoding';
import { gb18030 } from '../../../test/gb18030';

const csv = 'building,unit,area,area_source,holding,owner_id,owner_name,registered\nB1,101,89.50,register,owned,O1,陈美,yes\n';

describe('roll file encodings', () => {
  test('UTF-8, with or without a BOM, is read as UTF-8', () => {
    expect(decodeRollBytes(new TextEncoder().encode(csv))).toEqual({ text: csv, encoding: 'utf-8' });
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(csv)]);
    expect(decodeRollBytes(bom)).toEqual({ text: csv, encoding: 'utf-8' });
  });

  test('a GB18030/GBK file (Excel and WPS in China) is read as GB18030, names intact', () => {
    const bytes = gb18030(csv);
    expect(Buffer.from(bytes).includes(Buffer.from('陈美'))).toBe(false); // not UTF-8 bytes
    expect(decodeRollBytes(bytes)).toEqual({ text: csv, encoding: 'gb18030' });
  });

  test('bytes that are neither are refused with the line they are on', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('building\nB1\n'), 0xff, 0xff, 0xff, 0x0a]);
    expect(decodeRollBytes(bytes)).toEqual({ error: { line: 3, field: 'encoding', reason: expect.stringMatching(/neither UTF-8 nor GB18030/) } });
  });

  test('text someone decoded as UTF-8 with replacement characters is refused, naming the line and what to do', () => {
    const garbled = new TextDecoder('utf-8').decode(gb18030(csv));
    expect(garbled).toContain('\uFFFD');
    expect(checkDecodedText(garbled)).toEqual({ error: { line: 2, field: 'encoding', reason: expect.stringMatching(/not UTF-8.*GB18030.*CSV UTF-8/) } });
    expect(checkDecodedText(csv)).toEqual({ text: csv, encoding: 'utf-8' });
  });
});
