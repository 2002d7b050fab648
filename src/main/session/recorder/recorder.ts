/**
 * The session recorder: the machine's TraceSink. It stamps every event with virtual and host time and
 * appends it to a bounded columnar log (see chunk.ts), which every view and exporter reads.
 *
 * Hot path: record() writes nine typed-array slots of the head chunk and bumps two counters. It
 * allocates nothing and calls no closure; the only branch that does work (seal a full chunk, evict the
 * oldest, start a new one) runs once per chunk.
 *
 * Consumers that follow the log live (the UI stream) poll `recorded` (one past the newest sequence
 * number) at their own rate and fetch `slice(lastSeen, recorded)`: no callback per event, and a consumer
 * that fell behind sees it at once (`slice.fromSeq > lastSeen`: the events in between were evicted).
 */
import { EventFlag, type EventKind, type Source, type TraceEvent } from '../../../common/trace/schema';
import type { TraceSink } from '../../machine/trace';
import { BYTES_PER_EVENT, Chunk, type SealedChunk } from './chunk';
import { ChunkedLog } from './chunked-log';
import { chunkIndexOfSeq, decodeAt } from './query';

/** Where the recorder reads time. The VirtualClock has this shape through `clockTimeSource()`. */
export interface RecorderTimeSource {
  /** Host monotonic time in ns. */
  hostNs(): number;
  /** Virtual ns at a host instant already read (so one event costs one host clock read). */
  virtualAt(hostNs: number): number;
}

/** The parts of a VirtualClock the recorder uses (structural, so the session does not depend on the class). */
export interface ClockLike {
  readonly host: { nowNs(): number };
  virtualAt(hostNs: number): number;
}

export function clockTimeSource(clock: ClockLike): RecorderTimeSource {
  return { hostNs: () => clock.host.nowNs(), virtualAt: (h) => clock.virtualAt(h) };
}

export interface RecorderOptions {
  /** Events per chunk (default 65,536: 2 MiB of columns). */
  readonly chunkSize?: number;
  /**
   * Most events kept in memory (default 2,097,152: 64 MiB of columns). A hard cap: the oldest sealed
   * chunk is evicted to make room. Must be at least chunkSize.
   */
  readonly maxEvents?: number;
  /**
   * A chunk was sealed (full, or by seal()). It stays in memory and is read by queries: the hook may read
   * it, copy it, write it out synchronously, but must not transfer (detach) its buffer.
   */
  readonly onSeal?: (chunk: SealedChunk) => void;
  /**
   * A sealed chunk left memory, oldest first. The recorder keeps no reference: the hook owns it and
   * may transfer its buffer. Hooks run after the recorder's state is updated; an exception propagates
   * to whoever recorded the event (that event is then lost, the log stays consistent).
   */
  readonly onEvict?: (chunk: SealedChunk) => void;
}

export interface RecorderMemory {
  readonly events: number;
  readonly chunks: number;
  /** Column bytes of the events in memory (BYTES_PER_EVENT each). */
  readonly columnBytes: number;
  /** Column bytes allocated, including the unused part of the head chunk. */
  readonly allocatedBytes: number;
  readonly strings: number;
  /** Estimated bytes of the string table. */
  readonly stringBytes: number;
  /** (columnBytes + stringBytes) / events; 0 while empty. */
  readonly bytesPerEvent: number;
}

export const DEFAULT_CHUNK_SIZE = 65_536;
export const DEFAULT_MAX_EVENTS = 32 * DEFAULT_CHUNK_SIZE;

const FLAGS_WITHOUT_TEXT = 0xff & ~EventFlag.Text;

export class Recorder extends ChunkedLog implements TraceSink {
  readonly chunkSize: number;
  readonly maxEvents: number;
  /** Host ns at which the recorder started: the origin of every event's `hns`. */
  readonly hostStartNs: number;

