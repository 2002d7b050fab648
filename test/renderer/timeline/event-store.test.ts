import { describe, expect, it } from 'vitest';
import { EventFlag, EventKind, Source } from '../../../src/common/trace/schema';
import { EventStore, type RawEvent } from '../../../src/renderer/src/timeline/event-store';
import { batch, type Ev } from './support';

const mmio = (t: number, addr = 0, value = 0): Ev => ({ t, kind: EventKind.MmioRead, source: Source.Guest, addr, value });

describe('EventStore', () => {
  it('appends batches with contiguous sequence numbers and decodes events', () => {
    const s = new EventStore({ chunkSize: 4 });
    const r1 = s.append(batch([mmio(10, 0x24, 1), mmio(20), { t: 30, kind: EventKind.DmaError, text: 'EDU: DMA range out of bounds' }], 100));
    const r2 = s.append(batch([{ t: 40, kind: EventKind.DmaProgram, addr: 0x80, value: 0xfedc_ba98_4000_0000n, size: 8 }, mmio(50), mmio(60)], 103));
    expect(r1).toEqual({ from: 0, to: 3, dropped: 0 });
    expect(r2).toEqual({ from: 3, to: 6, dropped: 0 });
    expect(s.size).toBe(6);
    expect(s.nextSeq).toBe(106);
    expect(s.firstTime).toBe(10);
    expect(s.lastTime).toBe(60);
    expect(s.event(0)).toEqual({ seq: 100, vns: 10, hns: 20, kind: EventKind.MmioRead, source: Source.Guest, size: 4, flags: 0, addr: 0x24, value: 1n });
    expect(s.event(2)).toMatchObject({ seq: 102, kind: EventKind.DmaError, flags: EventFlag.Text, text: 'EDU: DMA range out of bounds' });
    expect(s.event(3).value).toBe(0xfedc_ba98_4000_0000n);
    expect(s.seqAt(5)).toBe(105);
    expect(s.indexOfSeq(104)).toBe(4);
    expect(s.indexOfSeq(99)).toBe(-1);
    expect(s.indexOfSeq(106)).toBe(-1);
  });

  it('keeps only the new part of a batch that repeats sequence numbers', () => {
    const s = new EventStore({ chunkSize: 4 });
    s.append(batch([mmio(1), mmio(2), mmio(3)], 0));
    const r = s.append(batch([mmio(2), mmio(3), mmio(4), mmio(5)], 1));
    expect(r).toEqual({ from: 3, to: 5, dropped: 0 });
    expect([3, 4].map((i) => s.event(i).vns)).toEqual([4, 5]);
    expect(s.append(batch([mmio(1)], 0))).toEqual({ from: 5, to: 5, dropped: 0 });
    expect(s.gaps).toEqual([]);
  });

  it('records gaps in sequence numbers (from a later batch or a gap message) with the times around them', () => {
    const s = new EventStore({ chunkSize: 4 });
    s.append(batch([mmio(10), mmio(20)], 0));
    const r = s.append(batch([mmio(50), mmio(60)], 5));
    expect(r.gap).toEqual({ fromSeq: 2, toSeq: 5, index: 2, timeBefore: 20, timeAfter: 50 });
    expect(s.seqAt(1)).toBe(1);
    expect(s.seqAt(2)).toBe(5);
    expect(s.indexOfSeq(3)).toBe(-1);
    expect(s.indexOfSeq(6)).toBe(3);
    s.noteGap(7, 9);
    s.append(batch([mmio(90)], 9));
    expect(s.gaps.map((g) => [g.fromSeq, g.toSeq, g.timeBefore, g.timeAfter])).toEqual([
      [2, 5, 20, 50],
      [7, 9, 60, 90],
    ]);
    expect(s.seqAt(4)).toBe(9);
  });

  it('finds events by virtual time across chunks, with equal times spanning chunk boundaries', () => {
    const s = new EventStore({ chunkSize: 4 });
    const times = [1, 2, 2, 2, 2, 2, 5, 7, 7, 9, 9, 9, 9, 12];
    s.append(batch(times.map((t) => mmio(t))));
    const naiveLower = (t: number): number => {
      const i = times.findIndex((v) => v >= t);
      return i < 0 ? times.length : i;
    };
    const naiveUpper = (t: number): number => {
      const i = times.findIndex((v) => v > t);
      return i < 0 ? times.length : i;
    };
    for (let t = -1; t <= 14; t += 0.5) {
      expect(s.lowerBound(t), `lower ${t}`).toBe(naiveLower(t));
      expect(s.upperBound(t), `upper ${t}`).toBe(naiveUpper(t));
    }
    expect(s.range(2, 9)).toEqual([1, 9]);
  });

  it('drops the oldest chunk past the cap, reusing its buffer, and releases its strings', () => {
    const s = new EventStore({ chunkSize: 4, maxEvents: 12 });
    expect(s.maxChunks).toBe(3);
    const first: Ev[] = [{ t: 0, kind: EventKind.GuestError, text: 'only in the first chunk' }, mmio(1), mmio(2), mmio(3)];
    s.append(batch(first, 0));
    s.append(batch(Array.from({ length: 8 }, (_, i) => mmio(4 + i)), 4));
    expect(s.size).toBe(12);
    expect(s.textOf(1000)).toBe('only in the first chunk');
    const bytes = s.bytes;
    const r = s.append(batch([mmio(12), mmio(13)], 12));
    expect(r).toEqual({ from: 12, to: 14, dropped: 4 });
    expect(s.bytes).toBe(bytes);
    expect(s.firstIndex).toBe(4);
    expect(s.size).toBe(10);
    expect(s.dropped).toBe(4);
    expect(s.textOf(1000)).toBeUndefined();
    expect(s.has(3)).toBe(false);
    expect(() => s.event(3)).toThrow(RangeError);
    expect(s.event(4)).toMatchObject({ seq: 4, vns: 4 });
    expect(s.firstTime).toBe(4);
    expect(s.lowerBound(0)).toBe(4);
    expect(s.indexOfSeq(2)).toBe(-1);
    expect(s.indexOfSeq(13)).toBe(13);
  });

  it('bounds memory when one batch is bigger than the cap', () => {
    const s = new EventStore({ chunkSize: 8, maxEvents: 16 });
    const seen: number[] = [];
    s.append(batch(Array.from({ length: 50 }, (_, i) => mmio(i)), 0), (e) => seen.push(e.seq));
    expect(s.size).toBeLessThanOrEqual(16);
    expect(s.endIndex).toBe(50);
    expect(s.event(s.firstIndex).seq).toBe(s.firstIndex);
    // The visitor sees what is still held, in order.
    expect(seen).toEqual(Array.from({ length: s.size }, (_, i) => s.firstIndex + i));
  });

  it('iterates raw events with their sequence numbers and text', () => {
    const s = new EventStore({ chunkSize: 2 });
    s.append(batch([mmio(1), { t: 2, kind: EventKind.Dmesg, text: 'edu: probe' }, mmio(3)], 7));
    s.append(batch([mmio(4)], 20));
    const got: Partial<RawEvent>[] = [];
    s.forEachRaw(0, s.endIndex, (e) => got.push({ ix: e.ix, seq: e.seq, vns: e.vns, text: e.text }));
    expect(got).toEqual([
      { ix: 0, seq: 7, vns: 1, text: undefined },
      { ix: 1, seq: 8, vns: 2, text: 'edu: probe' },
      { ix: 2, seq: 9, vns: 3, text: undefined },
      { ix: 3, seq: 20, vns: 4, text: undefined },
    ]);
  });

  it('clears to empty', () => {
    const s = new EventStore({ chunkSize: 4 });
    s.append(batch([mmio(1)], 5));
    s.clear();
    expect(s.size).toBe(0);
    expect(s.nextSeq).toBeNull();
    expect(Number.isNaN(s.firstTime)).toBe(true);
    expect(s.append(batch([mmio(1)], 0))).toEqual({ from: 0, to: 1, dropped: 0 });
  });
});
