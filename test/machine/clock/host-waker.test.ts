import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventKind, type Source } from '../../../src/common/trace/schema';
import { monotonicHostClock, type HostClock } from '../../../src/main/machine/clock/host-clock';
import { ImmediateWaker, PreciseWaker } from '../../../src/main/machine/clock/host-waker';
import { TimerQueue } from '../../../src/main/machine/clock/timer-queue';
import { VirtualClock } from '../../../src/main/machine/clock/virtual-clock';
import { Tracer, type TraceSink } from '../../../src/main/machine/trace';

// Real time. These tests assert what must always hold (never early, everything fires, nothing spins or
// blocks while no deadline is near) and no upper bound on lateness: that is a figure for `npm run bench`.

const MS = 1_000_000;
const host = monotonicHostClock;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Deadlines 1-5 ms ahead from a fixed pseudo-random sequence. */
function aheadNs(count: number): number[] {
  let seed = 0x1234567;
  return Array.from({ length: count }, () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return MS + (seed % (4 * MS));
  });
}

class FireSink implements TraceSink {
  readonly lateness = new Map<number, number>();
  record(kind: EventKind, _s: Source, addr: number, _size: number, _f: number, lo: number, hi: number): void {
    if (kind === EventKind.TimerFire) this.lateness.set(addr, hi * 2 ** 32 + lo);
  }
  recordText(): void {}
}

/** Counts host clock reads: a spinning waker reads it millions of times. */
function countingHost(): HostClock & { reads: number } {
  return {
    reads: 0,
    nowNs() {
      this.reads++;
      return host.nowNs();
    },
  };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.splice(0).forEach((c) => c());
  vi.restoreAllMocks();
});

function realQueue(hostClock: HostClock = host) {
  const clock = new VirtualClock(hostClock);
  const trace = new Tracer();
  const sink = new FireSink();
  trace.attach(sink);
  const queue = new TimerQueue(clock, trace, { waker: new PreciseWaker(hostClock) });
  cleanups.push(() => queue.dispose());
  clock.resume();
  return { clock, queue, sink };
}

describe('PreciseWaker', () => {
  it('never fires before the host deadline, including re-arms from inside the callback', async () => {
    const waker = new PreciseWaker(host, { leadNs: 0 });
    cleanups.push(() => waker.cancel());
    const delays = aheadNs(200);
    const early: number[] = [];
    let inArm = false;
    let firedInsideArm = 0;
    await new Promise<void>((resolve) => {
      let i = 0;
      const armNext = () => {
        const deadline = host.nowNs() + delays[i]!;
        inArm = true;
        waker.arm(deadline, () => {
          if (inArm) firedInsideArm++;
          const late = host.nowNs() - deadline;
          if (late < 0) early.push(late);
          if (++i < delays.length) armNext(); // re-arm from inside the fire callback
          else resolve();
        });
        inArm = false;
      };
      armNext();
    });
    expect(early).toEqual([]);
    expect(firedInsideArm).toBe(0);
  });

  it('with a lead, calls back no earlier than the deadline minus the lead (the caller finishes the wait)', async () => {
    const lead = 50_000;
    const waker = new PreciseWaker(host, { leadNs: lead });
    cleanups.push(() => waker.cancel());
    expect(waker.leadNs).toBe(lead);
    const tooEarly: number[] = [];
    for (const delay of aheadNs(50)) {
      await new Promise<void>((resolve) => {
        const deadline = host.nowNs() + delay;
        waker.arm(deadline, () => {
          const late = host.nowNs() - (deadline - lead);
          if (late < 0) tooEarly.push(late);
          resolve();
        });
      });
    }
    expect(tooEarly).toEqual([]);
  });

  it('fires a deadline already past on a later turn, not inside arm()', async () => {
    const waker = new PreciseWaker(host, { leadNs: 0 });
    let fired = false;
    waker.arm(host.nowNs() - MS, () => (fired = true));
    expect(fired).toBe(false);
    await nextTurn();
    await nextTurn();
    expect(fired).toBe(true);
  });

  it.each([
    ['far (coarse sleep)', 20 * MS],
    ['near (final phase next turn)', MS / 2],
  ])('cancel before a %s deadline means no call, and leaves no timer or immediate behind', async (_label, ahead) => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate').length;
    const waker = new PreciseWaker(host, { leadNs: 0 });
    let fired = false;
    waker.arm(host.nowNs() + ahead, () => (fired = true));
    waker.cancel();
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate').length;
    expect(after).toBe(before);
    await sleep(ahead / MS + 10);
    expect(fired).toBe(false);
  });

  it('re-arming replaces the previous wakeup', async () => {
    const waker = new PreciseWaker(host, { leadNs: 0 });
    const calls: string[] = [];
    waker.arm(host.nowNs() + MS, () => calls.push('first'));
    await new Promise<void>((resolve) => waker.arm(host.nowNs() + 2 * MS, () => (calls.push('second'), resolve())));
    await sleep(5);
    expect(calls).toEqual(['second']);
  });

  it('a callback that cancels or re-arms its own waker is safe', async () => {
    const waker = new PreciseWaker(host, { leadNs: 0 });
    const calls: string[] = [];
    await new Promise<void>((resolve) =>
      waker.arm(host.nowNs() + MS, () => {
        calls.push('a');
        waker.cancel();
        waker.arm(host.nowNs() + MS, () => (calls.push('b'), resolve()));
      }),
    );
    await sleep(5);
    expect(calls).toEqual(['a', 'b']);
  });

  it('arms a deadline beyond setTimeout range without an overflow warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    cleanups.push(() => process.off('warning', onWarning));
    const waker = new PreciseWaker(host, { leadNs: 0 });
    cleanups.push(() => waker.cancel());
    let fired = false;
    waker.arm(host.nowNs() + 40 * 86_400_000 * MS, () => (fired = true)); // 40 days
    await sleep(20);
    expect(fired).toBe(false);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });
});

