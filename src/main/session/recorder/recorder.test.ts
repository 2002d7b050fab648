import { describe, expect, it } from 'vitest';
import { EventFlag, EventKind, Source, type TraceEvent } from '../../../common/trace/schema';
import { Tracer } from '../../machine/trace';
import { BYTES_PER_EVENT, restoreChunk, chunkData, type SealedChunk } from './chunk';
import { decodeSlice } from './query';
import { clockTimeSource, Recorder, type RecorderOptions } from './recorder';

/** A time source the test drives: host time is set by hand, virtual time is set by hand too. */
class FakeTime {
  host = 1_000;
  vns = 0;
  hostReads = 0;
  hostNs(): number {
    this.hostReads++;
    return this.host;
  }
  virtualAt(hostNs: number): number {
    if (hostNs !== this.host) throw new Error('virtual time must come from the host instant just read');
    return this.vns;
  }
}

function setup(options: RecorderOptions = {}) {
  const time = new FakeTime();
  const rec = new Recorder(time, options);
  const tracer = new Tracer();
  tracer.attach(rec);
  return { time, rec, tracer };
}

/** Record n MMIO writes; event seq s gets vns = vnsOf(s) and value s. */
function fill(rec: Recorder, time: FakeTime, n: number, vnsOf: (seq: number) => number = (s) => 10 * s) {
  for (let k = 0; k < n; k++) {
    const seq = rec.recorded;
    time.vns = vnsOf(seq);
    time.host += 7;
    rec.record(EventKind.MmioWrite, Source.Guest, seq & 0xff, 4, 0, seq, 0);
  }
}

const seqs = (events: readonly TraceEvent[]) => events.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

describe('Recorder: recording and decoding', () => {
  it('stores every field and reads the host clock once per event', () => {
    const { time, rec } = setup();
    expect(time.hostReads).toBe(1); // the start
    time.host = 1_500;
    time.vns = 123_456_789;
    rec.record(EventKind.MmioWrite, Source.Guest, 0xfea00010, 4, EventFlag.Invalid | EventFlag.Ignored, 0xcafef00d, 0xdeadbeef);
    expect(time.hostReads).toBe(2);
    expect(rec.get(0)).toEqual({
      seq: 0,
      vns: 123_456_789,
      hns: 500,
      kind: EventKind.MmioWrite,
      source: Source.Guest,
      size: 4,
      flags: EventFlag.Invalid | EventFlag.Ignored,
      addr: 0xfea00010,
      value: 0xdeadbeef_cafef00dn,
    });
    expect(rec.hostStartNs).toBe(1_000);
  });

  it('keeps 64-bit values exact through the Tracer', () => {
    const { rec, tracer } = setup();
    tracer.event64(EventKind.RegisterChange, Source.Device, 0x80, 8, 0, 0xffff_ffff_ffff_ffffn);
    tracer.event64(EventKind.DmaProgram, Source.Guest, 0x88, 8, 0, 0x1_0000_0000n);
    tracer.eventWide(EventKind.TimerArm, Source.Machine, 3, 0, Number.MAX_SAFE_INTEGER);
    tracer.event(EventKind.MmioRead, Source.Test, 0, 4, 0, 0xffffffff);
    tracer.event(EventKind.MmioRead, Source.Test, 0, 4, 0, -1);
    expect(rec.bySeq(0, 5).map((e) => e.value)).toEqual([
      0xffff_ffff_ffff_ffffn,
      0x1_0000_0000n,
      BigInt(Number.MAX_SAFE_INTEGER),
      0xffffffffn,
      0xffffffffn,
    ]);
    expect(rec.get(0)!.text).toBeUndefined();
    expect('text' in rec.get(0)!).toBe(false);
  });

  it('records text events through the string table and interns identical strings', () => {
    const { rec, tracer } = setup();
    tracer.text(EventKind.GuestError, Source.Device, 0, 'EDU: clamping DMA');
    tracer.text(EventKind.TimerName, Source.Machine, 2, 'edu-dma');
    tracer.text(EventKind.GuestError, Source.Device, 0, 'EDU: clamping DMA', EventFlag.Clamped);
    const [a, b, c] = rec.bySeq(0, 3);
    expect(a).toMatchObject({ kind: EventKind.GuestError, source: Source.Device, addr: 0, size: 0, flags: EventFlag.Text, text: 'EDU: clamping DMA' });
    expect(b).toMatchObject({ kind: EventKind.TimerName, addr: 2, text: 'edu-dma' });
    expect(c).toMatchObject({ flags: EventFlag.Text | EventFlag.Clamped, text: 'EDU: clamping DMA' });
    expect(c!.value).toBe(a!.value); // same string id
    expect(b!.value).not.toBe(a!.value);
    expect(rec.text(Number(a!.value))).toBe('EDU: clamping DMA');
    expect(rec.memory().strings).toBe(2);
  });

  it('never lets record() set the Text flag (the value is not a string id)', () => {
    const { rec } = setup();
    rec.record(EventKind.MmioRead, Source.Test, 0, 4, EventFlag.Text | EventFlag.Invalid, 5, 0);
    expect(rec.get(0)).toMatchObject({ flags: EventFlag.Invalid, value: 5n });
    expect(rec.get(0)!.text).toBeUndefined();
  });

  it('derives virtual time from the host instant it read', () => {
    // The VirtualClock's shape: virtual time runs at half speed from host 5000 until paused at 9000.
    let host = 5_000;
    let paused = false;
    const clock = { host: { nowNs: () => host }, virtualAt: (h: number) => (paused ? 125 : (h - 5_000) / 2) };
    const rec = new Recorder(clockTimeSource(clock));
    host = 5_250;
    rec.record(EventKind.MmioRead, Source.Test, 0, 4, 0, 0, 0);
    paused = true;
    host = 9_000;
    rec.record(EventKind.MmioRead, Source.Test, 0, 4, 0, 0, 0);
    expect(rec.bySeq(0, 2).map((e) => [e.vns, e.hns])).toEqual([
      [125, 250],
      [125, 4_000],
    ]);
  });

  it('holds virtual time when a source runs backwards, so time queries stay valid', () => {
    const { time, rec } = setup();
    fill(rec, time, 3, (s) => [100, 50, 200][s]!);
    expect(rec.bySeq(0, 3).map((e) => e.vns)).toEqual([100, 100, 200]);
    expect(rec.clamped).toBe(1);
  });

  it('validates its options', () => {
    const time = new FakeTime();
    expect(() => new Recorder(time, { chunkSize: 0 })).toThrow(RangeError);
    expect(() => new Recorder(time, { chunkSize: 1.5 })).toThrow(RangeError);
    expect(() => new Recorder(time, { chunkSize: 8, maxEvents: 4 })).toThrow(RangeError);
    expect(new Recorder(time, { chunkSize: 8 }).maxEvents).toBeGreaterThanOrEqual(8);
  });
});

