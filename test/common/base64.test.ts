import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../src/common/api/base64';
import { decodeEventBatch, encodeEventBatch } from '../../src/common/api/event-batch';
import { columnsOf } from '../../src/common/trace/columns';

describe('base64 in the shared contract', () => {
  it('matches Node for every length and byte value, both ways', () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 151 + 7) & 0xff);
    for (let n = 0; n <= 70; n++) {
      const slice = bytes.subarray(0, n);
      const text = encodeBase64(slice);
      expect(text).toBe(Buffer.from(slice).toString('base64'));
      expect(decodeBase64(text)).toEqual(new Uint8Array(slice));
    }
    expect(encodeBase64(Uint8Array.from({ length: 256 }, (_, i) => i))).toBe(Buffer.from(Uint8Array.from({ length: 256 }, (_, i) => i)).toString('base64'));
  });

  it('refuses malformed text', () => {
    expect(() => decodeBase64('abc!')).toThrow('malformed base64');
    expect(() => decodeBase64('a')).toThrow('malformed base64');
  });

  it('carries an event batch across intact', () => {
    const buffer = new ArrayBuffer(3 * 32);
    const cols = columnsOf(buffer, 3);
    cols.vns.set([1, 2, 3]);
    cols.kind.set([4, 3, 16]);
    cols.valueLo.set([0x12345678, 0, 7]);
    cols.flags.set([0, 0, 0x80]);
    const batch = decodeEventBatch(JSON.parse(JSON.stringify(encodeEventBatch(10, 3, buffer, new Map([[7, 'EDU: hello']])))));
    expect(batch.fromSeq).toBe(10);
    expect([...batch.vns]).toEqual([1, 2, 3]);
    expect([...batch.kind]).toEqual([4, 3, 16]);
    expect(batch.valueLo[0]).toBe(0x12345678);
    expect(batch.strings.get(7)).toBe('EDU: hello');
  });
});
