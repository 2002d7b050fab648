/**
 * Reading the log: binary searches over contiguous chunks, decoding to TraceEvent objects, and column
 * slices. Pure functions over chunk views so the same code serves the recorder's in-memory chunks and,
 * later, chunks read back from a session file.
 */
import { EventFlag, type EventKind, type Source, type TraceEvent } from '../../../common/trace/schema';
import { BYTES_PER_EVENT, COLUMN_NAMES, columnsOf, type ChunkColumns } from './chunk';

/** What the queries need of a chunk. Chunks are passed oldest first, with contiguous sequence numbers. */
export interface ChunkView {
  readonly firstSeq: number;
  readonly length: number;
  readonly columns: ChunkColumns;
  /** Ids of strings used by the chunk; an empty set lets slices skip looking for text events. */
  readonly stringIds?: ReadonlySet<number>;
}

export type TextLookup = (id: number) => string | undefined;

/**
 * Columns copied out of the log for a sequence range [fromSeq, fromSeq + length), plus the strings their
 * text events use. One buffer holds all columns (laid out like a chunk of `length` events), so a slice is
 * one transfer to a worker or window, and a renderer can draw it without an object per event.
 */
export interface ColumnSlice extends ChunkColumns {
  readonly fromSeq: number;
  readonly length: number;
  readonly buffer: ArrayBuffer;
  readonly strings: ReadonlyMap<number, string>;
}

/** Index of the chunk holding `seq`, or -1 if no chunk does. */
export function chunkIndexOfSeq(chunks: readonly ChunkView[], seq: number): number {
  let lo = 0;
  let hi = chunks.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (chunks[mid]!.firstSeq <= seq) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (found < 0) return -1;
  const c = chunks[found]!;
  return seq < c.firstSeq + c.length ? found : -1;
}

/**
 * The sequence number of the first event with vns >= `vns`, or `endSeq` if there is none. Virtual time
 * never decreases along the log, so this is a lower bound: first over the chunks' last times, then
 * within the chunk found. A time range [from, to) is then the sequence range [seqAtTime(from), seqAtTime(to)).
 */
export function seqAtTime(chunks: readonly ChunkView[], vns: number, endSeq: number): number {
  let n = chunks.length;
  // Only the head can be empty; leave it out so the predicate below is monotonic.
  if (n > 0 && chunks[n - 1]!.length === 0) n--;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = chunks[mid]!;
    if (c.columns.vns[c.length - 1]! >= vns) hi = mid;
    else lo = mid + 1;
  }
  if (lo === n) return endSeq;
  const c = chunks[lo]!;
  const times = c.columns.vns;
  let a = 0;
  let b = c.length - 1; // times[b] >= vns holds
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (times[mid]! >= vns) b = mid;
    else a = mid + 1;
  }
  return c.firstSeq + a;
}

/** The 64-bit value of an event from its two halves. */
export function value64(lo: number, hi: number): bigint {
  return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

/** Event `i` of a set of columns as a TraceEvent (`seq` is its sequence number). */
export function decodeAt(cols: ChunkColumns, i: number, seq: number, textOf: TextLookup): TraceEvent {
  const flags = cols.flags[i]!;
  const lo = cols.valueLo[i]!;
  const event = {
    seq,
    vns: cols.vns[i]!,
    hns: cols.hns[i]!,
    kind: cols.kind[i]! as EventKind,
    source: cols.source[i]! as Source,
    size: cols.size[i]!,
    flags,
    addr: cols.addr[i]!,
    value: value64(lo, cols.valueHi[i]!),
  };
  if ((flags & EventFlag.Text) === 0) return event;
  // A missing string means a damaged or partial import; show that rather than fail a whole view.
  return { ...event, text: textOf(lo) ?? `<missing string ${lo}>` };
}

/** Decode events [from, to) (sequence numbers, already within the chunks) into `out`. */
export function decodeRange(chunks: readonly ChunkView[], from: number, to: number, textOf: TextLookup, out: TraceEvent[] = []): TraceEvent[] {
  if (from >= to) return out;
  let ci = chunkIndexOfSeq(chunks, from);
  if (ci < 0) throw new RangeError(`event ${from} is not in memory`);
  let seq = from;
  while (seq < to) {
    const c = chunks[ci++]!;
    const end = Math.min(to, c.firstSeq + c.length);
    for (; seq < end; seq++) out.push(decodeAt(c.columns, seq - c.firstSeq, seq, textOf));
  }
  return out;
}

/** Copy the columns of events [from, to) (already within the chunks) into a slice. */
export function sliceRange(chunks: readonly ChunkView[], from: number, to: number, textOf: TextLookup): ColumnSlice {
  const length = Math.max(0, to - from);
  const buffer = new ArrayBuffer(length * BYTES_PER_EVENT);
  const cols = columnsOf(buffer, length);
  const strings = new Map<number, string>();
  if (length === 0) return { ...cols, fromSeq: from, length, buffer, strings };
  let ci = chunkIndexOfSeq(chunks, from);
  if (ci < 0) throw new RangeError(`event ${from} is not in memory`);
  let seq = from;
  while (seq < to) {
    const c = chunks[ci++]!;
    const start = seq - c.firstSeq;
    const end = Math.min(to, c.firstSeq + c.length) - c.firstSeq;
    const at = seq - from;
    for (const name of COLUMN_NAMES) cols[name].set(c.columns[name].subarray(start, end), at);
    if (c.stringIds === undefined || c.stringIds.size > 0) {
      const { flags, valueLo } = c.columns;
      for (let i = start; i < end; i++) {
        if ((flags[i]! & EventFlag.Text) !== 0 && !strings.has(valueLo[i]!)) {
          const text = textOf(valueLo[i]!);
          if (text !== undefined) strings.set(valueLo[i]!, text);
        }
      }
    }
    seq += end - start;
  }
  return { ...cols, fromSeq: from, length, buffer, strings };
}

/** Event `i` of a column slice as a TraceEvent. */
export function decodeSlice(slice: ColumnSlice, i: number): TraceEvent {
  if (!(i >= 0 && i < slice.length)) throw new RangeError(`index ${i} outside a slice of ${slice.length} events`);
  return decodeAt(slice, i, slice.fromSeq + i, (id) => slice.strings.get(id));
}
