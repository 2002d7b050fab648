/**
 * The columnar layout of recorded events, shared by the recorder, the session file and the renderer:
 * a block of `capacity` events is one buffer holding each field as a column.
 */

/** Column bytes per event: vns 8 + hns 8 + addr 4 + valueLo 4 + valueHi 4 + kind, source, size, flags 1 each. */
export const BYTES_PER_EVENT = 32;

/** The columns of a chunk (or of a column slice). Index i of every column is the same event. */
export interface ChunkColumns {
  /** Virtual time in ns, non-decreasing within and across chunks. */
  readonly vns: Float64Array;
  /** Host monotonic ns since the recorder started. */
  readonly hns: Float64Array;
  readonly addr: Uint32Array;
  /** Low 32 bits of the value; for text events (flags & EventFlag.Text) the string id. */
  readonly valueLo: Uint32Array;
  readonly valueHi: Uint32Array;
  readonly kind: Uint8Array;
  readonly source: Uint8Array;
  readonly size: Uint8Array;
  readonly flags: Uint8Array;
}

/**
 * Views over a chunk buffer laid out for `capacity` events. The 8-byte columns come first and the
 * 1-byte ones last so every view is aligned for any capacity. This layout is what a spilled chunk
 * looks like on disk, so the receiving side of a transfer rebuilds the views with this same function.
 */
export function columnsOf(buffer: ArrayBufferLike, capacity: number): ChunkColumns {
  if (!Number.isInteger(capacity) || capacity < 0 || buffer.byteLength < capacity * BYTES_PER_EVENT) {
    throw new RangeError(`a buffer of ${buffer.byteLength} bytes cannot hold ${capacity} events`);
  }
  const c = capacity;
  return {
    vns: new Float64Array(buffer, 0, c),
    hns: new Float64Array(buffer, 8 * c, c),
    addr: new Uint32Array(buffer, 16 * c, c),
    valueLo: new Uint32Array(buffer, 20 * c, c),
    valueHi: new Uint32Array(buffer, 24 * c, c),
    kind: new Uint8Array(buffer, 28 * c, c),
    source: new Uint8Array(buffer, 29 * c, c),
    size: new Uint8Array(buffer, 30 * c, c),
    flags: new Uint8Array(buffer, 31 * c, c),
  };
}

