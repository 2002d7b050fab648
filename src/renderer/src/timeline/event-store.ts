/**
 * The renderer's copy of the recorded events: an append-only, bounded, columnar log.
 *
 * Events live in chunks of `chunkSize` (a power of two) laid out like the recorder's (common/trace/
 * columns.ts), allocated one at a time as the log grows. Every event gets a store index: 0, 1, 2, ...
 * in arrival order, never reused, so index i is in chunk i >> log2(chunkSize). When the log would hold
 * more than `maxEvents` the oldest chunk goes (its buffer is reused for the new one) and `firstIndex`
 * moves on; lanes and measurements trim themselves to it.
 *
 * Sequence numbers come from the recorder. They are contiguous within a batch and across batches;
 * when some are missing (the recorder dropped them before this window got them) the store records a
 * gap and carries on. Batches that repeat sequence numbers already held are trimmed to what is new.
 *
 * Virtual times are non-decreasing (the recorder guarantees it), which is what the time searches use.
 */
import type { DecodedBatch } from '../../../common/api/event-batch';
import { BYTES_PER_EVENT, columnsOf, type ChunkColumns } from '../../../common/trace/columns';
import { EventFlag, type EventKind, type Source, type TraceEvent } from '../../../common/trace/schema';
import { lowerBound, upperBound } from './search';

export const DEFAULT_CHUNK_SIZE = 1 << 16;
export const DEFAULT_MAX_EVENTS = 1 << 22;

export interface EventStoreOptions {
  /** Events per chunk, a power of two (default 65,536). */
  readonly chunkSize?: number;
  /** Most events kept (rounded up to whole chunks; default 4,194,304). */
  readonly maxEvents?: number;
}

/** Sequence numbers that never arrived. */
export interface StoreGap {
  /** First missing sequence number. */
  readonly fromSeq: number;
  /** First sequence number after the gap (exclusive end). */
  readonly toSeq: number;
  /** Store index of the first event after the gap. */
  readonly index: number;
  /** Virtual time of the last event before the gap (NaN if none). */
  readonly timeBefore: number;
  /** Virtual time of the first event after the gap (NaN until it arrives). */
  timeAfter: number;
}

/**
 * One event, undecoded, as processors see it while a batch is appended. The same object is reused for
 * every event: read it, do not keep it.
 */
export interface RawEvent {
  ix: number;
  seq: number;
  vns: number;
  hns: number;
  kind: EventKind;
  source: Source;
  size: number;
  flags: number;
  addr: number;
  /** Low and high 32 bits of the value (for text events, lo is the string id). */
  lo: number;
  hi: number;
  /** The text of a text event. */
  text: string | undefined;
}

export interface AppendResult {
  /** Store indices of the events appended: [from, to). */
  readonly from: number;
  readonly to: number;
  /** Set when the batch began after a gap in sequence numbers. */
  readonly gap?: StoreGap;
  /** How many events were dropped from the front to make room. */
  readonly dropped: number;
}

interface Run {
  /** Store index where contiguous sequence numbers begin. */
  readonly index: number;
  readonly seq: number;
}

interface StringRef {
  text: string;
  refs: number;
}

export class EventStore {
  readonly chunkSize: number;
  readonly maxChunks: number;
  private readonly shift: number;
  private readonly mask: number;
  private chunks: ChunkColumns[] = [];
  private buffers: ArrayBuffer[] = [];
  /** Chunk number of chunks[0]. */
  private baseChunk = 0;
  private first = 0;
  private end = 0;
  private runs: Run[] = [];
  private expectedSeq: number | null = null;
  private pendingGap: { fromSeq: number; toSeq: number } | null = null;
  private readonly gapList: StoreGap[] = [];
  private readonly strings = new Map<number, StringRef>();
  private droppedTotal = 0;
  /** Bumped whenever events are appended, dropped or cleared. */
  version = 0;

