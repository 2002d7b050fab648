/**
 * A finished session's events, held like the recorder holds a live one: chunks of columns (chunk.ts)
 * plus a string table, read through the same queries (query.ts). The importer and crash recovery fill
 * it one event (or one block of columns) at a time, so a session costs its 32 bytes per event and its
 * strings, never an object per event.
 *
 * Unlike the recorder it has no time source and no cap: it holds what it was given, with the sequence
 * numbers it was given (the first one is `firstSeq`, the rest follow without holes).
 */
import { EventFlag, type TraceEvent } from '../../../common/trace/schema';
import { BYTES_PER_EVENT, Chunk, COLUMN_NAMES, type ChunkColumns } from '../recorder/chunk';
import { ChunkedLog } from '../recorder/chunked-log';
import { chunkIndexOfSeq, decodeAt, type ColumnSlice } from '../recorder/query';

export const EVENT_LOG_CHUNK_SIZE = 65_536;

/** The read side shared by the recorder and an imported log: what exporters and views need. */
export interface EventStore {
  /** Sequence number of the first event held. */
  readonly firstSeq: number;
  /** One past the last sequence number held. */
  readonly recorded: number;
  get(seq: number): TraceEvent | undefined;
  bySeq(from: number, to: number): TraceEvent[];
  byTime(fromVns: number, toVns: number): TraceEvent[];
  seqAtTime(vns: number): number;
  timeRange(fromVns: number, toVns: number): { from: number; to: number };
  slice(from: number, to: number): ColumnSlice;
  sliceByTime(fromVns: number, toVns: number): ColumnSlice;
  latest(n: number): TraceEvent[];
  text(id: number): string | undefined;
}

export class EventLog extends ChunkedLog implements EventStore {
  readonly chunkSize: number;
  /** Capacity of the head chunk (0 before the first). */
  private capacity = 0;
  private total = 0;
  private lastVns = -Infinity;
  private finished = false;

  constructor(
    readonly firstSeq: number,
    options: { chunkSize?: number } = {},
  ) {
    super();
    if (!Number.isSafeInteger(firstSeq) || firstSeq < 0) throw new RangeError(`firstSeq must be a non-negative integer, got ${firstSeq}`);
    this.chunkSize = options.chunkSize ?? EVENT_LOG_CHUNK_SIZE;
    if (!Number.isInteger(this.chunkSize) || this.chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer, got ${this.chunkSize}`);
  }

  // ---- filling ---------------------------------------------------------------------------------------

  /**
   * Append one event (already validated: kind, source, size and flags fit a byte, addr/lo/hi 32 bits,
   * vns not below the previous event's). A text event (flags & Text) goes through appendText instead.
   */
  append(vns: number, hns: number, kind: number, source: number, size: number, flags: number, addr: number, lo: number, hi: number): void {
    if (this.cursor === this.capacity) this.startChunk();
    this.writeRow(vns, hns, kind, source, size, flags, addr, lo, hi);
    this.total++;
    this.lastVns = vns;
  }

  /** Append a text event: the text goes to the string table, its id to the value. */
  appendText(vns: number, hns: number, kind: number, source: number, size: number, flags: number, addr: number, text: string): void {
    if (this.cursor === this.capacity) this.startChunk();
    const id = this.strings.intern(text);
    this.head!.stringIds.add(id);
    this.append(vns, hns, kind, source, size, flags | EventFlag.Text, addr, id, 0);
  }

  /**
   * Append `count` events laid out as columns (a journal record, a transferred chunk). Their text events
   * refer to `strings` by id; they get this log's own ids. The caller has validated the columns.
   */
  appendColumns(columns: ChunkColumns, count: number, strings: ReadonlyMap<number, string>): void {
    let done = 0;
    while (done < count) {
      if (this.cursor === this.capacity) this.startChunk();
      const n = Math.min(count - done, this.capacity - this.cursor);
      const at = this.cursor;
      const head = this.head!;
      for (const name of COLUMN_NAMES) head.columns[name].set(columns[name].subarray(done, done + n), at);
      const flags = head.columns.flags;
      const lo = head.columns.valueLo;
      for (let i = at; i < at + n; i++) {
        if ((flags[i]! & EventFlag.Text) === 0) continue;
        const id = this.strings.intern(strings.get(lo[i]!) ?? `<missing string ${lo[i]!}>`);
        lo[i] = id;
        head.columns.valueHi[i] = 0;
        head.stringIds.add(id);
      }
      this.cursor = at + n;
      head.length = at + n;
      this.total += n;
      done += n;
    }
    if (count > 0) this.lastVns = columns.vns[count - 1]!;
  }

  /** Virtual time of the last event appended (-Infinity while empty): appends must not go below it. */
  get lastAppendedVns(): number {
    return this.lastVns;
  }

  /** Done filling: the last chunk is sealed (compacted to its length). Appending afterwards throws. */
  finish(): this {
    if (!this.finished) {
      this.finished = true;
      if (this.head && this.head.length > 0) this.head.seal(this.textOf as (id: number) => string);
      else if (this.head) this.chunks.pop();
      this.head = undefined;
      this.cursor = this.capacity = 0;
    }
    return this;
  }

  private startChunk(): void {
    if (this.finished) throw new Error('the event log is finished');
    if (this.head) this.head.seal(this.textOf as (id: number) => string);
    // Chunks grow from 1,024 events to chunkSize, so a small session does not cost a whole chunk.
    const capacity = Math.min(this.chunkSize, Math.max(1024, 2 * (this.head?.capacity ?? 0)));
    this.useHead(new Chunk(this.firstSeq + this.total, capacity));
    this.capacity = capacity;
  }

  // ---- counters --------------------------------------------------------------------------------------

  /** Events held. */
  get count(): number {
    return this.total;
  }

  /** One past the last sequence number (like Recorder.recorded). */
  get recorded(): number {
    return this.firstSeq + this.total;
  }

  /** Virtual time of the first event, undefined while empty. */
  get startVns(): number | undefined {
    return this.total > 0 ? this.chunks[0]!.columns.vns[0] : undefined;
  }

  /** Virtual time of the last event, undefined while empty. */
  get endVns(): number | undefined {
    return this.total > 0 ? this.lastVns : undefined;
  }

  memory(): { events: number; chunks: number; columnBytes: number; allocatedBytes: number; strings: number; stringBytes: number } {
    let allocatedBytes = 0;
    for (const c of this.chunks) allocatedBytes += c.buffer.byteLength;
    return {
      events: this.total,
      chunks: this.chunks.length,
      columnBytes: this.total * BYTES_PER_EVENT,
      allocatedBytes,
      strings: this.strings.size,
      stringBytes: this.strings.bytes,
    };
  }

  // ---- queries (the recorder's, over all chunks) -----------------------------------------------------

  /** Events with sequence numbers in [fromSeq, toSeq), oldest first (all of them by default). */
  *events(fromSeq = this.firstSeq, toSeq = this.recorded): IterableIterator<TraceEvent> {
    const r = this.seqRange(fromSeq, toSeq);
    let seq = r.from;
    let ci = chunkIndexOfSeq(this.chunks, seq);
    if (ci < 0) return;
    for (; ci < this.chunks.length && seq < r.to; ci++) {
      const c = this.chunks[ci]!;
      const last = Math.min(r.to, c.firstSeq + c.length);
      for (; seq < last; seq++) yield decodeAt(c.columns, seq - c.firstSeq, seq, this.textOf);
    }
  }

  [Symbol.iterator](): IterableIterator<TraceEvent> {
    return this.events();
  }
}