describe('Recorder: chunks', () => {
  it('allocates nothing before the first event', () => {
    const { rec } = setup();
    expect(rec.memory()).toMatchObject({ events: 0, chunks: 0, allocatedBytes: 0, bytesPerEvent: 0 });
    expect(rec.latest(5)).toEqual([]);
    expect([...rec]).toEqual([]);
  });

  it('rolls over to a new chunk when one fills and seals the full one', () => {
    const sealed: SealedChunk[] = [];
    const { time, rec } = setup({ chunkSize: 4, onSeal: (c) => sealed.push(c) });
    fill(rec, time, 10);
    expect(rec.memory().chunks).toBe(3);
    expect(sealed.map((c) => [c.firstSeq, c.length])).toEqual([
      [0, 4],
      [4, 4],
    ]);
    expect(rec.sealedChunks()).toEqual(sealed);
    expect(seqs(rec.bySeq(0, 10))).toEqual(range(0, 10));
    expect(rec.bySeq(0, 10).map((e) => e.value)).toEqual(range(0, 10).map(BigInt));
    expect(rec.get(3)!.vns).toBe(30);
    expect(rec.get(4)!.vns).toBe(40);
    expect(rec.get(10)).toBeUndefined();
  });

  it('seals a partial head on demand at its exact size, and goes on in a new chunk', () => {
    const sealed: SealedChunk[] = [];
    const { time, rec, tracer } = setup({ chunkSize: 8, onSeal: (c) => sealed.push(c) });
    fill(rec, time, 3);
    tracer.text(EventKind.PropertyChange, Source.Machine, 0, 'profile=upstream');
    const c = rec.seal()!;
    expect(c).toBe(sealed[0]);
    expect(c.length).toBe(4);
    expect(c.buffer.byteLength).toBe(4 * BYTES_PER_EVENT);
    expect([...c.strings.values()]).toEqual(['profile=upstream']);
    expect(rec.seal()).toBeUndefined();
    fill(rec, time, 2);
    expect(rec.memory().chunks).toBe(2);
    expect(seqs([...rec])).toEqual(range(0, 6));
    expect(rec.get(3)!.text).toBe('profile=upstream');
  });
});

