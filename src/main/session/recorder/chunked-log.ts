import type { TraceEvent } from '../../../common/trace/schema';
import type { Chunk } from './chunk';
import { chunkIndexOfSeq, decodeAt, decodeRange, seqAtTime, sliceRange, type ColumnSlice } from './query';
import { StringTable } from './string-table';

/**
 * A columnar event log, shared by the live Recorder and an imported EventLog: the chunk events are
 * appended to (its columns kept in fields, so appending one event costs one load per column), and the
 * read side: events by sequence number or virtual time over the chunks held, decoded or as column slices.
 */
export abstract class ChunkedLog {
  /** Chunks held, oldest first; the head (if any) is last. */
  protected readonly chunks: Chunk[] = [];
  protected readonly strings = new StringTable();
  protected readonly textOf = (id: number): string | undefined => this.strings.text(id);
  /** The chunk appended to, if any. */
  protected head: Chunk | undefined;
  /** Next index in the head. */
  protected cursor = 0;
  protected vnsCol: Float64Array = new Float64Array(0);
  protected hnsCol: Float64Array = new Float64Array(0);
  protected addrCol: Uint32Array = new Uint32Array(0);
  protected loCol: Uint32Array = new Uint32Array(0);
  protected hiCol: Uint32Array = new Uint32Array(0);
  protected kindCol: Uint8Array = new Uint8Array(0);
  protected sourceCol: Uint8Array = new Uint8Array(0);
  protected sizeCol: Uint8Array = new Uint8Array(0);
  protected flagsCol: Uint8Array = new Uint8Array(0);

  /** Start appending to `c` (pushed as the newest chunk). */
  protected useHead(c: Chunk): void {
    this.chunks.push(c);
    this.head = c;
    this.cursor = 0;
    const cols = c.columns;
    this.vnsCol = cols.vns;
    this.hnsCol = cols.hns;
    this.addrCol = cols.addr;
    this.loCol = cols.valueLo;
    this.hiCol = cols.valueHi;
    this.kindCol = cols.kind;
    this.sourceCol = cols.source;
    this.sizeCol = cols.size;
    this.flagsCol = cols.flags;
  }

  /** Write one event at the head's cursor and advance (the caller made room). */
  protected writeRow(vns: number, hns: number, kind: number, source: number, size: number, flags: number, addr: number, lo: number, hi: number): void {
    const i = this.cursor;
    this.vnsCol[i] = vns;
    this.hnsCol[i] = hns;
    this.addrCol[i] = addr;
    this.loCol[i] = lo;
    this.hiCol[i] = hi;
    this.kindCol[i] = kind;
    this.sourceCol[i] = source;
    this.sizeCol[i] = size;
    this.flagsCol[i] = flags;
    this.cursor = i + 1;
    this.head!.length = i + 1;
  }

  /** Sequence number of the oldest event held. */
  abstract readonly firstSeq: number;
  /** One past the newest sequence number. */
  abstract readonly recorded: number;

  /** The text of a string id used by an event held. */
  text(id: number): string | undefined {
    return this.strings.text(id);
  }

  /** The event with sequence number `seq`, if it is held. */
  get(seq: number): TraceEvent | undefined {
    const ci = chunkIndexOfSeq(this.chunks, seq);
    if (ci < 0) return undefined;
    const c = this.chunks[ci]!;
    return decodeAt(c.columns, seq - c.firstSeq, seq, this.textOf);
  }

  /** Sequence number of the first event held with vns >= `vns` (`recorded` if none). */
  seqAtTime(vns: number): number {
    return seqAtTime(this.chunks, vns, this.recorded);
  }

  /** The part of sequence range [from, to) that is held. */
  seqRange(from: number, to: number): { from: number; to: number } {
    if (Number.isNaN(from) || Number.isNaN(to)) throw new RangeError(`bad sequence range [${from}, ${to})`);
    const a = Math.max(this.firstSeq, Math.ceil(from));
    const b = Math.min(this.recorded, Math.ceil(to));
    return a < b ? { from: a, to: b } : { from: a, to: a };
  }

  /** Sequence range of the events held with virtual time in [fromVns, toVns). */
  timeRange(fromVns: number, toVns: number): { from: number; to: number } {
    if (!(fromVns < toVns)) {
      const at = this.seqAtTime(fromVns);
      return { from: at, to: at };
    }
    return { from: this.seqAtTime(fromVns), to: this.seqAtTime(toVns) };
  }

  /** Events held with sequence numbers in [from, to). */
  bySeq(from: number, to: number): TraceEvent[] {
    const r = this.seqRange(from, to);
    return decodeRange(this.chunks, r.from, r.to, this.textOf);
  }

  /** Events held with virtual time in [fromVns, toVns). */
  byTime(fromVns: number, toVns: number): TraceEvent[] {
    const r = this.timeRange(fromVns, toVns);
    return decodeRange(this.chunks, r.from, r.to, this.textOf);
  }

  /** The newest `n` events, oldest first. */
  latest(n: number): TraceEvent[] {
    return this.bySeq(this.recorded - Math.max(0, n), this.recorded);
  }

  /** Columns of events [from, to) held; `fromSeq` says where the slice really starts. */
  slice(from: number, to: number): ColumnSlice {
    const r = this.seqRange(from, to);
    return sliceRange(this.chunks, r.from, r.to, this.textOf);
  }

  /** Columns of the events held with virtual time in [fromVns, toVns). */
  sliceByTime(fromVns: number, toVns: number): ColumnSlice {
    const r = this.timeRange(fromVns, toVns);
    return sliceRange(this.chunks, r.from, r.to, this.textOf);
  }
}
