import { columnsOf, type ChunkColumns } from '../trace/columns';
import { decodeBase64, encodeBase64 } from './base64';

/**
 * Recorded events on the wire: a run of consecutive sequence numbers in the columnar layout, and the
 * strings its text events refer to (by id in valueLo). The buffer travels as base64 inside JSON (call
 * results) or as raw bytes (the stream: a MessagePort clones them, the web host sends a binary frame).
 */
export interface EventBatch {
  readonly fromSeq: number;
  readonly count: number;
  readonly data: string | Uint8Array;
  readonly strings: Readonly<Record<number, string>>;
}

export interface DecodedBatch extends ChunkColumns {
  readonly fromSeq: number;
  readonly count: number;
  readonly strings: ReadonlyMap<number, string>;
}

/** `encode` may be a faster platform encoder producing the same base64 (Node's Buffer in the main process). */
export function encodeEventBatch(
  fromSeq: number,
  count: number,
  buffer: ArrayBuffer,
  strings: ReadonlyMap<number, string>,
  encode: (bytes: Uint8Array) => string = encodeBase64,
): EventBatch {
  return { fromSeq, count, data: encode(new Uint8Array(buffer)), strings: Object.fromEntries(strings) };
}

/** The same batch with its buffer as raw bytes (for the stream). */
export function rawEventBatch(fromSeq: number, count: number, buffer: ArrayBuffer, strings: ReadonlyMap<number, string>): EventBatch {
  return { fromSeq, count, data: new Uint8Array(buffer), strings: Object.fromEntries(strings) };
}

export function decodeEventBatch(batch: EventBatch): DecodedBatch {
  const bytes = typeof batch.data === 'string' ? decodeBase64(batch.data) : batch.data;
  // A fresh buffer of exactly the data: typed-array views need 8-byte alignment at offset 0.
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
  const strings = new Map<number, string>(Object.entries(batch.strings).map(([id, text]) => [Number(id), text]));
  return { ...columnsOf(buffer, batch.count), fromSeq: batch.fromSeq, count: batch.count, strings };
}