  // this.chunks: in memory, oldest first; the head (if any) is last and is the only unsealed one.
  // this.cursor is chunkSize when there is no head, so the next record makes room first.
  private total = 0;
  private evictedCount = 0;
  private lastVns = -Infinity;
  private clampedCount = 0;
  /** Nesting depth of beginInstant(); while above 0, events reuse instantH/instantV. */
  private instantDepth = 0;
  private instantH = 0;
  private instantV = 0;
  private readonly onSeal: ((chunk: SealedChunk) => void) | undefined;
  private readonly onEvict: ((chunk: SealedChunk) => void) | undefined;
  /** Seal listeners added after construction (the session journal); called after onSeal. */
  private sealListeners: readonly ((chunk: SealedChunk) => void)[] = [];

  constructor(
    private readonly time: RecorderTimeSource,
    options: RecorderOptions = {},
  ) {
    super();
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.maxEvents = options.maxEvents ?? Math.max(DEFAULT_MAX_EVENTS, this.chunkSize);
    if (!Number.isInteger(this.chunkSize) || this.chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer, got ${this.chunkSize}`);
    if (!Number.isInteger(this.maxEvents) || this.maxEvents < this.chunkSize) {
      throw new RangeError(`maxEvents must be an integer of at least chunkSize (${this.chunkSize}), got ${this.maxEvents}`);
    }
    this.onSeal = options.onSeal;
    this.onEvict = options.onEvict;
    this.cursor = this.chunkSize; // no chunk is allocated until the first event
    this.hostStartNs = time.hostNs();
  }

  // ---- TraceSink ------------------------------------------------------------------------------------

  record(kind: EventKind, source: Source, addr: number, size: number, flags: number, lo: number, hi: number): void {
    // Text is only set by recordText: a stray Text flag would make the value read as a string id.
    this.append(kind, source, addr, size, flags & FLAGS_WITHOUT_TEXT, lo, hi);
  }

  recordText(kind: EventKind, source: Source, addr: number, flags: number, text: string): void {
    if (this.cursor === this.chunkSize || this.total - this.evictedCount === this.maxEvents) this.makeRoom();
    const id = this.strings.intern(text);
    const ids = this.head!.stringIds;
    if (!ids.has(id)) {
      ids.add(id);
      this.strings.retain(id);
    }
    this.append(kind, source, addr, 0, flags | EventFlag.Text, id, 0);
  }

  beginInstant(): void {
    if (this.instantDepth++ === 0) {
      this.instantH = this.time.hostNs();
      this.instantV = this.time.virtualAt(this.instantH);
    }
  }

  endInstant(): void {
    if (this.instantDepth > 0) this.instantDepth--;
  }

  flagLast(flags: number): void {
    if (this.head && this.cursor > 0) this.flagsCol[this.cursor - 1]! |= flags & FLAGS_WITHOUT_TEXT;
  }

  private append(kind: number, source: number, addr: number, size: number, flags: number, lo: number, hi: number): void {
    if (this.cursor === this.chunkSize || this.total - this.evictedCount === this.maxEvents) this.makeRoom();
    let h: number;
    let v: number;
    if (this.instantDepth > 0) {
      h = this.instantH;
      v = this.instantV;
    } else {
      h = this.time.hostNs();
      v = this.time.virtualAt(h);
    }
    // Queries binary-search on virtual time, so it must never decrease; the VirtualClock guarantees
    // that, a replayed or faked source might not.
    if (v < this.lastVns) {
      v = this.lastVns;
      this.clampedCount++;
    } else {
      this.lastVns = v;
    }
    this.writeRow(v, h - this.hostStartNs, kind, source, size, flags, addr, lo, hi);
    this.total++;
  }

  // ---- chunk lifecycle (once per chunk) --------------------------------------------------------------

  private makeRoom(): void {
    if (this.head && this.cursor === this.chunkSize) this.sealHead();
    while (this.total - this.evictedCount >= this.maxEvents) this.evictOldest();
    if (!this.head) this.startChunk();
  }

  private startChunk(): void {
    this.useHead(new Chunk(this.total, this.chunkSize));
  }

  private sealHead(): Chunk {
    const c = this.head!;
    c.seal(this.textOf as (id: number) => string);
    this.head = undefined;
    this.cursor = this.chunkSize;
    this.onSeal?.(c);
    for (const listener of this.sealListeners) listener(c);
    return c;
  }

  private evictOldest(): void {
    const c = this.chunks[0];
    // maxEvents >= chunkSize guarantees a full log has a sealed chunk in front of the head.
    if (!c || !c.sealed) throw new Error('recorder invariant broken: nothing sealed to evict');
    this.chunks.shift();
    this.evictedCount += c.length;
    for (const id of c.stringIds) this.strings.release(id);
    this.onEvict?.(c);
  }

  /**
   * Seal the head now, even if it is not full (end of session, or before writing the log out), and
   * return it; undefined if there was nothing unsealed. The next event starts a new chunk.
   */
  seal(): SealedChunk | undefined {
    return this.head && this.head.length > 0 ? this.sealHead() : undefined;
  }

  /**
   * Also call `listener` on every seal, after the constructor's onSeal, with the same rules (it may read
   * or write out the chunk synchronously, keep a reference, but never transfer its buffer). For
   * consumers that attach to a recorder someone else created (the session journal). Returns a function
   * that removes the listener.
   */
  addSealListener(listener: (chunk: SealedChunk) => void): () => void {
    this.sealListeners = [...this.sealListeners, listener];
    return () => {
      this.sealListeners = this.sealListeners.filter((l) => l !== listener);
    };
  }

  /** The sealed chunks still in memory, oldest first (for writing the whole log out after seal()). */
  sealedChunks(): readonly SealedChunk[] {
    return this.chunks.filter((c) => c.sealed);
  }

  // ---- counters ------------------------------------------------------------------------------------

  /** Events recorded since the start; also the sequence number the next event will get. */
  get recorded(): number {
    return this.total;
  }

  /** Events evicted from memory; also the sequence number of the oldest event in memory. */
  get evicted(): number {
    return this.evictedCount;
  }

  get inMemory(): number {
    return this.total - this.evictedCount;
  }

  /** Sequence number of the oldest event in memory (= evicted). */
  get firstSeq(): number {
    return this.evictedCount;
  }

  /** Events whose virtual time was raised to the previous event's because the source went backwards. */
  get clamped(): number {
    return this.clampedCount;
  }

  memory(): RecorderMemory {
    const events = this.inMemory;
    const columnBytes = events * BYTES_PER_EVENT;
    let allocatedBytes = 0;
    for (const c of this.chunks) allocatedBytes += c.buffer.byteLength;
    const stringBytes = this.strings.bytes;
    return {
      events,
      chunks: this.chunks.length,
      columnBytes,
      allocatedBytes,
      strings: this.strings.size,
      stringBytes,
      bytesPerEvent: events === 0 ? 0 : (columnBytes + stringBytes) / events,
    };
  }

  /** Column and string bytes per event in memory. */
  get bytesPerEvent(): number {
    return this.memory().bytesPerEvent;
  }

  // ---- queries -------------------------------------------------------------------------------------

  /**
   * Every event in memory from `fromSeq`, oldest first, up to the newest at the time of the call. Safe
   * while recording goes on: chunk buffers are never reused, so events evicted meanwhile still decode.
   */
  *events(fromSeq = this.evictedCount): IterableIterator<TraceEvent> {
    const end = this.total;
    const chunks = this.chunks.slice();
    let seq = Math.max(fromSeq, this.evictedCount);
    let ci = chunkIndexOfSeq(chunks, seq);
    if (ci < 0) return;
    const textOf = this.textOf;
    // Decode with the strings as they were: a chunk evicted mid-iteration takes its strings along.
    const textFor = (c: Chunk) => (c.sealed && c.strings.size > 0 ? (id: number) => c.strings.get(id) ?? textOf(id) : textOf);
    for (; ci < chunks.length && seq < end; ci++) {
      const c = chunks[ci]!;
      const last = Math.min(end, c.firstSeq + c.length);
      const lookup = textFor(c);
      for (; seq < last; seq++) yield decodeAt(c.columns, seq - c.firstSeq, seq, lookup);
    }
  }

  [Symbol.iterator](): IterableIterator<TraceEvent> {
    return this.events();
  }
}
