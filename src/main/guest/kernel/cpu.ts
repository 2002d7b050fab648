import type { GuestPlatform, RunState } from '../../machine/platform';
import { Interrupted } from './errors';

/**
 * The guest's one CPU, as far as software can tell: it runs only while the machine runs, it is idle
 * while every guest context is blocked (which lets deterministic mode warp time), and it takes
 * interrupts between accesses. Guest code is JavaScript on the host's main thread, so "between
 * instructions" means: after each access the kernel's I/O helpers make, and whenever guest code awaits.
 */
export class Cpu {
  private blocked = 0;
  private resumeWaiters: (() => void)[] = [];
  private readonly unsubscribe: () => void;

  constructor(private readonly platform: GuestPlatform) {
    this.unsubscribe = platform.onRunStateChange((state) => {
      if (state === 'running') this.wakeResumeWaiters();
    });
  }

  get runState(): RunState {
    return this.platform.runState;
  }

  get running(): boolean {
    return this.platform.runState === 'running';
  }

  /**
   * A point where guest code may be held: it returns once the machine runs (at once if it does), and
   * throws Interrupted if `signal` fires meanwhile. Long loops in guest code call it every iteration.
   */
  async checkpoint(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new Interrupted();
    if (this.running) return;
    await this.blockOn(
      new Promise<void>((resolve) => this.resumeWaiters.push(resolve)),
      signal,
    );
  }

  /**
   * Wait for `promise` with the CPU counted as idle (halted), so the clock may warp to the next timer
   * in deterministic mode. Rejects with Interrupted when `signal` fires.
   */
  async blockOn<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new Interrupted();
    this.blocked++;
    if (this.blocked === 1) this.platform.setCpuIdle(true);
    let onAbort: (() => void) | undefined;
    try {
      if (!signal) return await promise;
      return await Promise.race([
        promise,
        new Promise<never>((_, reject) => {
          onAbort = () => reject(new Interrupted());
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      this.blocked--;
      if (this.blocked === 0) this.platform.setCpuIdle(false);
    }
  }

  dispose(): void {
    this.unsubscribe();
    this.wakeResumeWaiters();
  }

  private wakeResumeWaiters(): void {
    const waiters = this.resumeWaiters;
    this.resumeWaiters = [];
    for (const w of waiters) w();
  }
}
