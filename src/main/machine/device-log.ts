/**
 * Messages a device prints about itself. `guest-error` is QEMU's `-d guest_errors` log (the DMA range
 * and clamp lines today); `stdout` and `stderr` are what older QEMU releases printed straight to the
 * terminal (7.2's clamp message, the hardware-error abort).
 */
export type DeviceLogChannel = 'guest-error' | 'stdout' | 'stderr';

export interface DeviceLogLine {
  readonly channel: DeviceLogChannel;
  readonly text: string;
  /** Virtual time of the message in ns. */
  readonly vns: number;
}

export type DeviceLogListener = (line: DeviceLogLine) => void;

/** The device log: listeners hear every line; the most recent lines are kept for late readers. */
export class DeviceLog {
  private readonly recent: DeviceLogLine[] = [];
  private readonly listeners = new Set<DeviceLogListener>();

  constructor(
    private readonly now: () => number,
    private readonly keep = 1000,
  ) {}

  write(channel: DeviceLogChannel, text: string): DeviceLogLine {
    const line: DeviceLogLine = { channel, text, vns: this.now() };
    this.recent.push(line);
    if (this.recent.length > this.keep) this.recent.shift();
    for (const l of this.listeners) l(line);
    return line;
  }

  lines(): readonly DeviceLogLine[] {
    return this.recent;
  }

  onLine(listener: DeviceLogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
