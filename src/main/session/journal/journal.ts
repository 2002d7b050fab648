/**
 * The session journal: everything a recorder records, written to disk as the session runs, so that a
 * crash or a power cut loses at most the last second (format.ts has the file layout).
 *
 * What is written when:
 *   - on open, every event the recorder holds (sealed chunks as they are, the head copied);
 *   - on every seal (a full chunk, 65,536 events by default), that chunk, straight from the recorder's
 *     buffer (no copy, no encoding: sealed chunks never change);
 *   - every `flushIntervalMs` (500 ms), the events of the unsealed head recorded since (a copy), then,
 *     once those writes are done, fdatasync: so an event is in the kernel within 0.5 s (enough to
 *     survive the process being killed) and on the disk within about 0.5 s plus the sync's own time
 *     (enough to survive a power cut). No sync when nothing was written since the last one.
 *
 * Writes are positional and asynchronous: each record is handed to the libuv thread pool the moment it
 * exists (the pool copies into the page cache and syncs, not the machine's thread, and it does so even
 * while that thread is busy recording). Records in flight are bounded by `maxPendingBytes` (64 MiB, as
 * much as the recorder holds): when the disk falls that far behind, the next record is written
 * synchronously from the recording thread, so the machine slows down to the disk's pace instead of the
 * journal growing or losing events. Sealed chunks in flight are the recorder's own buffers, so the
 * bound usually costs no memory of its own at all.
 *
 * A write or sync error (disk full) stops the journal (`error`, `onError`); the session goes on, and
 * the file keeps everything written so far, recoverable as usual.
 */
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { fdatasync as fdatasyncCallback, writev, writevSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SessionHeader } from '../export/jsonl';
import type { SealedChunk } from '../recorder/chunk';
import { sliceRange } from '../recorder/query';
import type { Recorder } from '../recorder/recorder';
import { byteLength, closeRecord, eventsRecord, jsonRecord, magicBytes, RecordType } from './format';

export const JOURNAL_EXTENSION = '.edujournal';
export const DEFAULT_FLUSH_INTERVAL_MS = 500;
export const DEFAULT_MAX_PENDING_BYTES = 64 << 20;

export interface JournalOptions {
  /** How often the head's new events are written and the file synced (default 500 ms, at most 1000). */
  readonly flushIntervalMs?: number;
  /** fdatasync after each flush that wrote something (default true; tests and benchmarks may skip it). */
  readonly durable?: boolean;
  /** Bytes of records waiting for the disk before writes become synchronous (default 64 MiB). */
  readonly maxPendingBytes?: number;
  /** Called once if the journal stops on an I/O error. */
  readonly onError?: (error: Error) => void;
}

export interface JournalStats {
  /** Bytes written to the file (done), the magic included. */
  readonly bytesWritten: number;
  readonly records: number;
  readonly syncs: number;
  /** Records written synchronously because the disk had fallen `maxPendingBytes` behind. */
  readonly stalls: number;
  /** Bytes queued or being written now. */
  readonly pendingBytes: number;
  /** Most bytes ever pending at once. */
  readonly peakPendingBytes: number;
}

interface PendingRecord {
  readonly parts: Uint8Array[];
  readonly bytes: number;
  readonly position: number;
  /** One past the last sequence number it holds (for `writtenSeq`). */
  readonly endSeq: number;
  done: boolean;
}

/** Paths of the journals this process has open (so recovery does not offer a live one). */
export const openJournals = new Set<string>();

type State = 'open' | 'closing' | 'closed' | 'failed';

