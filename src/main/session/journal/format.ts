/**
 * The session journal's file format: the recorder's own columns, framed and checksummed, so writing
 * costs no encoding (an interrupt storm records millions of events a second; JSON.stringify manages
 * about one million on one thread, see test/bench/import.ts).
 *
 *   file    = magic record*
 *   magic   = "EDULABJ\0" u32 version (1) u32 0x01020304        16 bytes; the u32 shows the byte order
 *   record  = type u32 | length u32 | crc u32 | headerCrc u32   16 bytes, then `length` payload bytes
 *             crc = CRC-32 of the payload, headerCrc = CRC-32 of the 12 bytes before it
 *   type 1  SESSION  payload = UTF-8 JSON { session: SessionHeader, pid, startedAt (ms since 1970) }
 *   type 2  EVENTS   payload = fromSeq f64 | count u32 | stringBytes u32
 *                              | count * 32 bytes of columns (common/trace/columns.ts, columnsOf(buffer, count))
 *                              | stringBytes of UTF-8 JSON [[id, text], ...]: the strings its text events use
 *   type 3  CLOSE    payload = recorded f64 | closedAt f64 (ms since 1970): the session ended cleanly
 *
 * All numbers are little-endian (the columns are in the host's order, and every platform edu-lab ships on
 * is little-endian; the magic's last word would show otherwise). Records follow one another without
 * gaps, EVENTS records in sequence order without holes. A reader stops at the first record that is cut
 * short, fails its checksum or does not follow: everything before it is intact. Unknown record types
 * with a valid checksum are skipped (room for later versions).
 */
import { crc32 } from 'node:zlib';

export const JOURNAL_MAGIC = Buffer.from('EDULABJ\0', 'latin1');
export const JOURNAL_VERSION = 1;
export const BYTE_ORDER_MARK = 0x01020304;
export const MAGIC_BYTES = 16;
export const RECORD_HEADER_BYTES = 16;
export const EVENTS_HEADER_BYTES = 16;

export const RecordType = {
  Session: 1,
  Events: 2,
  Close: 3,
} as const;

export const CLOSE_PAYLOAD_BYTES = 16;
/** Most events one record may claim (a reader refuses larger counts as damage). */
export const MAX_RECORD_EVENTS = 1 << 22;
/** Most bytes of strings one record may claim. */
export const MAX_RECORD_STRING_BYTES = 256 << 20;
/** Most bytes of a SESSION record. */
export const MAX_SESSION_RECORD_BYTES = 1 << 16;

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error('the session journal needs a little-endian host');
}

export function magicBytes(): Buffer {
  const b = Buffer.alloc(MAGIC_BYTES);
  JOURNAL_MAGIC.copy(b, 0);
  b.writeUInt32LE(JOURNAL_VERSION, 8);
  b.writeUInt32LE(BYTE_ORDER_MARK, 12);
  return b;
}

/** Whether the first bytes of a file are a journal's magic of a version this code reads. */
export function checkMagic(b: Uint8Array): 'ok' | 'not-a-journal' | 'newer' {
  if (b.length < MAGIC_BYTES || !Buffer.from(b.buffer, b.byteOffset, 8).equals(JOURNAL_MAGIC)) return 'not-a-journal';
  const view = Buffer.from(b.buffer, b.byteOffset, MAGIC_BYTES);
  if (view.readUInt32LE(12) !== BYTE_ORDER_MARK) return 'not-a-journal';
  return view.readUInt32LE(8) > JOURNAL_VERSION ? 'newer' : 'ok';
}

/** The 16-byte header of a record whose payload is `parts` (its CRC computed over them in order). */
export function recordHeader(type: number, parts: readonly Uint8Array[]): Buffer {
  let length = 0;
  let crc = 0;
  for (const p of parts) {
    length += p.byteLength;
    crc = crc32(p, crc);
  }
  const h = Buffer.alloc(RECORD_HEADER_BYTES);
  h.writeUInt32LE(type, 0);
  h.writeUInt32LE(length, 4);
  h.writeUInt32LE(crc, 8);
  h.writeUInt32LE(crc32(h.subarray(0, 12)), 12);
  return h;
}

export interface RecordHeader {
  readonly type: number;
  readonly length: number;
  readonly crc: number;
}

/** A record header read back, or undefined when its own checksum fails (damage, or zeros never written). */
export function parseRecordHeader(b: Buffer): RecordHeader | undefined {
  if (b.length < RECORD_HEADER_BYTES) return undefined;
  if (crc32(b.subarray(0, 12)) !== b.readUInt32LE(12)) return undefined;
  return { type: b.readUInt32LE(0), length: b.readUInt32LE(4), crc: b.readUInt32LE(8) };
}

/** The parts of an EVENTS record: header, events header, the columns (not copied), the strings. */
export function eventsRecord(fromSeq: number, count: number, columns: ArrayBuffer, strings: ReadonlyMap<number, string>): Uint8Array[] {
  const head = Buffer.alloc(EVENTS_HEADER_BYTES);
  const text = strings.size > 0 ? Buffer.from(JSON.stringify([...strings]), 'utf8') : Buffer.alloc(0);
  head.writeDoubleLE(fromSeq, 0);
  head.writeUInt32LE(count, 8);
  head.writeUInt32LE(text.length, 12);
  const cols = new Uint8Array(columns, 0, count * 32);
  const payload = text.length > 0 ? [head, cols, text] : [head, cols];
  return [recordHeader(RecordType.Events, payload), ...payload];
}

export function jsonRecord(type: number, value: unknown): Uint8Array[] {
  const payload = Buffer.from(JSON.stringify(value), 'utf8');
  return [recordHeader(type, [payload]), payload];
}

export function closeRecord(recorded: number, closedAt: number): Uint8Array[] {
  const payload = Buffer.alloc(CLOSE_PAYLOAD_BYTES);
  payload.writeDoubleLE(recorded, 0);
  payload.writeDoubleLE(closedAt, 8);
  return [recordHeader(RecordType.Close, [payload]), payload];
}

/** Whether the last bytes of a file are a valid CLOSE record. */
export function endsWithClose(tail: Buffer): boolean {
  if (tail.length < RECORD_HEADER_BYTES + CLOSE_PAYLOAD_BYTES) return false;
  const t = tail.subarray(tail.length - RECORD_HEADER_BYTES - CLOSE_PAYLOAD_BYTES);
  const h = parseRecordHeader(t.subarray(0, RECORD_HEADER_BYTES));
  return h !== undefined && h.type === RecordType.Close && h.length === CLOSE_PAYLOAD_BYTES && crc32(t.subarray(RECORD_HEADER_BYTES)) === h.crc;
}

export function byteLength(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.byteLength;
  return n;
}