describe('Recorder: time and sequence queries', () => {
  it('finds time ranges [from, to) across chunk boundaries', () => {
    const { time, rec } = setup({ chunkSize: 4 });
    fill(rec, time, 10); // vns 0, 10, ..., 90; chunks [0-3] [4-7] [8-9]
    expect(seqs(rec.byTime(40, 80))).toEqual([4, 5, 6, 7]); // exactly one chunk
    expect(seqs(rec.byTime(30, 50))).toEqual([3, 4]); // the boundary
    expect(seqs(rec.byTime(35, 45))).toEqual([4]);
    expect(seqs(rec.byTime(31, 39))).toEqual([]); // between events
    expect(seqs(rec.byTime(40, 40))).toEqual([]); // empty range
    expect(seqs(rec.byTime(50, 40))).toEqual([]); // reversed
    expect(seqs(rec.byTime(90, 1e9))).toEqual([9]);
    expect(seqs(rec.byTime(91, 1e9))).toEqual([]); // after the end
    expect(seqs(rec.byTime(-Infinity, 1))).toEqual([0]);
    expect(seqs(rec.byTime(-Infinity, Infinity))).toEqual(range(0, 10));
    expect(rec.timeRange(31, 39)).toEqual({ from: 4, to: 4 });
    expect(rec.seqAtTime(1e9)).toBe(10);
  });

  it('handles runs of equal times that span chunks', () => {
    const times = [0, 0, 5, 5, 5, 5, 5, 7, 9, 9, 9, 9, 9];
    const { time, rec } = setup({ chunkSize: 4 });
    fill(rec, time, times.length, (s) => times[s]!);
    expect(seqs(rec.byTime(5, 6))).toEqual([2, 3, 4, 5, 6]);
    expect(seqs(rec.byTime(6, 9))).toEqual([7]);
    expect(seqs(rec.byTime(9, 10))).toEqual([8, 9, 10, 11, 12]);
    expect(seqs(rec.byTime(1, 5))).toEqual([]);
  });

  it('agrees with a linear scan for every range, with and without an empty head', () => {
    const times = [1, 1, 2, 3, 3, 3, 8, 8, 9, 12, 12, 12, 12, 15, 20, 20];
    const { time, rec } = setup({ chunkSize: 4 });
    fill(rec, time, times.length, (s) => times[s]!); // four full chunks, no head
    const check = () => {
      for (let from = 0; from <= 22; from++) {
        for (let to = from; to <= 22; to++) {
          const want = range(0, times.length).filter((s) => times[s]! >= from && times[s]! < to);
          expect(seqs(rec.byTime(from, to)), `[${from}, ${to})`).toEqual(want);
        }
      }
    };
    check();
    rec.seal();
    check();
  });

  it('clamps sequence ranges to what is in memory', () => {
    const { time, rec } = setup({ chunkSize: 4 });
    fill(rec, time, 6);
    expect(seqs(rec.bySeq(-5, 3))).toEqual([0, 1, 2]);
    expect(seqs(rec.bySeq(3, 100))).toEqual([3, 4, 5]);
    expect(seqs(rec.bySeq(4, 4))).toEqual([]);
    expect(seqs(rec.bySeq(5, 2))).toEqual([]);
    expect(() => rec.bySeq(Number.NaN, 2)).toThrow(RangeError);
    expect(seqs(rec.byTime(Number.NaN, 2))).toEqual([]);
    expect(seqs(rec.latest(2))).toEqual([4, 5]);
    expect(seqs(rec.latest(0))).toEqual([]);
    expect(seqs(rec.latest(99))).toEqual(range(0, 6));
  });

  it('iterates over everything in memory, up to the newest event when it started', () => {
    const { time, rec, tracer } = setup({ chunkSize: 3, maxEvents: 6 });
    fill(rec, time, 5);
    tracer.text(EventKind.GuestError, Source.Device, 0, 'hello');
    expect(seqs([...rec])).toEqual(range(0, 6));
    expect(seqs([...rec.events(4)])).toEqual([4, 5]);
    const it = rec.events();
    expect(it.next().value!.seq).toBe(0);
    fill(rec, time, 7); // evicts everything the iterator has not read yet
    const rest = [...it];
    expect(seqs(rest)).toEqual([1, 2, 3, 4, 5]);
    expect(rest[4]!.text).toBe('hello'); // its chunk (and string) left memory meanwhile
    expect(rec.text(0)).toBeUndefined();
  });
});

