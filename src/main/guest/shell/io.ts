import type { Writer } from '../tools/tool';

/** Standard output and error of a command. */
export interface ShellIo {
  readonly stdout: Writer;
  readonly stderr: Writer;
}

/** Output for the serial console: a tty translates '\n' into '\r\n' (ONLCR). */
export function ttyWriter(write: (text: string) => void): Writer {
  return { write: (text) => write(String(text).replace(/\n/g, '\r\n')) };
}

/**
 * Writers a command may use only while it runs: afterwards (a tool that keeps a timer going, or was
 * interrupted and writes on) its output goes nowhere rather than over the next prompt.
 */
export function scopedWriters(io: ShellIo): { io: ShellIo; close(): void } {
  let open = true;
  const wrap = (w: Writer): Writer => ({
    write: (text) => {
      if (open) w.write(String(text));
    },
  });
  return {
    io: { stdout: wrap(io.stdout), stderr: wrap(io.stderr) },
    close: () => {
      open = false;
    },
  };
}

/** Collects output (command substitution), up to a limit beyond which it is dropped. */
export class CaptureWriter implements Writer {
  private chunks: string[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  write(text: string): void {
    const s = String(text);
    if (this.size + s.length > this.limit) {
      this.truncated = true;
      const room = this.limit - this.size;
      if (room <= 0) return;
      this.chunks.push(s.slice(0, room));
      this.size = this.limit;
      return;
    }
    this.chunks.push(s);
    this.size += s.length;
  }

  get text(): string {
    return this.chunks.join('');
  }
}

/** One signal that fires when any of `signals` does; dispose() detaches it. */
export function linkSignals(signals: readonly (AbortSignal | undefined)[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  const abort = (): void => controller.abort();
  if (present.some((s) => s.aborted)) controller.abort();
  else for (const s of present) s.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      for (const s of present) s.removeEventListener('abort', abort);
    },
  };
}
