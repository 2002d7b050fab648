import type { StreamMessage } from './stream';

/**
 * The web host's WebSocket protocol: JSON messages both ways. Calls carry an id the reply repeats;
 * the stream's messages arrive unasked. Electron does not use this (it has IPC and a MessagePort).
 */
export type ClientMessage =
  | { readonly type: 'call'; readonly id: number; readonly method: string; readonly args: readonly unknown[] }
  /** Start the stream over: a snapshot follows (resyncs within 250 ms share one). */
  | { readonly type: 'resync' };

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