describe('Recorder: eviction', () => {
  it('hands sealed chunks over oldest first and keeps sequence numbers contiguous', () => {
    const events: string[] = [];
    const evictedChunks: SealedChunk[] = [];
    const { time, rec } = setup({
      chunkSize: 4,
      maxEvents: 8,
      onSeal: (c) => events.push(`seal ${c.firstSeq}`),
      onEvict: (c) => {
        events.push(`evict ${c.firstSeq}`);
        evictedChunks.push(c);
      },
    });
    for (let n = 1; n <= 22; n++) {
      fill(rec, time, 1);
      expect(rec.inMemory).toBeLessThanOrEqual(8);
      expect(rec.evicted + rec.inMemory).toBe(rec.recorded);
      expect(rec.firstSeq).toBe(rec.evicted);
      expect(rec.recorded).toBe(n);
    }
    expect(events).toEqual(['seal 0', 'seal 4', 'evict 0', 'seal 8', 'evict 4', 'seal 12', 'evict 8', 'seal 16', 'evict 12']);
    expect(rec.evicted).toBe(16);
    expect(rec.inMemory).toBe(6);
    expect(rec.get(15)).toBeUndefined();
    expect(rec.get(16)!.value).toBe(16n);
    expect(seqs(rec.bySeq(0, 100))).toEqual(range(16, 22));
    expect(rec.byTime(0, 1000)[0]!.seq).toBe(16);
    // Evicted chunks plus memory are the whole log, without a gap.
    const all = [...evictedChunks.map((c) => Array.from(c.columns.valueLo)).flat(), ...rec.bySeq(0, 100).map((e) => Number(e.value))];
    expect(all).toEqual(range(0, 22));
    expect(evictedChunks.every((c) => c.length === 4 && c.buffer.byteLength === 4 * BYTES_PER_EVENT)).toBe(true);
  });

  it('gives an evicted chunk the strings it uses and drops them from memory', () => {
    const evicted: SealedChunk[] = [];
    const { time, rec, tracer } = setup({ chunkSize: 2, maxEvents: 4, onEvict: (c) => evicted.push(c) });
    tracer.text(EventKind.GuestError, Source.Device, 0, 'only in the first chunk');
    tracer.text(EventKind.TimerName, Source.Machine, 1, 'shared');
    tracer.text(EventKind.TimerName, Source.Machine, 1, 'shared');
    fill(rec, time, 3); // the first chunk goes
    expect(evicted).toHaveLength(1);
    const first = restoreChunk(structuredClone(chunkData(evicted[0]!)));
    expect([...first.strings.values()].sort()).toEqual(['only in the first chunk', 'shared']);
    const id = first.columns.valueLo[0]!;
    expect(first.strings.get(id)).toBe('only in the first chunk');
    expect(rec.text(id)).toBeUndefined(); // nothing in memory uses it
    expect(rec.get(2)!.text).toBe('shared'); // still used by the second chunk
    expect(rec.memory().strings).toBe(1);
    fill(rec, time, 2);
    expect(rec.memory().strings).toBe(0);
    expect(rec.memory().stringBytes).toBe(0);
  });

  it('stays consistent when a hook throws (the event being recorded is lost)', () => {
    let fail = true;
    const { time, rec } = setup({
      chunkSize: 2,
      maxEvents: 2,
      onEvict: () => {
        if (fail) throw new Error('disk full');
      },
    });
    fill(rec, time, 2);
    expect(() => fill(rec, time, 1)).toThrow('disk full');
    expect(rec.recorded).toBe(2);
    expect(rec.evicted).toBe(2);
    fail = false;
    fill(rec, time, 3);
    expect(seqs([...rec])).toEqual([4]);
    expect(rec.get(4)!.value).toBe(4n);
  });

  it('keeps at most maxEvents in memory over a long run', () => {
    const { time, rec } = setup({ chunkSize: 1_000, maxEvents: 2_500 });
    fill(rec, time, 10_000);
    expect(rec.inMemory).toBeLessThanOrEqual(2_500);
    expect(rec.memory().allocatedBytes).toBeLessThanOrEqual(3 * 1_000 * BYTES_PER_EVENT);
    expect(rec.latest(1)[0]!.seq).toBe(9_999);
  });
});

