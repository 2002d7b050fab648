import { EventKind, Source } from '../../../common/trace/schema';
import type { Tracer } from '../trace';
import { ImmediateWaker, PreciseWaker, type HostWaker } from './host-waker';
import type { VirtualClock } from './virtual-clock';

export type TimerCallback = () => void;


/** A timer on the virtual clock (QEMU's timer_new_ns / timer_mod / timer_del). */
export class Timer {
  /** @internal ordering key among timers with the same deadline */
  armSeq = 0;
  /** @internal */
  deadlineNs = -1;

  constructor(
    readonly id: number,
    readonly name: string,
    private readonly queue: TimerQueue,
    /** @internal */ readonly callback: TimerCallback,
  ) {}

  get pending(): boolean {
    return this.deadlineNs >= 0;
  }
  get deadline(): number | undefined {
    return this.pending ? this.deadlineNs : undefined;
  }
  /** Arm (or re-arm) the timer for virtual time `deadlineNs` (a deadline already past fires at once). */
  mod(deadlineNs: number): void {
    // NaN would compare false with everything and corrupt the queue's order.
    if (!Number.isFinite(deadlineNs)) throw new RangeError(`timer '${this.name}': deadline must be finite, got ${deadlineNs}`);
    this.queue.arm(this, Math.max(0, Math.floor(deadlineNs)));
  }
  del(): void {
    this.queue.disarm(this);
  }
}

export interface TimerQueueOptions {
  /** Wakes the queue at a host instant in real-time mode (default: PreciseWaker). */
  waker?: HostWaker;
  /** Runs deterministic warps when the event loop is idle (default: setImmediate). */
  idleWaker?: HostWaker;
}

/**
 * Timers ordered by virtual deadline. In real-time mode the queue arms one host wakeup for its head;
 * in deterministic mode, once the CPU is idle and no device work is in flight, it warps the clock to
 * the head's deadline. Timers never fire early: a timer runs only once the clock has reached its
 * deadline, and its lateness is recorded.
 */
