import type { GuestPlatform, GuestTimer } from '../../machine/platform';
import type { Cpu } from './cpu';

interface PendingTimer {
  readonly deadline: number;
  readonly seq: number;
  readonly fire: () => void;
}

/**
 * Kernel timers on one hardware timer (like Linux's clockevent on the local APIC timer): a list of
 * deadlines on the virtual clock, with the platform timer armed for the earliest.
 */
export class KernelTimers {
  private readonly pending: PendingTimer[] = [];
  private readonly hw: GuestTimer;
  private seq = 0;

  constructor(private readonly platform: GuestPlatform) {
    this.hw = platform.createTimer('guest-lapic', () => this.expire());
  }

  now(): number {
    return this.platform.now();
  }

  /** Call `fire` once virtual time reaches `deadline`; returns a cancel function. */
  at(deadline: number, fire: () => void): () => void {
    const t: PendingTimer = { deadline, seq: this.seq++, fire };
    const i = this.pending.findIndex((p) => p.deadline > deadline);
    this.pending.splice(i < 0 ? this.pending.length : i, 0, t);
    if (this.pending[0] === t) this.hw.mod(deadline);
    return () => this.cancel(t);
  }

  dispose(): void {
    this.pending.length = 0;
    this.hw.del();
  }

  private cancel(t: PendingTimer): void {
    const i = this.pending.indexOf(t);
    if (i < 0) return;
    this.pending.splice(i, 1);
    if (i === 0) this.rearm();
  }

  private expire(): void {
    const now = this.platform.now();
    while (this.pending.length > 0 && this.pending[0]!.deadline <= now) this.pending.shift()!.fire();
    this.rearm();
  }

  private rearm(): void {
    const head = this.pending[0];
    if (head) this.hw.mod(head.deadline);
    else this.hw.del();
  }
}

/** A wait queue: sleepers re-check their condition whenever it is woken (wake_up_all). */
export class WaitQueue {
  private readonly sleepers = new Set<() => void>();

  wake(): void {
    const sleepers = [...this.sleepers];
    this.sleepers.clear();
    for (const s of sleepers) s();
  }

  /** @internal */
  add(sleeper: () => void): () => void {
    this.sleepers.add(sleeper);
    return () => this.sleepers.delete(sleeper);
  }
}

/** Sleeping and waiting, with the CPU idle while blocked and Ctrl-C cutting waits short. */
export class KernelWait {
  constructor(
    private readonly cpu: Cpu,
    private readonly timers: KernelTimers,
  ) {}

  /** msleep/nanosleep on the virtual clock. Throws Interrupted if the signal fires. */
  async sleep(ns: number, signal?: AbortSignal): Promise<void> {
    let cancel: (() => void) | undefined;
    try {
      await this.cpu.blockOn(
        new Promise<void>((resolve) => {
          cancel = this.timers.at(this.timers.now() + Math.max(0, ns), resolve);
        }),
        signal,
      );
    } finally {
      cancel?.();
    }
  }

  /**
   * wait_event_interruptible_timeout(): sleep on `queue` until `condition()` holds (true), or until
   * `timeoutNs` of virtual time passed (false). Throws Interrupted if the signal fires.
   */
  async event(queue: WaitQueue, condition: () => boolean, options: { timeoutNs?: number; signal?: AbortSignal } = {}): Promise<boolean> {
    if (condition()) return true;
    const deadline = options.timeoutNs === undefined ? undefined : this.timers.now() + options.timeoutNs;
    for (;;) {
      let removeSleeper: (() => void) | undefined;
      let cancelTimer: (() => void) | undefined;
      try {
        const outcome = await this.cpu.blockOn(
          new Promise<'woken' | 'timeout'>((resolve) => {
            removeSleeper = queue.add(() => resolve('woken'));
            if (deadline !== undefined) cancelTimer = this.timers.at(deadline, () => resolve('timeout'));
          }),
          options.signal,
        );
        if (condition()) return true;
        if (outcome === 'timeout') return false;
      } finally {
        removeSleeper?.();
        cancelTimer?.();
      }
    }
  }
}