describe('Recorder: memory', () => {
  it('costs at most 32 bytes per MMIO event, allocated and used', () => {
    const { time, rec, tracer } = setup();
    for (let i = 0; i < 3 * rec.chunkSize; i++) {
      time.host += 100;
      time.vns += 100;
      tracer.event(i & 1 ? EventKind.MmioRead : EventKind.MmioWrite, Source.Guest, (i & 0x3f) << 2, 4, 0, i);
    }
    const m = rec.memory();
    expect(m.events).toBe(3 * rec.chunkSize);
    expect(rec.bytesPerEvent).toBeLessThanOrEqual(32);
    expect(m.allocatedBytes / m.events).toBeLessThanOrEqual(32);
    expect(m.stringBytes).toBe(0);
  });

  it('counts the string table when there is text', () => {
    const { rec, tracer } = setup();
    for (let i = 0; i < 100; i++) tracer.text(EventKind.GuestError, Source.Device, 0, `line ${i} `.repeat(10));
    expect(rec.bytesPerEvent).toBeGreaterThan(32);
    for (let i = 0; i < 10_000; i++) tracer.text(EventKind.GuestError, Source.Device, 0, 'the same line');
    expect(rec.memory().strings).toBe(101);
  });
});

describe('Recorder: column slices', () => {
  it('copies columns across chunks with the strings they use', () => {
    const { time, rec, tracer } = setup({ chunkSize: 4 });
    fill(rec, time, 3);
    tracer.text(EventKind.GuestError, Source.Device, 0, 'in range');
    fill(rec, time, 3);
    tracer.text(EventKind.GuestError, Source.Device, 0, 'out of range');
    tracer.event64(EventKind.RegisterChange, Source.Device, 0x80, 8, 0, 0xfedcba98_76543210n);
    const s = rec.slice(2, 9);
    expect(s.fromSeq).toBe(2);
    expect(s.length).toBe(7);
    expect(s.buffer.byteLength).toBe(7 * BYTES_PER_EVENT);
    expect(Array.from(s.kind)).toEqual([4, 16, 4, 4, 4, 16, 5]);
    expect(Array.from(s.vns)).toEqual([20, 20, 40, 50, 60, 60, 60]);
    expect([...s.strings.values()]).toEqual(['in range', 'out of range']);
    expect(range(0, 7).map((i) => decodeSlice(s, i))).toEqual(rec.bySeq(2, 9));
    expect(decodeSlice(s, 6).value).toBe(0xfedcba98_76543210n);
    expect(rec.slice(2, 3).strings.size).toBe(0);
    expect(() => decodeSlice(s, 7)).toThrow(RangeError);
  });

  it('is a copy, not a view of the log', () => {
    const { time, rec } = setup({ chunkSize: 4 });
    fill(rec, time, 6);
    const s = rec.slice(0, 6);
    s.valueLo.fill(99);
    expect(rec.get(1)!.value).toBe(1n);
  });

  it('slices by time, and reports where it really starts after eviction', () => {
    const { time, rec } = setup({ chunkSize: 4, maxEvents: 8 });
    fill(rec, time, 14); // the 9th and 13th events each evicted a chunk: 8..13 are left
    expect(rec.evicted).toBe(8);
    const s = rec.slice(0, 14);
    expect(s.fromSeq).toBe(8);
    expect(s.length).toBe(6);
    const t = rec.sliceByTime(65, 105); // 7..10, of which 7 is gone
    expect(t.fromSeq).toBe(8);
    expect(Array.from(t.valueLo)).toEqual([8, 9, 10]);
    const empty = rec.sliceByTime(1_000, 2_000);
    expect(empty.length).toBe(0);
    expect(empty.fromSeq).toBe(14);
    expect(empty.vns.length).toBe(0);
  });

  it('lets a consumer poll for new events without a callback per event', () => {
    const { time, rec } = setup({ chunkSize: 4, maxEvents: 8 });
    let seen = rec.recorded;
    const pull = () => {
      const s = rec.slice(seen, rec.recorded);
      const missed = s.fromSeq - seen;
      seen = s.fromSeq + s.length;
      return { got: s.length, missed };
    };
    fill(rec, time, 3);
    expect(pull()).toEqual({ got: 3, missed: 0 });
    expect(pull()).toEqual({ got: 0, missed: 0 });
    fill(rec, time, 20); // the consumer falls behind past eviction
    expect(pull()).toEqual({ got: 7, missed: 13 });
    expect(seen).toBe(rec.recorded);
  });
});
