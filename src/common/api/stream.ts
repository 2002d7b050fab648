import type { EventBatch } from './event-batch';
import type { ClockState, DeviceLogEntry, DriverStatus, EduRegisters, LabSnapshot, MachineStatus } from './lab-api';
import type { ExportJob } from './session';

/** Most messages a stream sends per second: one per display frame. */
export const STREAM_MAX_RATE = 60;
/** Messages with events a window that acknowledges may have unacknowledged (see LabConnection.ack). */
export const STREAM_EVENTS_IN_FLIGHT = 2;

/**
 * One message of a window's event stream. Messages are numbered 0, 1, 2… per stream; a window that
 * sees a gap in the numbers, or reloads, asks for a new stream, whose first message is a snapshot.
 * Each field is present only when it changed since the previous message.
 */
export interface StreamMessage {
  readonly seq: number;
  /** The whole state (first message of a stream). */
  readonly snapshot?: LabSnapshot;
  /** Console output since the previous message. */
  readonly console?: string;
  /** Recorded events, continuing exactly where the previous batch ended. */
  readonly events?: EventBatch;
  /** Events that can no longer be sent (the recorder dropped them from memory before this window got them). */
  readonly gap?: { readonly from: number; readonly to: number };
  readonly registers?: EduRegisters;
  readonly config?: readonly number[];
  readonly clock?: ClockState;
  readonly machine?: MachineStatus;
  readonly driver?: DriverStatus;
  /** The DMA buffer (base64), when its bytes changed. */
  readonly dmaBuffer?: string;
  readonly deviceLog?: readonly DeviceLogEntry[];
  /** Commands from the desktop app's menu (the window carries them out). */
  readonly ui?: readonly UiCommand[];
  /** The exports, whenever one started, progressed or ended. */
  readonly exports?: readonly ExportJob[];
}

/** What the desktop app's menu asks of the window. */
export type UiCommand = 'new-session' | 'open-session' | 'export-session' | 'toggle-theme' | 'show-about' | 'show-shortcuts';

export type StreamListener = (message: StreamMessage) => void;

/** What a window holds: the LabApi plus its event stream. */
export interface LabConnection {
  /** Subscribe to the stream; returns an unsubscribe function. */
  onStream(listener: StreamListener): () => void;
  /** Start the stream over (after a gap in message numbers): its next message is a snapshot. */
  resync(): void;
  /**
   * The window has taken in the events of stream message `seq`. A window that acknowledges gets at most
   * STREAM_EVENTS_IN_FLIGHT messages with events ahead of its acknowledgements; the rest wait in the
   * recorder. Without this, a window slower than an interrupt storm queues seconds of events in its
   * socket, and its console echo waits behind them.
   */
  ack(seq: number): void;
  /** Which host serves this window (for the About box and diagnostics only). */
  readonly host: 'electron' | 'web';
}
