import { EventKind } from '../../../common/trace/schema';
import type { GuestPlatform } from '../../machine/platform';

/** Kernel log levels (KERN_EMERG .. KERN_DEBUG). */
export const LogLevel = { Emerg: 0, Alert: 1, Crit: 2, Err: 3, Warning: 4, Notice: 5, Info: 6, Debug: 7 } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

export interface LogRecord {
  /** Nanoseconds since the kernel started. */
  readonly ns: number;
  readonly level: LogLevel;
  readonly text: string;
}

/** `[    1.234567] ` as dmesg prints it: seconds since boot, right-aligned in 5, and microseconds. */
export function formatTimestamp(ns: number): string {
  const us = Math.floor(ns / 1000);
  const seconds = Math.floor(us / 1e6);
  return `[${String(seconds).padStart(5, ' ')}.${String(us % 1e6).padStart(6, '0')}]`;
}

export function formatRecord(r: LogRecord): string {
  return `${formatTimestamp(r.ns)} ${r.text}`;
}

/**
 * The kernel log ring (dmesg). Lines at or below the console log level also go to the serial console,
 * as Linux prints them there: everything while booting, then only warnings and worse, so messages do
 * not interleave with a learner's shell unless something is wrong.
 */
export class KernelLog {
  private readonly ring: LogRecord[] = [];
  consoleLevel: LogLevel = LogLevel.Debug;

  constructor(
    private readonly platform: GuestPlatform,
    private readonly bootNs: number,
    private readonly toConsole: (line: string) => void,
    private readonly capacity = 4096,
  ) {}

  /** Nanoseconds since boot (the timestamp dmesg shows). */
  uptimeNs(): number {
    return Math.max(0, this.platform.now() - this.bootNs);
  }

  log(level: LogLevel, text: string): void {
    for (const line of text.split('\n')) {
      const record: LogRecord = { ns: this.uptimeNs(), level, text: line };
      this.ring.push(record);
      if (this.ring.length > this.capacity) this.ring.shift();
      this.platform.trace.text(EventKind.Dmesg, level, line);
      if (level <= this.consoleLevel) this.toConsole(formatRecord(record) + '\r\n');
    }
  }

  info(text: string): void {
    this.log(LogLevel.Info, text);
  }
  warn(text: string): void {
    this.log(LogLevel.Warning, text);
  }
  err(text: string): void {
    this.log(LogLevel.Err, text);
  }

  records(): readonly LogRecord[] {
    return this.ring;
  }

  clear(): void {
    this.ring.length = 0;
  }
}