export class TimerQueue {
  private readonly pendingTimers: Timer[] = [];
  private readonly waker: HostWaker;
  private readonly idleWaker: HostWaker;
  private nextTimerId = 1;
  private nextArmSeq = 1;
  private holds = 0;
  private cpuIdle = true;
  private disposed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly clock: VirtualClock,
    private readonly trace: Tracer,
    options: TimerQueueOptions = {},
  ) {
    this.waker = options.waker ?? new PreciseWaker(clock.host);
    this.idleWaker = options.idleWaker ?? new ImmediateWaker();
    this.unsubscribe = clock.onChange(() => this.reschedule());
  }

  create(name: string, callback: TimerCallback): Timer {
    const timer = new Timer(this.nextTimerId++, name, this, callback);
    this.trace.text(EventKind.TimerName, Source.Machine, timer.id, name);
    return timer;
  }

  get size(): number {
    return this.pendingTimers.length;
  }

  nextDeadline(): number | undefined {
    return this.pendingTimers[0]?.deadlineNs;
  }

  /** @internal */
  arm(timer: Timer, deadlineNs: number): void {
    if (this.disposed) return;
    const wasHead = this.pendingTimers[0] === timer;
    this.remove(timer);
    timer.deadlineNs = deadlineNs;
    timer.armSeq = this.nextArmSeq++;
    const i = this.insertionIndex(timer);
    this.pendingTimers.splice(i, 0, timer);
    this.trace.eventWide(EventKind.TimerArm, Source.Machine, timer.id, 0, deadlineNs);
    // Moving the head later changes the next wakeup as much as arming a new head does.
    if (i === 0 || wasHead) this.reschedule();
  }

  /** @internal */
  disarm(timer: Timer): void {
    const wasHead = this.pendingTimers[0] === timer;
    if (!this.remove(timer)) return;
    if (wasHead) this.reschedule();
  }

  /**
   * Fire, in deadline order, every timer that was pending when the pass began and whose deadline has
   * been reached. Returns how many fired.
   *
   * A timer armed by a callback during the pass waits for the next one, even if it is already due: a
   * callback that re-arms at the current time would otherwise loop here forever whenever virtual time
   * does not move (paused, stepping, deterministic). The callers schedule the next pass.
   *
   * A callback that stops the clock (a device's hardware error pauses the machine) ends the pass: what
   * is still due waits for resume or step, as it would had the pause come a moment earlier.
   */
  runDue(): number {
    const barrier = this.nextArmSeq;
    const wasRunning = this.clock.isRunning;
    let fired = 0;
    for (;;) {
      const head = this.pendingTimers[0];
      if (!head || head.armSeq >= barrier || (wasRunning && !this.clock.isRunning)) break;
      let now = this.clock.now();
      if (head.deadlineNs > now) {
        const lead = this.waker.leadNs ?? 0;
        if (lead <= 0 || !this.followsHost() || head.deadlineNs - now > lead * this.clock.speed) break;
        // The waker may come up to `lead` early on purpose: the last microseconds are spent here, right
        // before the callback, not in the dispatch between the waker and this loop.
        while ((now = this.clock.now()) < head.deadlineNs) {
          // spin
        }
      }
      this.pendingTimers.shift();
      const deadline = head.deadlineNs;
      head.deadlineNs = -1;
      // The firing and everything its callback causes is one instant.
      this.trace.begin();
      try {
        this.trace.eventWide(EventKind.TimerFire, Source.Machine, head.id, 0, now - deadline);
        head.callback();
      } finally {
        this.trace.end();
      }
      fired++;
    }
    return fired;
  }

  /**
   * Advance a clock that is not following the host (paused or deterministic) to the next deadline and
   * fire what is due there. Returns the virtual time stepped to, or undefined if no timer is pending.
   * A head that is already overdue (the machine paused before its wakeup ran) fires where the clock
   * stands: time never moves back to the deadline.
   */
  step(): number | undefined {
    const head = this.pendingTimers[0];
    if (!head) return undefined;
    this.clock.warpTo(head.deadlineNs);
    const reached = this.clock.now();
    this.runThenReschedule();
    return reached;
  }

  /**
   * Device work is in flight outside the timer queue (a factorial on its thread): deterministic warps
   * wait until it is released, so a guest waiting for it does not see its timeouts expire instantly.
   */
  hold(): () => void {
    this.holds++;
    this.reschedule(); // a warp already queued for the idle loop must not happen now
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.reschedule();
    };
  }

  /** The guest CPU is halted (waiting for an interrupt, a timer or input) or busy running code. */
  setCpuIdle(idle: boolean): void {
    if (idle === this.cpuIdle) return;
    this.cpuIdle = idle;
    this.reschedule();
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    this.waker.cancel();
    this.idleWaker.cancel();
    for (const t of this.pendingTimers) t.deadlineNs = -1;
    this.pendingTimers.length = 0;
  }

  private reschedule(): void {
    this.waker.cancel();
    this.idleWaker.cancel();
    if (this.disposed || !this.clock.isRunning) return;
    const head = this.pendingTimers[0];
    if (!head) return;
    if (this.clock.deterministic) {
      // Timers already due fire whatever the CPU is doing; only moving time forward waits for idleness.
      if (this.mayWarp() || head.deadlineNs <= this.clock.now()) this.idleWaker.arm(0, this.warpToHead);
      return;
    }
    const hostDeadline = this.clock.hostInstantOf(head.deadlineNs);
    if (hostDeadline !== undefined) this.waker.arm(hostDeadline, this.onWake);
  }

  private followsHost(): boolean {
    return this.clock.isRunning && !this.clock.deterministic;
  }

  private mayWarp(): boolean {
    return this.cpuIdle && this.holds === 0;
  }

  private readonly onWake = (): void => {
    this.runThenReschedule();
  };

  private readonly warpToHead = (): void => {
    const head = this.pendingTimers[0];
    if (!head) return;
    if (head.deadlineNs > this.clock.now()) {
      if (!this.mayWarp()) return; // hold() and setCpuIdle() reschedule; this is a second line of defence
      this.clock.warpTo(head.deadlineNs);
    }
    this.runThenReschedule();
  };

  /** A throwing callback still propagates, but must not leave the queue without its next wakeup. */
  private runThenReschedule(): void {
    try {
      this.runDue();
    } finally {
      this.reschedule();
    }
  }

  private remove(timer: Timer): boolean {
    if (timer.deadlineNs < 0) return false;
    const i = this.pendingTimers.indexOf(timer);
    if (i >= 0) this.pendingTimers.splice(i, 1);
    timer.deadlineNs = -1;
    return i >= 0;
  }

  private insertionIndex(timer: Timer): number {
    let lo = 0;
    let hi = this.pendingTimers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.pendingTimers[mid]!;
      if (other.deadlineNs < timer.deadlineNs || (other.deadlineNs === timer.deadlineNs && other.armSeq < timer.armSeq)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
