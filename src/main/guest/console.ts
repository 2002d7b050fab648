import { EventKind } from '../../common/trace/schema';
import type { GuestTrace } from '../machine/platform';

export type OutputListener = (bytes: Uint8Array) => void;

/** Bytes typed ahead while nobody reads are kept up to this many characters; beyond, input is dropped. */
const TYPEAHEAD_LIMIT = 64 * 1024;
const CTRL_C = '\x03';

/**
 * The serial console (ttyS0) as a byte stream in both directions. Output is UTF-8 text the guest writes;
 * input is whatever bytes the terminal sends. Like a tty in raw mode, it hands input to its reader (the
 * shell's line editor) as it arrives; while a command runs in the foreground, Ctrl-C interrupts it
 * (ISIG) and other keystrokes wait as typeahead.
 */
export class SerialConsole {
  private readonly encoder = new TextEncoder();
  private decoder = new TextDecoder('utf-8');
  private readonly outputListeners = new Set<OutputListener>();
  private readonly resizeListeners = new Set<() => void>();
  private typeahead = '';
  private reader: ((text: string) => void) | undefined;
  private foreground: AbortController | undefined;
  private size = { cols: 80, rows: 24 };

  constructor(private readonly trace?: GuestTrace) {}

  get cols(): number {
    return this.size.cols;
  }
  get rows(): number {
    return this.size.rows;
  }

  /** Write text to the terminal exactly as given (callers translate \n to \r\n where a tty would). */
  write(text: string): void {
    if (!text) return;
    this.trace?.text(EventKind.ConsoleOutput, 0, text);
    const bytes = this.encoder.encode(text);
    for (const l of this.outputListeners) l(bytes);
  }

  onOutput(listener: OutputListener): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  /** Bytes from the terminal (keyboard, paste). */
  input(bytes: Uint8Array): void {
    let text = this.decoder.decode(bytes, { stream: true });
    if (!text) return;
    this.trace?.text(EventKind.ConsoleInput, 0, text);
    if (this.foreground && text.includes(CTRL_C)) {
      text = this.interruptForeground(text);
    }
    if (this.reader) {
      const deliver = this.reader;
      this.reader = undefined;
      deliver(this.typeahead + text);
      this.typeahead = '';
      return;
    }
    this.typeahead = (this.typeahead + text).slice(0, TYPEAHEAD_LIMIT);
  }

  /** The next chunk of input (at least one character). One reader at a time. */
  read(): Promise<string> {
    if (this.typeahead) {
      const text = this.typeahead;
      this.typeahead = '';
      return Promise.resolve(text);
    }
    if (this.reader) return Promise.reject(new Error('the console already has a reader'));
    return new Promise((resolve) => {
      this.reader = resolve;
    });
  }

  /** Give up a pending read (the reader was interrupted); its input stays as typeahead. */
  cancelRead(): void {
    this.reader = undefined;
  }

  /** Whatever was typed ahead, taken now without waiting (empty if nothing). */
  takeTypeahead(): string {
    const text = this.typeahead;
    this.typeahead = '';
    return text;
  }

  /**
   * Run `job` as the foreground command: Ctrl-C on the console aborts the signal it is given. Typeahead
   * that arrived before the job started and holds a Ctrl-C interrupts it at once.
   */
  async foregroundJob<T>(job: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.foreground = controller;
    if (this.typeahead.includes(CTRL_C)) this.typeahead = this.interruptForeground(this.takeTypeahead());
    try {
      return await job(controller.signal);
    } finally {
      if (this.foreground === controller) this.foreground = undefined;
    }
  }

  /**
   * SIGINT from the keyboard: the foreground job is aborted and, as a tty does, what was typed ahead
   * before the Ctrl-C is thrown away. Returns the input that came after it.
   */
  private interruptForeground(text: string): string {
    this.foreground?.abort();
    this.foreground = undefined;
    this.typeahead = '';
    this.write('^C\r\n');
    return text.slice(text.lastIndexOf(CTRL_C) + 1);
  }

  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    for (const l of this.resizeListeners) l();
  }

  onResize(listener: () => void): () => void {
    this.resizeListeners.add(listener);
    return () => this.resizeListeners.delete(listener);
  }

  /** Forget state tied to the kernel that ran (reboot): pending reads and half-decoded bytes. */
  reset(): void {
    this.reader = undefined;
    this.foreground?.abort();
    this.foreground = undefined;
    this.decoder = new TextDecoder('utf-8');
  }
}
