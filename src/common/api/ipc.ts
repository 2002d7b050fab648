import type { LabMethod } from './lab-api';

/** Electron IPC channel names (the preload and the Electron host agree on these). */
export const IPC = {
  /** Renderer → main: open this window's stream (main answers on `streamPort`). */
  streamOpen: 'lab:stream-open',
  /** Main → renderer: the MessagePort the stream's messages arrive on. */
  streamPort: 'lab:stream-port',
} as const;

/** The invoke channel of a LabApi method. */
export function callChannel(method: LabMethod): string {
  return `lab:call:${method}`;
}

/** What an invoke handler returns: Electron keeps no more of a thrown error than its message. */
export type IpcReply = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };
