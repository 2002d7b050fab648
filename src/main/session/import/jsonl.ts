/**
 * Reading a JSON Lines session (the format of export/jsonl.ts) back into a columnar event log.
 *
 * Made for files from anywhere: the file is read in blocks and split into lines with a hard length
 * limit (a line is never buffered past it), each line is parsed with JSON.parse (data only: nothing is
 * evaluated) and checked field by field before it is stored, and each event goes straight into the
 * log's columns, so memory is the log (32 bytes an event plus its strings) and one line, not the file.
 * Every refusal is a SessionImportError naming the line and the field.
 */
import { open, stat } from 'node:fs/promises';
import type { SessionHeader } from '../export/jsonl';
import { SessionImportError } from './errors';
import { EventLog } from './event-log';
import { readCanonicalEvent } from './fast-path';
import { LineSplitter, type LineSink } from './lines';
import { readEvent, readHeader, type CheckedEvent, type EventCursor } from './validate';

export const DEFAULT_MAX_LINE_BYTES = 1 << 20;
/** 16 Mi events: 512 MiB of columns, the most an import may hold unless told otherwise. */
export const DEFAULT_MAX_IMPORT_EVENTS = 1 << 24;
const BLOCK_BYTES = 1 << 20;

export interface ImportOptions {
  readonly signal?: AbortSignal;
  /** Called after every block read (about every MiB) with the bytes read so far and the file size. */
  readonly onProgress?: (bytes: number, total: number) => void;
  /** Longest line accepted, in bytes without the newline (default 1 MiB). */
  readonly maxLineBytes?: number;
  /**
   * Drop a last line cut short (no newline, incomplete JSON) instead of refusing the file: what is left
   * of a session whose writer died mid-line. `droppedLine` then says which line was dropped.
   */
  readonly allowTruncatedTail?: boolean;
  /** Most events accepted (default 16,777,216); a longer session is refused at the first one over. */
  readonly maxEvents?: number;
  /** Events per chunk of the log (default 65,536). */
  readonly chunkSize?: number;
}

/** A session read back: where it was recorded, and its events. */
export interface ImportedSession {
  readonly header: SessionHeader;
  /** The events, in columns, with the recorder's read API. Finished: nothing more is appended. */
  readonly log: EventLog;
  /** The number of the cut-short last line that `allowTruncatedTail` dropped, if one was. */
  readonly droppedLine?: number;
  /** Bytes read (the file's size). */
  readonly bytes: number;
}

/** Read the JSON Lines session at `path`. Rejects with a SessionImportError when the file is not a valid session. */
export async function importJsonl(path: string, options: ImportOptions = {}): Promise<ImportedSession> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
  throwIfAborted(options.signal);
  // A FIFO or a device would block or never end: only regular files are sessions.
  if (!(await stat(path)).isFile()) throw new Error(`${path} is not a regular file`);
  const file = await open(path, 'r');
  try {
    const total = (await file.stat()).size;
    const reader = new SessionReader(options);
    const splitter = new LineSplitter(reader, maxLineBytes);
    const block = Buffer.allocUnsafe(Math.min(BLOCK_BYTES, Math.max(4096, total + 1)));
    let bytes = 0;
    for (;;) {
      throwIfAborted(options.signal);
      const { bytesRead } = await file.read(block, 0, block.length, null);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      splitter.push(bytesRead === block.length ? block : block.subarray(0, bytesRead));
      options.onProgress?.(bytes, Math.max(total, bytes));
    }
    splitter.end();
    return reader.finish(bytes);
  } finally {
    await file.close();
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw Object.assign(new Error('import cancelled'), { name: 'AbortError' });
}

/** Turns lines into a header and events: the checks and the stores, one line at a time. */
export class SessionReader implements LineSink {
  private header: SessionHeader | undefined;
  private log: EventLog | undefined;
  private droppedLine: number | undefined;
  private readonly at: EventCursor = { seq: 0, vns: 0, first: true };
  private readonly event: CheckedEvent = { vns: 0, hns: 0, kind: 0, source: 0, size: 0, flags: 0, addr: 0, lo: 0, hi: 0, text: undefined };
  private readonly maxEvents: number;

  constructor(private readonly options: Pick<ImportOptions, 'allowTruncatedTail' | 'maxEvents' | 'chunkSize'> = {}) {
    this.maxEvents = options.maxEvents ?? DEFAULT_MAX_IMPORT_EVENTS;
  }

  line(bytes: Buffer, start: number, end: number, n: number, complete: boolean): void {
    const log = this.log;
    if (log !== undefined && readCanonicalEvent(bytes, start, end, this.at, this.event)) {
      this.store(log, n);
      return;
    }
    const text = bytes.toString('utf8', start, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.unparsable(text, n, complete, error);
      return;
    }
    if (n === 1) {
      this.header = readHeader(value);
      this.log = new EventLog(this.header.firstSeq, { chunkSize: this.options.chunkSize });
      this.at.seq = this.header.firstSeq;
      return;
    }
    readEvent(value, n, this.at, this.event);
    this.store(log!, n);
  }

  private store(log: EventLog, n: number): void {
    if (log.count >= this.maxEvents) {
      throw new SessionImportError(n, `the session has more than ${this.maxEvents.toLocaleString('en-US')} events, more than an import may hold`);
    }
    const e = this.event;
    if (e.text === undefined) log.append(e.vns, e.hns, e.kind, e.source, e.size, e.flags, e.addr, e.lo, e.hi);
    else log.appendText(e.vns, e.hns, e.kind, e.source, e.size, e.flags, e.addr, e.text);
    this.at.seq++;
    this.at.vns = e.vns;
    this.at.first = false;
  }

  private unparsable(text: string, n: number, complete: boolean, error: unknown): void {
    const blank = text.trim() === '';
    if (n === 1) {
      if (blank) throw new SessionImportError(1, 'the first line is empty; an edu-lab session starts with its header');
      if (!complete) throw new SessionImportError(1, 'the file ends mid-header', 'line 1 is cut short: the file ends mid-header');
      throw new SessionImportError(1, 'not an edu-lab session file (the first line is not JSON)');
    }
    // Blank lines (an editor's trailing newline) carry nothing.
    if (blank) return;
    if (!complete) {
      if (this.options.allowTruncatedTail) {
        this.droppedLine = n;
        return;
      }
      throw new SessionImportError(n, 'the file ends mid-event', `line ${n} is cut short: the file ends mid-event`);
    }
    const why = error instanceof Error ? error.message : String(error);
    throw new SessionImportError(n, `not valid JSON (${why.length > 120 ? why.slice(0, 120) + '…' : why})`);
  }

  /** The session read so far, once the file has ended. */
  finish(bytes: number): ImportedSession {
    if (!this.header || !this.log) throw new SessionImportError(1, 'the file is empty; an edu-lab session starts with its header');
    return {
      header: this.header,
      log: this.log.finish(),
      ...(this.droppedLine !== undefined ? { droppedLine: this.droppedLine } : {}),
      bytes,
    };
  }
}
