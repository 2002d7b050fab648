/**
 * The streaming part every exporter shares: pull events from an iterable, hand them to a format's
 * encoder, and write what it produces to a file in batches, waiting for the file whenever it falls
 * behind (memory stays bounded however long the session), with progress, cancellation and a virtual
 * time range.
 *
 * Encoders are pure: they turn events into text and never touch the file system, so tests (and
 * `encodeSession`) can run them in memory.
 */
import { createReadStream, createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { TraceEvent } from '../../../common/trace/schema';

/** Turns an event stream into one file format. */
export interface EventEncoder {
  /** Text that starts the file (known before any event), may be ''. */
  begin(): string;
  /** An event before the exported range: only updates state (levels at the range start), writes nothing. */
  prime(e: TraceEvent): void;
  /** An event inside the range: appends its text to the encoder's buffer. */
  push(e: TraceEvent): void;
  /** Takes the text buffered so far. */
  take(): string;
  /**
   * The stream ended. `endVns` is the end of the exported time: the range's end when an event past it
   * stopped the export, otherwise the last event's time. Returns the closing text.
   */
  end(endVns: number): string;
  /**
   * For formats whose head depends on the whole stream (VCD declares every signal before the first
   * change): the text to put in front of everything else, asked for after end(). The body then goes
   * to a temporary file next to the target first and is copied behind the head.
   */
  head?(): string;
}

export interface WriteOptions {
  readonly signal?: AbortSignal;
  /** Called every few thousand events with how many were written. */
  readonly onProgress?: (written: number) => void;
}

export interface RangeOptions {
  /** First virtual ns exported (inclusive). Earlier events only set the state at `from`. */
  readonly from?: number;
  /** Last virtual ns exported (inclusive). */
  readonly to?: number;
}

export interface SinkOptions extends WriteOptions, RangeOptions {
  /**
   * What a failed or cancelled export leaves behind: 'delete' (default) removes the partial file,
   * 'keep' leaves it truncated (what writeJsonl has always done).
   */
  readonly partial?: 'delete' | 'keep';
}

/** Events per batch: the encoder's text is written (and progress reported) this often. */
export const BATCH_EVENTS = 4096;

export class ExportCancelled extends Error {
  constructor() {
    super('export cancelled');
    this.name = 'AbortError';
  }
}

/**
 * A file written with backpressure, one batch in flight: write() hands a batch to the stream and
 * returns at once, so the next batch is encoded while this one goes to disk; the write after waits for
 * it to drain first. At most two batches are ever held.
 */
class FileOut {
  private readonly out: WriteStream;
  private readonly failed: Promise<never>;
  private error: unknown;
  private draining: Promise<void> | undefined;

  constructor(readonly path: string) {
    // The default high-water mark. (Letting megabytes queue measured slower: the queued strings and
    // buffers outlive the young generation.)
    this.out = createWriteStream(path, { encoding: 'utf8' });
    this.failed = new Promise<never>((_, reject) =>
      this.out.once('error', (e) => {
        this.error = e;
        reject(e);
      }),
    );
    this.failed.catch(() => undefined);
  }

  /** Resolves when the text is accepted; returns whether it had to wait for the previous batch to drain. */
  async write(text: string): Promise<boolean> {
    if (this.error) throw this.error;
    const waited = this.draining !== undefined;
    if (this.draining) {
      await Promise.race([this.draining, this.failed]);
      this.draining = undefined;
    }
    if (text.length > 0 && !this.out.write(text)) this.draining = new Promise<void>((r) => this.out.once('drain', () => r()));
    return waited;
  }

  /** Flushes and closes; rejects if the file failed at any point. */
  async close(): Promise<void> {
    if (!this.out.closed) await new Promise<void>((resolve) => this.out.end(resolve));
    await Promise.race([Promise.resolve(), this.failed]);
    if (this.error) throw this.error;
  }

  /** Closes without caring about errors (cleanup after a failure). */
  async destroy(): Promise<void> {
    if (this.out.closed) return;
    await new Promise<void>((resolve) => {
      this.out.once('close', () => resolve());
      this.out.destroy();
    });
  }
}

/** Numbers the temporary body files of this process. */
let bodies = 0;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Stream `events` through `encoder` into `path`; resolves to the number of events written (those in the
 * range). Events must come in recording order (virtual time never decreases), as the recorder yields
 * them: the first event past `to` ends the export.
 *
 * Cancellation (`signal`) and errors reject; by default the partial file is deleted (see SinkOptions).
 */
export async function writeEncoded(path: string, encoder: EventEncoder, events: Iterable<TraceEvent>, options: SinkOptions = {}): Promise<number> {
  const { signal, onProgress } = options;
  const from = options.from ?? -Infinity;
  const to = options.to ?? Infinity;
  if (signal?.aborted) throw new ExportCancelled();
  const deferred = typeof encoder.head === 'function';
  const bodyPath = deferred ? join(dirname(path), `.${basename(path)}.${process.pid}.${++bodies}.body`) : path;
  const body = new FileOut(bodyPath);
  let final: FileOut | undefined;
  let written = 0;
  try {
    await body.write(encoder.begin());
    let last = from;
    let beyond = false;
    let sinceTurn = 0;
    for (const e of events) {
      if (signal?.aborted) throw new ExportCancelled();
      const t = e.vns;
      if (t < from) {
        encoder.prime(e);
        if (++sinceTurn === BATCH_EVENTS * 4) {
          sinceTurn = 0;
          await turn(); // lets a cancel arrive while a long prefix is skipped
        }
        continue;
      }
      if (t > to) {
        beyond = true;
        break;
      }
      encoder.push(e);
      last = t;
      if (++written % BATCH_EVENTS === 0) {
        // Writing waits when the file is behind; when it is not, still give the loop a turn so that
        // a cancel (or anything else) can run during a long export.
        if (!(await body.write(encoder.take()))) await turn();
        if (signal?.aborted) throw new ExportCancelled();
        onProgress?.(written);
      }
    }
    if (signal?.aborted) throw new ExportCancelled();
    await body.write(encoder.take());
    await body.write(encoder.end(beyond ? to : last));
    await body.close();
    if (deferred) {
      final = new FileOut(path);
      await final.write(encoder.head!());
      await copyInto(bodyPath, final, signal);
      await final.close();
      rmSync(bodyPath, { force: true });
    }
    onProgress?.(written);
    return written;
  } catch (error) {
    await body.destroy();
    await final?.destroy();
    if (deferred) rmSync(bodyPath, { force: true });
    // Only the target this export opened: a deferred (VCD) export that failed early never touched it.
    if (options.partial !== 'keep' && (!deferred || final)) rmSync(path, { force: true });
    throw error;
  }
}

/** Appends a file's content to an open output, with backpressure. */
async function copyInto(source: string, out: FileOut, signal: AbortSignal | undefined): Promise<void> {
  const input = createReadStream(source, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    for await (const chunk of input) {
      if (signal?.aborted) throw new ExportCancelled();
      await out.write(chunk as string);
    }
  } finally {
    input.destroy();
  }
}

/** Runs an encoder over events in memory (small sessions, tests): the whole file as one string. */
export function encodeToString(encoder: EventEncoder, events: Iterable<TraceEvent>, range: RangeOptions = {}): string {
  const from = range.from ?? -Infinity;
  const to = range.to ?? Infinity;
  let text = encoder.begin();
  let last = from;
  let beyond = false;
  for (const e of events) {
    if (e.vns < from) {
      encoder.prime(e);
      continue;
    }
    if (e.vns > to) {
      beyond = true;
      break;
    }
    encoder.push(e);
    last = e.vns;
  }
  text += encoder.take() + encoder.end(beyond ? to : last);
  return encoder.head ? encoder.head() + text : text;
}
