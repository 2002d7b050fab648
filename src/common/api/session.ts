/**
 * Session files in the contract: the export formats a window may ask for, export jobs as the stream
 * reports them, and the recorded session a window replays.
 */
import type { EduRegisters } from './lab-api';

export const EXPORT_FORMATS = ['jsonl', 'vcd', 'vcd-pulseview', 'perfetto', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(s: unknown): s is ExportFormat {
  return typeof s === 'string' && (EXPORT_FORMATS as readonly string[]).includes(s);
}

/** Raw bytes of a session file per sessionImportChunk call (base64 in the message: 4/3 of this). */
export const IMPORT_CHUNK_BYTES = 512 * 1024;
/** The largest session file a window may upload. */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024 * 1024;

export interface ExportRequest {
  readonly format: ExportFormat;
  /** Virtual ns, inclusive; absent: from the first event / to the last. */
  readonly from?: number;
  readonly to?: number;
}

export type ExportState = 'running' | 'done' | 'cancelled' | 'failed';

/** One export, from start to end (the stream carries the recent ones whenever one changes). */
export interface ExportJob {
  readonly id: number;
  readonly format: ExportFormat;
  readonly state: ExportState;
  /** Events written so far, and how many there are in the range (progress = written / total). */
  readonly written: number;
  readonly total: number;
  /** Where it goes: the file name (the desktop app: the path chosen). */
  readonly file: string;
  /** The web host: where the browser downloads the finished file. */
  readonly download: string | null;
  readonly error: string | null;
}

/** A recorded session shown instead of the live lab (read-only). */
export interface ReplayInfo {
  /** The file's name as the user knows it. */
  readonly name: string;
  readonly app: string;
  readonly createdAt: string;
  readonly profile: string;
  readonly events: number;
  /** Virtual time of the first and last event (ns). */
  readonly from: number;
  readonly to: number;
  /** The file ended mid-event (a recovered crash): the cut line was left out. */
  readonly droppedLine: number | null;
}

/** The device as a replayed session had it at one moment (from the recorded events up to it). */
export interface ReplayState {
  readonly vns: number;
  readonly registers: EduRegisters;
  /** Config space, or null when the file does not record its starting point. */
  readonly config: readonly number[] | null;
  /** The console's output up to that moment (its last part). */
  readonly console: string;
}
