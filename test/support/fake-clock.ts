import type { HostClock } from '../../src/main/machine/clock/host-clock';
import type { HostWaker } from '../../src/main/machine/clock/host-waker';

/** A host monotonic clock that moves only when the test says so. */
export class FakeHostClock implements HostClock {
  constructor(public ns = 1_000_000_000) {}

  nowNs(): number {
    return this.ns;
  }

  advance(ns: number): void {
    if (ns < 0) throw new RangeError('a monotonic clock does not go back');
    this.ns += ns;
  }

  set(ns: number): void {
    if (ns < this.ns) throw new RangeError('a monotonic clock does not go back');
    this.ns = ns;
  }
}

/**
 * A HostWaker the test drives by hand: it remembers the one armed wakeup and fires it only when asked,
 * never from inside arm(), like the real ones. With a host clock it can also move that clock to the
 * deadline first, so a test can "let time pass" wakeup by wakeup.
 */
export class ManualWaker implements HostWaker {
  /** Host deadline of the armed wakeup, or undefined. */
  deadline: number | undefined;
  armCount = 0;
  cancelCount = 0;
  private callback: (() => void) | undefined;

  constructor(private readonly host?: FakeHostClock) {}

  get armed(): boolean {
    return this.callback !== undefined;
  }

  arm(hostDeadlineNs: number, fire: () => void): void {
    this.deadline = hostDeadlineNs;
    this.callback = fire;
    this.armCount++;
  }

  cancel(): void {
    if (this.callback) this.cancelCount++;
    this.deadline = undefined;
    this.callback = undefined;
  }

  /** Run the armed callback now, whatever the time (an idle waker, or a test of a misbehaving waker). */
  fire(): boolean {
    const fire = this.callback;
    if (!fire) return false;
    this.deadline = undefined;
    this.callback = undefined;
    fire();
    return true;
  }

  /**
   * As a real waker would: move the host clock to the armed deadline (plus `lateNs`, how late the
   * wakeup is) unless it is already past it, then fire. Returns false if nothing was armed.
   */
  fireAtDeadline(lateNs = 0): boolean {
    if (!this.host) throw new Error('fireAtDeadline needs the fake host clock');
    if (this.deadline === undefined) return false;
    const at = this.deadline + lateNs;
    if (at > this.host.ns) this.host.set(at);
    return this.fire();
  }

  /**
   * Let host time run to `hostNs`, firing every wakeup armed on the way at its deadline (in order,
   * including ones armed by the callbacks). Returns how many wakeups fired.
   */
  runUntil(hostNs: number, maxWakeups = 100_000): number {
    if (!this.host) throw new Error('runUntil needs the fake host clock');
    let fired = 0;
    while (this.deadline !== undefined && this.deadline <= hostNs) {
      if (++fired > maxWakeups) throw new Error(`more than ${maxWakeups} wakeups before ${hostNs}`);
      this.fireAtDeadline();
    }
    if (hostNs > this.host.ns) this.host.set(hostNs);
    return fired;
  }
}
