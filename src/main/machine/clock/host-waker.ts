import type { HostClock } from './host-clock';

/**
 * Calls back at a host instant, never before it, and always from a later turn of the event loop (never
 * from inside `arm`). One wakeup at a time: arming again replaces the previous one.
 */
export interface HostWaker {
  /**
   * How early the waker may call back (host ns), leaving the rest of the wait to the caller, who can then
   * spend it right before the work that must not start early. Absent or 0: the callback is never early.
   */
  readonly leadNs?: number;
  arm(hostDeadlineNs: number, fire: () => void): void;
  cancel(): void;
}

export interface PreciseWakerOptions {
  /** How long before the deadline the coarse `setTimeout` should wake us (it fires up to ~1 ms early and late). */
  coarseMarginNs?: number;
  /** How long before the deadline the blocking wait ends and the final spin begins. */
  spinMarginNs?: number;
  /** How early the callback may come; the caller spins the rest (see HostWaker.leadNs). */
  leadNs?: number;
}

/** setTimeout clamps longer delays to 1 ms (and warns); far deadlines are approached in legs this long. */
const MAX_TIMEOUT_MS = 0x7fffffff;

/**
 * High-resolution wakeups on the Node main thread. `setTimeout` alone has millisecond granularity: it
 * fires up to 1 ms early and a few hundred microseconds late. So we sleep with `setTimeout` until
 * shortly before the deadline, block in `Atomics.wait` (a futex with sub-millisecond timeouts) until a
 * little before it, and spin on the monotonic clock for the last stretch. Nothing spins unless a
 * deadline is due within `spinMarginNs`; nothing blocks unless one is due within `coarseMarginNs`.
 *
 * The blocking final phase always starts from its own macrotask (a timeout, or an immediate when the
 * deadline is already near), never inside `arm()`: arming is often done by a timer callback or an MMIO
 * handler, and doing the wait there would block that caller, fire the callback re-entrantly inside
 * `timer.mod()`, and let a timer that keeps re-arming itself a little ahead recurse without ever
 * returning to the event loop. Because the final phase is synchronous, nothing on this thread can
 * cancel or re-arm during it; the callback itself may do both.
 */
export class PreciseWaker implements HostWaker {
  readonly leadNs: number;
  private readonly coarseMarginNs: number;
  private readonly spinMarginNs: number;
  private readonly sleepCell = new Int32Array(new SharedArrayBuffer(4));
  private timeout: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private deadline = 0;
  private fire: (() => void) | undefined;

  constructor(
    private readonly host: HostClock,
    options: PreciseWakerOptions = {},
  ) {
    // Measured on a 2-vCPU VM: Atomics.wait wakes ~0.1 ms late at the median and ~0.2 ms at the 99th
    // percentile, so a 0.5 ms spin absorbs it. Spinning longer made things worse there: a VM whose CPU
    // time is capped gets descheduled for milliseconds when it burns its quota.
    this.coarseMarginNs = options.coarseMarginNs ?? 2_000_000;
    this.spinMarginNs = options.spinMarginNs ?? 500_000;
    // Code that runs a few times a second is not optimized: the dispatch from here to a timer callback
    // takes tens of microseconds, so the timer queue finishes the last 50 us itself.
    this.leadNs = options.leadNs ?? 50_000;
  }

  arm(hostDeadlineNs: number, fire: () => void): void {
    this.cancel();
    this.deadline = hostDeadlineNs;
    this.fire = fire;
    this.sleepUntilNear();
  }

  cancel(): void {
    if (this.timeout !== undefined) clearTimeout(this.timeout);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timeout = undefined;
    this.immediate = undefined;
    this.fire = undefined;
  }

  /** Schedule the next look at the deadline: a coarse sleep while it is far, the next turn once near. */
  private sleepUntilNear(): void {
    const remaining = this.deadline - this.host.nowNs();
    if (remaining > this.coarseMarginNs) {
      const ms = Math.min((remaining - this.coarseMarginNs) / 1e6, MAX_TIMEOUT_MS);
      this.timeout = setTimeout(this.approach, ms);
    } else {
      this.immediate = setImmediate(this.approach);
    }
  }

  private approach = (): void => {
    this.timeout = undefined;
    this.immediate = undefined;
    const fire = this.fire;
    if (!fire) return;
    const remaining = this.deadline - this.host.nowNs();
    if (remaining > this.coarseMarginNs) {
      this.sleepUntilNear(); // setTimeout woke us early (or the leg was capped): sleep again
      return;
    }
    if (remaining > this.spinMarginNs) {
      Atomics.wait(this.sleepCell, 0, 0, (remaining - this.spinMarginNs) / 1e6);
    }
    const target = this.deadline - this.leadNs;
    while (this.host.nowNs() < target) {
      // final stretch: at most spinMarginNs plus whatever Atomics.wait overslept
    }
    this.fire = undefined;
    fire();
  };
}

/** For deterministic mode: run as soon as the event loop is idle (after pending I/O). */
export class ImmediateWaker implements HostWaker {
  private handle: ReturnType<typeof setImmediate> | undefined;
  arm(_hostDeadlineNs: number, fire: () => void): void {
    this.cancel();
    this.handle = setImmediate(() => {
      this.handle = undefined;
      fire();
    });
  }
  cancel(): void {
    if (this.handle !== undefined) clearImmediate(this.handle);
    this.handle = undefined;
  }
}