describe('TimerQueue on the real PreciseWaker', () => {
  it('fires a few hundred timers 1-5 ms ahead, every one of them, none early', async () => {
    const { clock, queue, sink } = realQueue();
    const delays = aheadNs(300);
    const hostEarly: number[] = [];
    const fired = new Set<number>();
    const ids: number[] = [];
    // In rounds of 30 armed together, so the queue holds many timers and wakes for each head in turn.
    for (let round = 0; round < delays.length / 30; round++) {
      await new Promise<void>((resolve) => {
        let left = 30;
        for (const delay of delays.slice(round * 30, round * 30 + 30)) {
          const deadline = clock.now() + delay;
          const hostDeadline = clock.hostInstantOf(deadline)!;
          const t = queue.create('t', () => {
            if (host.nowNs() < hostDeadline) hostEarly.push(host.nowNs() - hostDeadline);
            if (clock.now() < deadline) hostEarly.push(clock.now() - deadline);
            fired.add(t.id);
            if (--left === 0) resolve();
          });
          ids.push(t.id);
          t.mod(deadline);
        }
      });
    }
    expect(hostEarly).toEqual([]);
    expect(fired.size).toBe(300);
    expect([...sink.lateness.keys()].sort((a, b) => a - b)).toEqual(ids);
    for (const late of sink.lateness.values()) expect(late).toBeGreaterThanOrEqual(0);
    expect(queue.size).toBe(0);
  });

  it('fires on time in slow motion too', async () => {
    const { clock, queue, sink } = realQueue();
    clock.setSpeed(0.1);
    let count = 0;
    const early: number[] = [];
    await new Promise<void>((resolve) => {
      for (const delay of aheadNs(20)) {
        const deadline = clock.now() + delay / 10; // 0.1-0.5 ms virtual = 1-5 ms host
        queue.create('slow', () => {
          if (clock.now() < deadline) early.push(clock.now() - deadline);
          if (++count === 20) resolve();
        }).mod(deadline);
      }
    });
    expect(early).toEqual([]);
    expect(sink.lateness.size).toBe(20);
    for (const late of sink.lateness.values()) expect(late).toBeGreaterThanOrEqual(0);
  });

  it('a timer does not fire while the clock is paused between arm and fire, and fires after resume', async () => {
    const { clock, queue, sink } = realQueue();
    let fired = 0;
    const far = queue.create('far', () => fired++);
    const near = queue.create('near', () => fired++);
    far.mod(clock.now() + 3 * MS); // sleeping in setTimeout when paused
    near.mod(clock.now() + MS / 2); // its final phase already queued when paused
    clock.pause();
    const pausedAt = clock.now();
    await sleep(15);
    expect(fired).toBe(0);
    expect(clock.now()).toBe(pausedAt);
    clock.resume();
    await vi.waitFor(() => expect(fired).toBe(2), { timeout: 5_000, interval: 2 });
    for (const late of sink.lateness.values()) expect(late).toBeGreaterThanOrEqual(0);
  });

  it('neither spins nor blocks the event loop while no deadline is near', async () => {
    const counting = countingHost();
    const { clock, queue } = realQueue(counting);
    const wait = vi.spyOn(Atomics, 'wait');
    let fired = false;
    let firedAt = 0;
    const deadline = clock.now() + 500 * MS; // far enough that a stalled test machine does not reach it
    queue.create('far', () => {
      fired = true;
      firedAt = clock.now();
    }).mod(deadline);
    const readsAfterArm = counting.reads;

    // The loop keeps turning: an immediate and a zero timeout both run while the timer is pending.
    const ranBeforeFire: boolean[] = [];
    await new Promise<void>((resolve) => setImmediate(() => (ranBeforeFire.push(!fired), resolve())));
    await new Promise<void>((resolve) => setTimeout(() => (ranBeforeFire.push(!fired), resolve()), 0));
    await sleep(100);
    expect(ranBeforeFire).toEqual([true, true]);
    expect(fired).toBe(false);
    // A spin would read the host clock millions of times; a blocking wait would call Atomics.wait.
    expect(counting.reads - readsAfterArm).toBeLessThan(50);
    expect(wait).not.toHaveBeenCalled();

    await vi.waitFor(() => expect(fired).toBe(true), { timeout: 5_000, interval: 10 });
    expect(firedAt).toBeGreaterThanOrEqual(deadline);
    // Only the final approach blocked, once, for less than the coarse margin.
    expect(wait.mock.calls.length).toBeLessThanOrEqual(1);
    for (const call of wait.mock.calls) expect(call[3]).toBeLessThanOrEqual(2);
  });

  it('dispose cancels the pending wakeup', async () => {
    const { clock, queue } = realQueue();
    let fired = false;
    queue.create('t', () => (fired = true)).mod(clock.now() + MS);
    queue.dispose();
    await sleep(10);
    expect(fired).toBe(false);
  });
});

describe('ImmediateWaker', () => {
  it('runs on the next turn, at most once, and can be cancelled', async () => {
    const waker = new ImmediateWaker();
    const calls: number[] = [];
    waker.arm(0, () => calls.push(1));
    waker.arm(0, () => calls.push(2));
    expect(calls).toEqual([]);
    await nextTurn();
    expect(calls).toEqual([2]);
    waker.arm(0, () => calls.push(3));
    waker.cancel();
    await nextTurn();
    expect(calls).toEqual([2]);
  });
});
