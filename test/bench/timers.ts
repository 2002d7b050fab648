import { monotonicHostClock } from '../../src/main/machine/clock/host-clock';
import { TimerQueue } from '../../src/main/machine/clock/timer-queue';
import { VirtualClock } from '../../src/main/machine/clock/virtual-clock';
import { Tracer } from '../../src/main/machine/trace';
import { percentile, round, sortedCopy } from './stats';

import { readFileSync } from 'node:fs';

export interface TimerFigures {
  timer_p50_us: number;
  timer_p99_us: number;
  timer_early: number;
  settimeout_p50_us: number;
  settimeout_p99_us: number;
  settimeout_early: number;
  /** CPU time the hypervisor took from this VM during the run (Linux "steal"): a noisy host shows here. */
  timer_run_steal_ms: number;
}

/** Total steal time of all CPUs in ms, from /proc/stat (0 where unavailable). */
function stealMs(): number {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    return Number(cpu[8] ?? 0) * 10; // USER_HZ = 100
  } catch {
    return 0;
  }
}

/** Delays between 1 and 10 ms, the same list for both kinds of timer. */
function delaysNs(count: number): number[] {
  let seed = 0x2545f491;
  return Array.from({ length: count }, () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return 1e6 + (seed % 9_000_000);
  });
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Lateness of our virtual-clock timers against plain setTimeout over the same deadlines in the same run.
 * Each deadline is armed on an idle event loop and measured on the host clock when the callback runs;
 * negative lateness means the callback ran early.
 */
export async function measureTimers(count = 1000): Promise<TimerFigures> {
  const host = monotonicHostClock;
  const clock = new VirtualClock(host);
  const timers = new TimerQueue(clock, new Tracer());
  clock.resume();
  const ours: number[] = [];
  const plain: number[] = [];
  const stealBefore = stealMs();
  for (const delay of delaysNs(count)) {
    await settle();
    await new Promise<void>((resolve) => {
      const deadline = clock.now() + delay;
      const hostDeadline = clock.hostInstantOf(deadline)!;
      const timer = timers.create('bench', () => {
        ours.push(host.nowNs() - hostDeadline);
        resolve();
      });
      timer.mod(deadline);
    });
    await settle();
    await new Promise<void>((resolve) => {
      const hostDeadline = host.nowNs() + delay;
      setTimeout(() => {
        plain.push(host.nowNs() - hostDeadline);
        resolve();
      }, delay / 1e6);
    });
  }
  timers.dispose();
  const o = sortedCopy(ours);
  const p = sortedCopy(plain);
  return {
    timer_p50_us: round(percentile(o, 50) / 1e3),
    timer_p99_us: round(percentile(o, 99) / 1e3),
    timer_early: ours.filter((l) => l < 0).length,
    settimeout_p50_us: round(percentile(p, 50) / 1e3),
    settimeout_p99_us: round(percentile(p, 99) / 1e3),
    settimeout_early: plain.filter((l) => l < 0).length,
    timer_run_steal_ms: stealMs() - stealBefore,
  };
}
