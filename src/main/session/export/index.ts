/**
 * Session exports: one registry of formats and one streaming entry point.
 *
 *   jsonl          JSON Lines session log (header line + one event per line): re-importable
 *   vcd            Value Change Dump for GTKWave (all signals, buses included)
 *   vcd-pulseview  Value Change Dump for PulseView / sigrok (1-bit wires only)
 *   perfetto       Chrome trace JSON for ui.perfetto.dev / chrome://tracing
 *   csv            RFC 4180 CSV, one row per event, the JSON Lines fields
 *
 * `exportSession` streams to disk with backpressure, reports progress, stops on an AbortSignal and
 * exports only a virtual-time range if asked (events with from <= vns <= to; the VCD and Perfetto
 * state at `from` is computed from the earlier events, which are not written). A cancelled or failed
 * export deletes its partial file (and its temporary file) and rejects; the rejection of a cancel is an
 * Error named 'AbortError' with the message 'export cancelled'.
 */
import { EXPORT_FORMATS, type ExportFormat } from '../../../common/api/session';
import type { TraceEvent } from '../../../common/trace/schema';
import { CsvEncoder } from './csv';
import { JsonlEncoder, type SessionHeader } from './jsonl';
import { PerfettoEncoder } from './perfetto';
import { encodeToString, writeEncoded, type EventEncoder, type RangeOptions, type WriteOptions } from './sink';
import { VcdEncoder } from './vcd';

// The format names are part of the contract (a window asks for one); the encoders live here.
export { EXPORT_FORMATS, isExportFormat, type ExportFormat } from '../../../common/api/session';

/** The usual file extension of each format (without the dot). */
export const EXPORT_EXTENSIONS: Readonly<Record<ExportFormat, string>> = {
  jsonl: 'jsonl',
  vcd: 'vcd',
  'vcd-pulseview': 'vcd',
  perfetto: 'json',
  csv: 'csv',
};

export interface ExportOptions extends WriteOptions, RangeOptions {}

/** A fresh encoder for one export. */
export function createEncoder(format: ExportFormat, header: SessionHeader, range: RangeOptions = {}): EventEncoder {
  switch (format) {
    case 'jsonl':
      return new JsonlEncoder(header);
    case 'vcd':
      return new VcdEncoder(header, { variant: 'gtkwave', from: range.from });
    case 'vcd-pulseview':
      return new VcdEncoder(header, { variant: 'pulseview', from: range.from });
    case 'perfetto':
      return new PerfettoEncoder(header, { from: range.from });
    case 'csv':
      return new CsvEncoder();
    default:
      throw new RangeError(`unknown export format ${String(format)}; known: ${EXPORT_FORMATS.join(', ')}`);
  }
}

function checkRange(options: RangeOptions): void {
  const { from, to } = options;
  if (from !== undefined && Number.isNaN(from)) throw new RangeError('export range: from is NaN');
  if (to !== undefined && Number.isNaN(to)) throw new RangeError('export range: to is NaN');
  if (from !== undefined && to !== undefined && from > to) throw new RangeError(`export range: from (${from}) is after to (${to})`);
}

/**
 * Export `events` (in recording order) to `path` in `format`; resolves to the number of events in the
 * range. See the module comment for progress, cancellation and ranges.
 */
export async function exportSession(path: string, format: ExportFormat, header: SessionHeader, events: Iterable<TraceEvent>, options: ExportOptions = {}): Promise<number> {
  checkRange(options);
  const encoder = createEncoder(format, header, options);
  return writeEncoded(path, encoder, events, { signal: options.signal, onProgress: options.onProgress, from: options.from, to: options.to });
}

/** The same export as one string, in memory (small sessions and tests). */
export function encodeSession(format: ExportFormat, header: SessionHeader, events: Iterable<TraceEvent>, range: RangeOptions = {}): string {
  checkRange(range);
  return encodeToString(createEncoder(format, header, range), events, range);
}

export { ExportCancelled, type EventEncoder, type RangeOptions, type WriteOptions } from './sink';
export { SESSION_FORMAT, SESSION_FORMAT_VERSION, type SessionHeader } from './jsonl';
