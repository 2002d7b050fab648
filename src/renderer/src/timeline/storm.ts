/**
 * The interrupt-storm warning. Over a sliding window of virtual time it counts raises (IrqRaise),
 * handler entries (HandlerEnter) and acknowledgements (IrqAck); a storm is on while interrupts (raises
 * or entries, whichever is higher) reach `minInterrupts` and outnumber acks by more than `ackRatio`
 * to 1. That is the pattern of a level-triggered line whose cause is never cleared: the handler runs
 * again and again. The kernel's own verdict (IrqDisabled, "nobody cared") is recorded too and latches
 * the warning until cleared.
 *
 * The storm's on/off transitions go into a LevelSeries (the storm lane) at the exact times the
 * condition changes, including when old entries slide out of the window.
 */
import type { InstantSeries, LevelSeries } from './series';

export interface StormOptions {
  /** The window, in ns of virtual time (default 10 ms). */
  readonly windowNs?: number;
  /** Fewer interrupts than this in a window is never a storm (default 50). */
  readonly minInterrupts?: number;
  /** Interrupts outpace acks when interrupts > ackRatio × acks (default 2). */
  readonly ackRatio?: number;
}

export interface DisabledIrq {
  readonly irq: number;
  readonly time: number;
}

export interface StormState {
  /** The rate condition holds now. */
  readonly active: boolean;
  /** Since when (virtual ns), while active. */
  readonly since: number | null;
  /** Show a warning: the rate condition holds, or the kernel disabled a line. */
  readonly warning: boolean;
  readonly reason: 'rate' | 'irq-disabled' | null;
  readonly raises: number;
  readonly entries: number;
  readonly acks: number;
  /** Interrupts per second of virtual time over the window. */
  readonly ratePerSecond: number;
  readonly windowNs: number;
  readonly disabled: readonly DisabledIrq[];
}

/** A FIFO of times. */
class TimeQueue {
  private a = new Float64Array(64);
  private head = 0;
  private tail = 0;

  get length(): number {
    return this.tail - this.head;
  }

  get front(): number {
    return this.head < this.tail ? this.a[this.head]! : Infinity;
  }

  push(t: number): void {
    if (this.tail === this.a.length) {
      const live = this.a.subarray(this.head, this.tail);
      const next = this.length * 2 > this.a.length ? new Float64Array(this.a.length * 2) : this.a;
      next.set(live);
      this.a = next;
      this.tail -= this.head;
      this.head = 0;
    }
    this.a[this.tail++] = t;
  }

  shift(): number {
    return this.a[this.head++]!;
  }

  clear(): void {
    this.head = this.tail = 0;
  }
}

export class StormDetector {
  readonly windowNs: number;
  readonly minInterrupts: number;
  readonly ackRatio: number;
  private readonly raises = new TimeQueue();
  private readonly entries = new TimeQueue();
  private readonly acks = new TimeQueue();
  private active = false;
  private since: number | null = null;
  private readonly disabledIrqs: DisabledIrq[] = [];

  constructor(
    private readonly level: LevelSeries,
    private readonly disabledMarks: InstantSeries,
    options: StormOptions = {},
  ) {
    this.windowNs = options.windowNs ?? 10_000_000;
    this.minInterrupts = options.minInterrupts ?? 50;
    this.ackRatio = options.ackRatio ?? 2;
  }

  raise(t: number, ix: number): void {
    this.advanceTo(t);
    this.raises.push(t);
    this.evaluate(t, ix);
  }

  entry(t: number, ix: number): void {
    this.advanceTo(t);
    this.entries.push(t);
    this.evaluate(t, ix);
  }

  ack(t: number, ix: number): void {
    this.advanceTo(t);
    this.acks.push(t);
    this.evaluate(t, ix);
  }

  irqDisabled(t: number, irq: number, ix: number): void {
    this.advanceTo(t);
    this.disabledIrqs.push({ irq, time: t });
    this.disabledMarks.push(t, 0, ix);
  }

  /** Slides the window to end at t: entries at or before t - window leave it. */
  advanceTo(t: number): void {
    const limit = t - this.windowNs;
    for (;;) {
      const q = this.oldest();
      if (!q || q.front > limit) return;
      const out = q.shift();
      this.evaluate(out + this.windowNs, -1);
    }
  }

  /** The queue with the oldest time (raises first on a tie), or undefined when all are empty. */
  private oldest(): TimeQueue | undefined {
    // An empty queue's front is Infinity. Called for every raise, entry and ack: no allocation here.
    let best = this.raises;
    if (this.entries.front < best.front) best = this.entries;
    if (this.acks.front < best.front) best = this.acks;
    return best.length > 0 ? best : undefined;
  }

  private evaluate(t: number, ix: number): void {
    const interrupts = Math.max(this.raises.length, this.entries.length);
    const on = interrupts >= this.minInterrupts && interrupts > this.ackRatio * this.acks.length;
    if (on === this.active) return;
    this.active = on;
    this.since = on ? t : null;
    this.level.set(t, on ? 1 : 0, ix);
  }

  get state(): StormState {
    const interrupts = Math.max(this.raises.length, this.entries.length);
    const disabled = this.disabledIrqs.length > 0;
    return {
      active: this.active,
      since: this.since,
      warning: this.active || disabled,
      reason: this.active ? 'rate' : disabled ? 'irq-disabled' : null,
      raises: this.raises.length,
      entries: this.entries.length,
      acks: this.acks.length,
      ratePerSecond: (interrupts * 1e9) / this.windowNs,
      windowNs: this.windowNs,
      disabled: [...this.disabledIrqs],
    };
  }

  clear(): void {
    this.raises.clear();
    this.entries.clear();
    this.acks.clear();
    this.active = false;
    this.since = null;
    this.disabledIrqs.length = 0;
  }
}