export class SessionJournal {
  /** Everything below this sequence number is written or queued. */
  private handed: number;
  private written: number;
  private durableUpTo: number;
  private position: number;
  /** Records being written, in file order (to advance `writtenSeq` in order). */
  private readonly unfinished: PendingRecord[] = [];
  /** Writes handed to the thread pool and not yet called back. */
  private inFlight = 0;
  /** Waiting for `inFlight` to reach 0. */
  private readonly idle: (() => void)[] = [];
  private pending = 0;
  private peakPending = 0;
  private ticking: Promise<void> | undefined;
  private dirty = false;
  private state: State = 'open';
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private removeListener: (() => void) | undefined;
  private counters = { bytesWritten: 0, records: 0, syncs: 0, stalls: 0 };
  private readonly flushIntervalMs: number;
  private readonly durable: boolean;
  private readonly maxPendingBytes: number;

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
    private readonly recorder: Recorder,
    /** The session header as written (firstSeq is the recorder's first event in memory at open). */
    readonly header: SessionHeader,
    startPosition: number,
    private readonly options: JournalOptions,
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.durable = options.durable ?? true;
    this.maxPendingBytes = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
    this.position = startPosition;
    this.counters.bytesWritten = startPosition;
    this.handed = this.written = this.durableUpTo = header.firstSeq;
    openJournals.add(path);
    // Everything the recorder already holds, then every chunk as it is sealed.
    for (const chunk of recorder.sealedChunks()) this.onSeal(chunk);
    try {
      this.handHead();
    } catch (error) {
      this.fail(error);
    }
    if (this.state !== 'open') return;
    this.removeListener = recorder.addSealListener((chunk) => this.onSeal(chunk));
    this.timer = setInterval(() => void this.tick(), this.flushIntervalMs);
    this.timer.unref();
  }

  /**
   * Start journaling `recorder` into a new file in `dir` (created if needed). `header` describes the
   * session (Lab.sessionHeader()); its firstSeq is replaced by the recorder's. The file, its header and
   * its directory entry are on disk when this resolves.
   */
  static async open(dir: string, recorder: Recorder, header: SessionHeader, options: JournalOptions = {}): Promise<SessionJournal> {
    const interval = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    if (!(interval > 0 && interval <= 1000)) throw new RangeError(`flushIntervalMs must be in (0, 1000], got ${interval}`);
    const maxPending = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
    if (!(maxPending >= 0)) throw new RangeError(`maxPendingBytes must be at least 0, got ${maxPending}`);
    await mkdir(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const path = resolve(join(dir, `session-${stamp}-${process.pid}-${randomBytes(3).toString('hex')}${JOURNAL_EXTENSION}`));
    const file = await open(path, 'wx');
    try {
      const sessionHeader: SessionHeader = { ...header, firstSeq: recorder.firstSeq };
      const start = [magicBytes(), ...jsonRecord(RecordType.Session, { session: sessionHeader, pid: process.pid, startedAt: Date.now() })];
      await file.writev(start, 0);
      await file.datasync();
      await syncDirectory(dir);
      return new SessionJournal(path, file, recorder, sessionHeader, byteLength(start), options);
    } catch (error) {
      await file.close().catch(() => undefined);
      await rm(path, { force: true });
      throw error;
    }
  }

  // ---- what to write ---------------------------------------------------------------------------------

  private onSeal(chunk: SealedChunk): void {
    if (this.state !== 'open') return;
    try {
      const end = chunk.firstSeq + chunk.length;
      if (end <= this.handed) return;
      // Cannot happen while attached (the listener sees every seal before any eviction), but keep the
      // file without holes if it ever did.
      if (chunk.firstSeq > this.handed) this.handRange(this.handed, chunk.firstSeq);
      if (chunk.firstSeq === this.handed) {
        this.enqueue(eventsRecord(chunk.firstSeq, chunk.length, chunk.buffer, chunk.strings), end);
      } else {
        const slice = sliceRange([chunk], this.handed, end, (id) => chunk.strings.get(id));
        this.enqueue(eventsRecord(slice.fromSeq, slice.length, slice.buffer, slice.strings), end);
      }
      this.handed = end;
    } catch (error) {
      this.fail(error);
    }
  }

  /** The events recorded since the last record (the unsealed head, mostly). */
  private handHead(): void {
    this.handRange(this.handed, this.recorder.recorded);
  }

  private handRange(from: number, to: number): void {
    if (to <= from) return;
    const slice = this.recorder.slice(from, to);
    if (slice.fromSeq !== from) {
      throw new Error(`the journal fell behind the recorder: events ${from} to ${slice.fromSeq - 1} left memory before they were written`);
    }
    if (slice.length === 0) return;
    this.enqueue(eventsRecord(slice.fromSeq, slice.length, slice.buffer, slice.strings), slice.fromSeq + slice.length);
    this.handed = slice.fromSeq + slice.length;
  }

  // ---- writing ---------------------------------------------------------------------------------------

  private enqueue(parts: Uint8Array[], endSeq: number): void {
    const bytes = byteLength(parts);
    const record: PendingRecord = { parts, bytes, position: this.position, endSeq, done: false };
    this.position += bytes;
    this.pending += bytes;
    this.peakPending = Math.max(this.peakPending, this.pending);
    this.unfinished.push(record);
    this.counters.records++;
    if (this.pending > this.maxPendingBytes) {
      // The disk is that far behind: write this one now, on this thread (the machine waits for the disk).
      this.counters.stalls++;
      writevSync(this.file.fd, parts, record.position);
      this.finished(record);
      return;
    }
    // Handed to the thread pool at once: the write goes on even while this thread is busy recording,
    // and several records can be in flight (each at its own position).
    this.inFlight++;
    writev(this.file.fd, parts, record.position, (error) => {
      this.inFlight--;
      if (error) this.fail(error);
      else this.finished(record);
      if (this.inFlight === 0) for (const wake of this.idle.splice(0)) wake();
    });
  }

  private finished(r: PendingRecord): void {
    r.done = true;
    this.pending -= r.bytes;
    this.counters.bytesWritten += r.bytes;
    this.dirty = true;
    while (this.unfinished.length > 0 && this.unfinished[0]!.done) this.written = this.unfinished.shift()!.endSeq;
  }

  /**
   * Until no write is in flight: every record handed so far is written, or failed. (The file must not
   * be closed before: the thread pool writes to its descriptor.)
   */
  private drained(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async sync(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const upTo = this.written;
    // fs.fdatasync on the fd rather than FileHandle.datasync: same thread-pool call, and no
    // FileHandle bookkeeping that a concurrent close would have to wait for.
    await new Promise<void>((done, failed) => fdatasyncCallback(this.file.fd, (e) => (e ? failed(e) : done())));
    this.counters.syncs++;
    this.durableUpTo = Math.max(this.durableUpTo, upTo);
  }

  private tick(): Promise<void> {
    if (this.ticking || this.state !== 'open') return this.ticking ?? Promise.resolve();
    this.ticking = (async () => {
      try {
        this.handHead();
        await this.drained();
        if (this.durable) await this.sync();
      } catch (error) {
        this.fail(error);
      } finally {
        this.ticking = undefined;
      }
    })();
    return this.ticking;
  }

  private fail(error: unknown): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    const e = error instanceof Error ? error : new Error(String(error));
    this.state = 'failed';
    this.failure = e;
    this.stop();
    this.options.onError?.(e);
  }

  private stop(): void {
    clearInterval(this.timer);
    this.removeListener?.();
    this.timer = this.removeListener = undefined;
  }

  // ---- the API ---------------------------------------------------------------------------------------

  /** Events below this sequence number are written or queued for writing. */
  get journaledSeq(): number {
    return this.handed;
  }

  /** Events below this sequence number are in the file (they survive the process being killed). */
  get writtenSeq(): number {
    return this.written;
  }

  /** Events below this sequence number are synced to the disk (they survive a power cut). */
  get durableSeq(): number {
    return this.durableUpTo;
  }

  /** The error that stopped the journal, if one did. */
  get error(): Error | undefined {
    return this.failure;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  stats(): JournalStats {
    return { ...this.counters, pendingBytes: this.pending, peakPendingBytes: this.peakPending };
  }

  /** Write everything recorded so far and sync it now (rather than at the next tick). */
  async flush(): Promise<void> {
    if (this.state !== 'open') {
      if (this.failure) throw this.failure;
      return;
    }
    if (this.ticking) await this.ticking;
    await this.tick();
    if (this.failure) throw this.failure;
  }

  /**
   * End the journal cleanly: write what is left, the close marker, sync, close the file. Unless `keep`,
   * the file is then deleted (the session ended normally: nothing to recover). With `keep` it stays as
   * a complete journal, which recovery does not offer but can still read.
   */
  async close(options: { keep?: boolean } = {}): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closing';
    this.stop();
    try {
      if (this.ticking) await this.ticking;
      if (wasOpen) {
        try {
          this.handHead();
        } catch (error) {
          this.fail(error);
        }
      }
      await this.drained();
      // A journal that lost a write gets no marker: it stays recoverable (up to the lost record).
      if (!this.failure) {
        const close = closeRecord(this.handed, Date.now());
        const bytes = byteLength(close);
        await this.file.writev(close, this.position);
        this.position += bytes;
        this.counters.bytesWritten += bytes;
        await this.file.datasync();
        this.counters.syncs++;
        this.durableUpTo = this.written;
      }
    } finally {
      this.state = 'closed';
      openJournals.delete(this.path);
      await this.file.close();
    }
    if (!this.failure && !options.keep) await rm(this.path, { force: true });
  }

  /**
   * Stop journaling without the close marker and close the file, as a crash would leave it (whatever
   * was queued is written first): recovery will offer it. For tests, and for a host that hands the
   * session over to another process.
   */
  async detach(): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.state = 'closing';
    this.stop();
    try {
      if (this.ticking) await this.ticking;
      await this.drained();
    } finally {
      this.state = 'closed';
      openJournals.delete(this.path);
      await this.file.close();
    }
  }
}

/** fsync a directory so a new file's entry survives a power cut (not possible on Windows: skipped). */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on directories; the file itself is synced.
  } finally {
    await handle.close();
  }
}