  constructor(options: EventStoreOptions = {}) {
    const size = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isInteger(size) || size < 1 || (size & (size - 1)) !== 0) throw new RangeError(`chunk size ${size} is not a power of two`);
    this.chunkSize = size;
    this.shift = Math.log2(size);
    this.mask = size - 1;
    const max = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    this.maxChunks = Math.max(1, Math.ceil(max / size));
  }

  /** Store index of the oldest event held. */
  get firstIndex(): number {
    return this.first;
  }

  /** One past the newest event's store index. */
  get endIndex(): number {
    return this.end;
  }

  get size(): number {
    return this.end - this.first;
  }

  /** Events dropped from the front since the store was created or cleared. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** The sequence number the next batch should start with (null before the first). */
  get nextSeq(): number | null {
    return this.expectedSeq;
  }

  get firstTime(): number {
    return this.size > 0 ? this.vnsAt(this.first) : NaN;
  }

  get lastTime(): number {
    return this.size > 0 ? this.vnsAt(this.end - 1) : NaN;
  }

  get gaps(): readonly StoreGap[] {
    return this.gapList;
  }

  /** Bytes held by event columns (strings not counted). */
  get bytes(): number {
    return this.buffers.length * this.chunkSize * BYTES_PER_EVENT;
  }

  clear(): void {
    this.chunks = [];
    this.buffers = [];
    this.baseChunk = 0;
    this.first = this.end = 0;
    this.runs = [];
    this.expectedSeq = null;
    this.pendingGap = null;
    this.gapList.length = 0;
    this.strings.clear();
    this.droppedTotal = 0;
    this.version++;
  }

  /**
   * Sequence numbers [fromSeq, toSeq) will never arrive (a stream `gap` message). The next batch is
   * expected at toSeq.
   */
  noteGap(fromSeq: number, toSeq: number): void {
    if (toSeq <= fromSeq) return;
    if (this.expectedSeq !== null && toSeq <= this.expectedSeq) return;
    const from = this.expectedSeq === null ? fromSeq : Math.max(fromSeq, this.expectedSeq);
    this.pendingGap = { fromSeq: this.pendingGap?.fromSeq ?? from, toSeq };
    this.expectedSeq = toSeq;
  }

  /**
   * Appends a batch; `visit`, when given, sees every appended event (after it is stored, before the
   * front is trimmed, so processors can derive lanes in the same pass).
   */
  append(batch: DecodedBatch, visit?: (e: RawEvent) => void): AppendResult {
    let skip = 0;
    if (this.expectedSeq !== null && batch.fromSeq < this.expectedSeq) skip = Math.min(batch.count, this.expectedSeq - batch.fromSeq);
    const from = this.end;
    if (skip >= batch.count) return { from, to: from, dropped: 0 };
    const seq0 = batch.fromSeq + skip;
    let gap: StoreGap | undefined;
    if (this.expectedSeq !== null && seq0 > this.expectedSeq) this.noteGap(this.expectedSeq, seq0);
    if (this.pendingGap) {
      gap = { ...this.pendingGap, toSeq: seq0, index: from, timeBefore: this.size > 0 ? this.lastTime : NaN, timeAfter: batch.vns[skip]! };
      this.gapList.push(gap);
      this.pendingGap = null;
    }
    const last = this.runs[this.runs.length - 1];
    if (!last || gap || this.expectedSeq === null || last.seq + (from - last.index) !== seq0) this.runs.push({ index: from, seq: seq0 });

    const droppedBefore = this.droppedTotal;
    const n = batch.count - skip;
    let done = 0;
    while (done < n) {
      const at = this.end;
      const offset = at & this.mask;
      if (offset === 0) this.addChunk();
      const chunk = this.chunks[(at >> this.shift) - this.baseChunk]!;
      const take = Math.min(n - done, this.chunkSize - offset);
      const a = skip + done;
      chunk.vns.set(batch.vns.subarray(a, a + take), offset);
      chunk.hns.set(batch.hns.subarray(a, a + take), offset);
      chunk.addr.set(batch.addr.subarray(a, a + take), offset);
      chunk.valueLo.set(batch.valueLo.subarray(a, a + take), offset);
      chunk.valueHi.set(batch.valueHi.subarray(a, a + take), offset);
      chunk.kind.set(batch.kind.subarray(a, a + take), offset);
      chunk.source.set(batch.source.subarray(a, a + take), offset);
      chunk.size.set(batch.size.subarray(a, a + take), offset);
      chunk.flags.set(batch.flags.subarray(a, a + take), offset);
      for (let i = 0; i < take; i++) {
        if (chunk.flags[offset + i]! & EventFlag.Text) this.retain(chunk.valueLo[offset + i]!, batch.strings);
      }
      this.end += take;
      done += take;
    }
    this.expectedSeq = seq0 + n;
    this.version++;
    if (visit) this.forEachRaw(Math.max(from, this.first), this.end, visit);
    return { from, to: this.end, ...(gap ? { gap } : {}), dropped: this.droppedTotal - droppedBefore };
  }

  private addChunk(): void {
    let buffer: ArrayBuffer;
    if (this.chunks.length >= this.maxChunks) {
      buffer = this.dropOldest();
    } else {
      buffer = new ArrayBuffer(this.chunkSize * BYTES_PER_EVENT);
    }
    this.buffers.push(buffer);
    this.chunks.push(columnsOf(buffer, this.chunkSize));
    if (this.chunks.length === 1) this.baseChunk = this.end >> this.shift;
  }

  private dropOldest(): ArrayBuffer {
    const chunk = this.chunks.shift()!;
    const buffer = this.buffers.shift()!;
    const from = this.baseChunk << this.shift;
    const to = from + this.chunkSize;
    for (let i = this.first - from; i < this.chunkSize; i++) {
      if (chunk.flags[i]! & EventFlag.Text) this.release(chunk.valueLo[i]!);
    }
    this.droppedTotal += to - this.first;
    this.first = to;
    this.baseChunk++;
    while (this.runs.length > 1 && this.runs[1]!.index <= this.first) this.runs.shift();
    while (this.gapList.length > 0 && this.gapList[0]!.index <= this.first) this.gapList.shift();
    return buffer;
  }

  private retain(id: number, strings: ReadonlyMap<number, string>): void {
    const ref = this.strings.get(id);
    if (ref) ref.refs++;
    else this.strings.set(id, { text: strings.get(id) ?? '', refs: 1 });
  }

  private release(id: number): void {
    const ref = this.strings.get(id);
    if (ref && --ref.refs <= 0) this.strings.delete(id);
  }

  private column<K extends keyof ChunkColumns>(key: K, ix: number): ChunkColumns[K] {
    if (ix < this.first || ix >= this.end) throw new RangeError(`event ${ix} is not held (${this.first}..${this.end})`);
    return this.chunks[(ix >> this.shift) - this.baseChunk]![key];
  }

  has(ix: number): boolean {
    return Number.isInteger(ix) && ix >= this.first && ix < this.end;
  }

  vnsAt(ix: number): number {
    return this.column('vns', ix)[ix & this.mask]!;
  }

  kindAt(ix: number): EventKind {
    return this.column('kind', ix)[ix & this.mask]! as EventKind;
  }

  seqAt(ix: number): number {
    if (!this.has(ix)) throw new RangeError(`event ${ix} is not held`);
    let lo = 0;
    let hi = this.runs.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (this.runs[mid]!.index <= ix) lo = mid;
      else hi = mid;
    }
    const run = this.runs[lo]!;
    return run.seq + (ix - run.index);
  }

  /** Store index of the event with sequence number `seq`, or -1 when it is not held. */
  indexOfSeq(seq: number): number {
    for (let r = this.runs.length - 1; r >= 0; r--) {
      const run = this.runs[r]!;
      if (seq < run.seq) continue;
      const ix = run.index + (seq - run.seq);
      const next = this.runs[r + 1];
      if ((next ? ix < next.index : ix < this.end) && ix >= this.first) return ix;
      return -1;
    }
    return -1;
  }

  textOf(id: number): string | undefined {
    return this.strings.get(id)?.text;
  }

  /** The decoded event at store index ix (for details: allocates). */
  event(ix: number): TraceEvent {
    if (!this.has(ix)) throw new RangeError(`event ${ix} is not held (${this.first}..${this.end})`);
    const c = this.chunks[(ix >> this.shift) - this.baseChunk]!;
    const i = ix & this.mask;
    const flags = c.flags[i]!;
    const lo = c.valueLo[i]!;
    const hi = c.valueHi[i]!;
    const e: TraceEvent = {
      seq: this.seqAt(ix),
      vns: c.vns[i]!,
      hns: c.hns[i]!,
      kind: c.kind[i]! as EventKind,
      source: c.source[i]! as Source,
      size: c.size[i]!,
      flags,
      addr: c.addr[i]!,
      value: (BigInt(hi) << 32n) | BigInt(lo),
    };
    if (flags & EventFlag.Text) return { ...e, text: this.textOf(lo) ?? '' };
    return e;
  }

  /** Calls fn for each event in [from, to), reading the columns chunk by chunk. */
  forEachRaw(from: number, to: number, fn: (e: RawEvent) => void): void {
    from = Math.max(from, this.first);
    to = Math.min(to, this.end);
    const e: RawEvent = { ix: 0, seq: 0, vns: 0, hns: 0, kind: 0 as EventKind, source: 0 as Source, size: 0, flags: 0, addr: 0, lo: 0, hi: 0, text: undefined };
    let ix = from;
    while (ix < to) {
      const c = this.chunks[(ix >> this.shift) - this.baseChunk]!;
      const chunkEnd = Math.min(to, ((ix >> this.shift) + 1) << this.shift);
      let seq = this.seqAt(ix);
      let nextRun = this.runs.find((r) => r.index > ix)?.index ?? Infinity;
      for (; ix < chunkEnd; ix++) {
        if (ix === nextRun) {
          seq = this.seqAt(ix);
          nextRun = this.runs.find((r) => r.index > ix)?.index ?? Infinity;
        }
        const i = ix & this.mask;
        e.ix = ix;
        e.seq = seq++;
        e.vns = c.vns[i]!;
        e.hns = c.hns[i]!;
        e.kind = c.kind[i]! as EventKind;
        e.source = c.source[i]! as Source;
        e.size = c.size[i]!;
        e.flags = c.flags[i]!;
        e.addr = c.addr[i]!;
        e.lo = c.valueLo[i]!;
        e.hi = c.valueHi[i]!;
        e.text = e.flags & EventFlag.Text ? this.textOf(e.lo) : undefined;
        fn(e);
      }
    }
  }

  /** First store index whose virtual time is >= t (endIndex when none). */
  lowerBound(t: number): number {
    return this.search(t, false);
  }

  /** First store index whose virtual time is > t (endIndex when none). */
  upperBound(t: number): number {
    return this.search(t, true);
  }

  /** Store indices of the events with from <= vns < to: [lo, hi). */
  range(from: number, to: number): [number, number] {
    return [this.lowerBound(from), this.lowerBound(to)];
  }

  private search(t: number, strict: boolean): number {
    if (this.size === 0) return this.end;
    // The chunk: the last one whose first retained time is before (or at) t.
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const firstIx = Math.max(this.first, (this.baseChunk + mid) << this.shift);
      const v = this.chunks[mid]!.vns[firstIx & this.mask]!;
      if (strict ? v <= t : v < t) lo = mid + 1;
      else hi = mid;
    }
    // Chunk lo starts at or after t: the answer is in chunk lo - 1 (or is chunk lo's first event).
    const c = Math.max(0, lo - 1);
    const chunkStart = (this.baseChunk + c) << this.shift;
    const a = Math.max(this.first, chunkStart) - chunkStart;
    const b = Math.min(this.end, chunkStart + this.chunkSize) - chunkStart;
    const vns = this.chunks[c]!.vns;
    const within = strict ? upperBound(vns, t, a, b) : lowerBound(vns, t, a, b);
    return chunkStart + within;
  }
}
