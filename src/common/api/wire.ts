import type { StreamMessage } from './stream';
import { decodeUtf8, encodeUtf8 } from './utf8';

/**
 * The web host's WebSocket protocol: JSON messages both ways. Calls carry an id the reply repeats;
 * the stream's messages arrive unasked. Electron does not use this (it has IPC and a MessagePort).
 */
export type ClientMessage =
  | { readonly type: 'call'; readonly id: number; readonly method: string; readonly args: readonly unknown[] }
  /** Start the stream over: a snapshot follows (resyncs within 250 ms share one). */
  | { readonly type: 'resync' }
  /** The events of stream message `seq` are taken in (flow control, see LabConnection.ack). */
  | { readonly type: 'ack'; readonly seq: number };

export type ServerMessage =
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number | null; readonly error: { readonly code: string; readonly message: string } }
  | { readonly type: 'stream'; readonly message: StreamMessage };

/**
 * The largest message a client may send (a console paste fits many times over): larger ones get a
 * 'too-large' error. Frames beyond 16 times this close the connection (code 1009) before being read.
 */
export const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;

/** The path of the WebSocket endpoint. */
export const WEB_API_PATH = '/api';

/**
 * A stream message with recorded events goes as one binary frame: a 4-byte little-endian length, the
 * message as JSON (events without their bytes), then the events' bytes. Parsing megabytes of base64
 * inside JSON sixty times a second would keep a browser's main thread busy during an interrupt storm.
 */
export function encodeStreamFrame(message: StreamMessage): Uint8Array | undefined {
  const data = message.events?.data;
  if (!(data instanceof Uint8Array)) return undefined;
  const json = encodeUtf8(JSON.stringify({ type: 'stream', message: { ...message, events: { ...message.events, data: null } } }));
  const frame = new Uint8Array(4 + json.length + data.length);
  new DataView(frame.buffer).setUint32(0, json.length, true);
  frame.set(json, 4);
  frame.set(data, 4 + json.length);
  return frame;
}

export function decodeStreamFrame(frame: ArrayBuffer): ServerMessage {
  const length = new DataView(frame).getUint32(0, true);
  const parsed = JSON.parse(decodeUtf8(new Uint8Array(frame, 4, length))) as { type: 'stream'; message: StreamMessage };
  const events = parsed.message.events;
  // Copied to a buffer of its own: the columns need 8-byte alignment from offset 0.
  const data = new Uint8Array(frame.slice(4 + length));
  return events ? { type: 'stream', message: { ...parsed.message, events: { ...events, data } } } : parsed;
}
