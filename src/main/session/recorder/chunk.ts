/**
 * A chunk of the session log: up to `capacity` events stored column by column in one ArrayBuffer.
 *
 * Why columns: a renderer scanning a million events reads one or two columns (vns, kind) and never
 * needs an object per event; typed arrays cost exactly their bytes (32 per event, see the layout).
 * Why one buffer per chunk: a sealed chunk is the unit that leaves the recorder (spilled to the session
 * file, posted to a worker or a window), and one buffer is one transfer and one write.
 */

import { BYTES_PER_EVENT, columnsOf, type ChunkColumns } from '../../../common/trace/columns';

export { BYTES_PER_EVENT, columnsOf, type ChunkColumns };

/**
 * A chunk that no longer changes: what the seal and evict hooks receive. It is self-contained: its
 * buffer holds exactly `length` events (laid out by `columnsOf(buffer, length)`) and `strings` holds
 * every string its text events refer to, under the ids stored in `valueLo`.
 */
export interface SealedChunk {
  /** Sequence number of the chunk's first event; its events are firstSeq .. firstSeq + length - 1. */
  readonly firstSeq: number;
  readonly length: number;
  /** Exactly length * BYTES_PER_EVENT bytes. */
  readonly buffer: ArrayBuffer;
  readonly columns: ChunkColumns;
  readonly strings: ReadonlyMap<number, string>;
}

/** The plain, structured-cloneable part of a sealed chunk (post it with `[data.buffer]` as transfer list). */
export type SealedChunkData = Pick<SealedChunk, 'firstSeq' | 'length' | 'buffer' | 'strings'>;

/** The data to post or write for a sealed chunk; the views are rebuilt on the other side. */
export function chunkData(chunk: SealedChunk): SealedChunkData {
  return { firstSeq: chunk.firstSeq, length: chunk.length, buffer: chunk.buffer, strings: chunk.strings };
}

/** A sealed chunk from data that crossed a thread or came back from disk. */
export function restoreChunk(data: SealedChunkData): SealedChunk {
  if (data.buffer.byteLength !== data.length * BYTES_PER_EVENT) {
    throw new RangeError(`chunk buffer is ${data.buffer.byteLength} bytes, expected ${data.length * BYTES_PER_EVENT}`);
  }
  return { ...data, columns: columnsOf(data.buffer, data.length) };
}

const NO_STRINGS: ReadonlyMap<number, string> = new Map();

/** The recorder's chunk: written at the head of the log, then sealed. */
export class Chunk implements SealedChunk {
  /** Events written so far. The recorder bumps it on every record. */
  length = 0;
  sealed = false;
  buffer: ArrayBuffer;
  columns: ChunkColumns;
  strings: ReadonlyMap<number, string> = NO_STRINGS;
  /**
   * Ids of the strings this chunk's text events use, each once. The recorder holds one reference per
   * chunk on each, so the string table can drop a string when the last chunk using it is evicted.
   */
  readonly stringIds = new Set<number>();

  constructor(
    readonly firstSeq: number,
    readonly capacity: number,
  ) {
    this.buffer = new ArrayBuffer(capacity * BYTES_PER_EVENT);
    this.columns = columnsOf(this.buffer, capacity);
  }

  /** Virtual time of the last event (undefined while empty). */
  get lastVns(): number | undefined {
    return this.length > 0 ? this.columns.vns[this.length - 1] : undefined;
  }

  /**
   * Freeze the chunk. A partly filled chunk (sealed early, at the end of a session) is copied into a
   * buffer of its exact size, so what leaves the recorder never carries unused capacity. Earlier
   * views of the old buffer stay valid: it is not reused.
   */
  seal(textOf: (id: number) => string): void {
    if (this.sealed) return;
    this.sealed = true;
    if (this.length < this.capacity) {
      const buffer = new ArrayBuffer(this.length * BYTES_PER_EVENT);
      const columns = columnsOf(buffer, this.length);
      for (const name of COLUMN_NAMES) columns[name].set(this.columns[name].subarray(0, this.length));
      this.buffer = buffer;
      this.columns = columns;
    }
    if (this.stringIds.size > 0) {
      this.strings = new Map([...this.stringIds].map((id) => [id, textOf(id)] as const));
    }
  }
}

export const COLUMN_NAMES = ['vns', 'hns', 'addr', 'valueLo', 'valueHi', 'kind', 'source', 'size', 'flags'] as const satisfies readonly (keyof ChunkColumns)[];
