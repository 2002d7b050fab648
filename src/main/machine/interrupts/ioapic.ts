import { EventKind, Source } from '../../../common/trace/schema';
import type { Tracer } from '../trace';

export type LineListener = (gsi: number, level: boolean) => void;

/**
 * The interrupt controller's input lines (an IO-APIC's GSIs). Lines are level-sensitive and shared:
 * a line is high while any source drives it high. Listeners (the guest's interrupt entry) hear every
 * change of a line's level; the level can be read at any time, which is how a level-triggered line
 * keeps interrupting until its cause is acknowledged.
 */
export class IoApic {
  static readonly LINES = 24;
  private readonly drivers: Set<object>[] = Array.from({ length: IoApic.LINES }, () => new Set());
  private readonly listeners = new Set<LineListener>();

  constructor(private readonly trace: Tracer) {}

  /** A source (a device's INTx pin) drives `gsi` to `level`. */
  drive(gsi: number, source: object, level: boolean): void {
    const drivers = this.drivers[gsi];
    if (!drivers) throw new RangeError(`no interrupt line ${gsi}`);
    const before = drivers.size > 0;
    if (level) drivers.add(source);
    else drivers.delete(source);
    const after = drivers.size > 0;
    if (before === after) return;
    this.trace.event(EventKind.IntxLevel, Source.Device, gsi, 0, 0, after ? 1 : 0);
    for (const l of this.listeners) l(gsi, after);
  }

  level(gsi: number): boolean {
    return (this.drivers[gsi]?.size ?? 0) > 0;
  }

  onChange(listener: LineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
