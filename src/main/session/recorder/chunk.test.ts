import { describe, expect, it } from 'vitest';
import { BYTES_PER_EVENT, Chunk, chunkData, columnsOf, COLUMN_NAMES, restoreChunk } from './chunk';

describe('chunk layout', () => {
  it('puts all nine columns in one buffer of 32 bytes per event without overlap', () => {
    for (const capacity of [1, 3, 7, 65_536]) {
      const buffer = new ArrayBuffer(capacity * BYTES_PER_EVENT);
      const cols = columnsOf(buffer, capacity);
      const spans = COLUMN_NAMES.map((n) => [cols[n].byteOffset, cols[n].byteOffset + cols[n].byteLength] as const).sort((x, y) => x[0] - y[0]);
      let end = 0;
      for (const [from, to] of spans) {
        expect(from).toBe(end);
        end = to;
      }
      expect(end).toBe(buffer.byteLength);
      for (const n of COLUMN_NAMES) expect(cols[n].length).toBe(capacity);
    }
  });

  it('refuses a buffer too small for the capacity', () => {
    expect(() => columnsOf(new ArrayBuffer(31), 1)).toThrow(RangeError);
  });

  it('compacts a partly filled chunk when sealed and carries its strings', () => {
    const c = new Chunk(10, 8);
    c.columns.vns.set([1, 2, 3]);
    c.columns.valueLo.set([0, 5, 0]);
    c.length = 3;
    c.stringIds.add(5);
    const oldVns = c.columns.vns;
    c.seal((id) => `s${id}`);
    expect(c.sealed).toBe(true);
    expect(c.buffer.byteLength).toBe(3 * BYTES_PER_EVENT);
    expect([...c.columns.vns]).toEqual([1, 2, 3]);
    expect([...c.columns.valueLo]).toEqual([0, 5, 0]);
    expect(c.strings).toEqual(new Map([[5, 's5']]));
    // Views taken before sealing still read the same events.
    expect([...oldVns.subarray(0, 3)]).toEqual([1, 2, 3]);
    expect(c.lastVns).toBe(3);
  });

  it('survives a transfer: data out, views rebuilt on the other side', () => {
    const c = new Chunk(0, 2);
    c.columns.addr.set([0xfea00000, 4]);
    c.length = 2;
    c.seal(() => '');
    const data = chunkData(c);
    const moved = structuredClone(data, { transfer: [data.buffer] });
    expect(c.buffer.byteLength).toBe(0); // detached: it really moved
    const back = restoreChunk(moved);
    expect([...back.columns.addr]).toEqual([0xfea00000, 4]);
    expect(back.firstSeq).toBe(0);
    expect(() => restoreChunk({ ...moved, length: 3 })).toThrow(RangeError);
  });
});
