import { describe, expect, it } from 'vitest';
import { EventKind, type Source } from '../../../src/common/trace/schema';
import { TimerQueue } from '../../../src/main/machine/clock/timer-queue';
import { VirtualClock } from '../../../src/main/machine/clock/virtual-clock';
import { Tracer, type TraceSink } from '../../../src/main/machine/trace';
import { FakeHostClock, ManualWaker } from '../../support/fake-clock';

const MS = 1_000_000;

interface Recorded {
  kind: EventKind;
  addr: number;
  value: number;
  /** virtual time when recorded */
  at: number;
}

/** Records timer events with the virtual time they happened at, as the session recorder would. */
class TimerSink implements TraceSink {
  readonly events: Recorded[] = [];
  constructor(private readonly clock: VirtualClock) {}
  record(kind: EventKind, _source: Source, addr: number, _size: number, _flags: number, lo: number, hi: number): void {
    this.events.push({ kind, addr, value: hi * 2 ** 32 + lo, at: this.clock.now() });
  }
  recordText(): void {}
  of(kind: EventKind): Recorded[] {
    return this.events.filter((e) => e.kind === kind);
  }
}

function setup({ running = true, deterministic = false } = {}) {
  const host = new FakeHostClock();
  const clock = new VirtualClock(host);
  const waker = new ManualWaker(host);
  const idle = new ManualWaker();
  const trace = new Tracer();
  const sink = new TimerSink(clock);
  trace.attach(sink);
  const queue = new TimerQueue(clock, trace, { waker, idleWaker: idle });
  clock.setDeterministic(deterministic);
  if (running) clock.resume();
  const log: string[] = [];
  const timer = (name: string, then?: () => void) =>
    queue.create(name, () => {
      log.push(name);
      then?.();
    });
  return { host, clock, waker, idle, sink, queue, log, timer };
}

describe('TimerQueue', () => {
  describe('ordering', () => {
    it('fires by deadline, ties in the order they were armed', () => {
      const { clock, waker, queue, log, timer } = setup();
      timer('c').mod(30);
      timer('a1').mod(10);
      timer('b').mod(20);
      timer('a2').mod(10);
      timer('a3').mod(10);
      expect(queue.size).toBe(5);
      expect(queue.nextDeadline()).toBe(10);
      waker.runUntil(clock.hostInstantOf(100)!);
      expect(log).toEqual(['a1', 'a2', 'a3', 'b', 'c']);
      expect(queue.size).toBe(0);
    });

    it('re-arming moves a timer and puts it behind others with the same deadline', () => {
      const { clock, waker, queue, log, timer } = setup();
      const a = timer('a');
      const b = timer('b');
      a.mod(10);
      b.mod(10);
      a.mod(10); // re-armed: now after b
      expect(queue.size).toBe(2);
      waker.runUntil(clock.hostInstantOf(10)!);
      expect(log).toEqual(['b', 'a']);
    });

    it('mod re-arms a pending timer later or earlier, del cancels it', () => {
      const { clock, waker, queue, log, timer } = setup();
      const a = timer('a');
      const b = timer('b');
      a.mod(10 * MS);
      b.mod(20 * MS);
      a.mod(30 * MS);
      expect(a.deadline).toBe(30 * MS);
      expect(queue.nextDeadline()).toBe(20 * MS);
      b.mod(5 * MS);
      expect(queue.nextDeadline()).toBe(5 * MS);
      b.del();
      expect(b.pending).toBe(false);
      expect(b.deadline).toBeUndefined();
      b.del(); // twice is harmless
      waker.runUntil(clock.hostInstantOf(100 * MS)!);
      expect(log).toEqual(['a']);
      expect(clock.now()).toBe(100 * MS);
    });

    it('arms the host wakeup for the head only, and moves it when the head changes', () => {
      const { clock, waker, timer } = setup();
      const a = timer('a');
      const b = timer('b');
      a.mod(10 * MS);
      expect(waker.deadline).toBe(clock.hostInstantOf(10 * MS));
      b.mod(20 * MS);
      expect(waker.deadline).toBe(clock.hostInstantOf(10 * MS));
      a.mod(30 * MS); // the head moved later: no pointless early wakeup
      expect(waker.deadline).toBe(clock.hostInstantOf(20 * MS));
      b.del();
      expect(waker.deadline).toBe(clock.hostInstantOf(30 * MS));
      a.del();
      expect(waker.armed).toBe(false);
    });

    it('clamps negative deadlines to 0, floors fractions, refuses NaN and infinities', () => {
      const { queue, timer } = setup();
      const a = timer('a');
      a.mod(-5);
      expect(a.deadline).toBe(0);
      a.mod(12.9);
      expect(a.deadline).toBe(12);
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        expect(() => a.mod(bad)).toThrow(RangeError);
      }
      expect(a.deadline).toBe(12);
      expect(queue.size).toBe(1);
    });
  });

  describe('callbacks', () => {
    it('a periodic timer re-arms itself', () => {
      const { clock, waker, queue } = setup();
      const fired: number[] = [];
      const t = queue.create('tick', () => {
        fired.push(clock.now());
        if (fired.length < 5) t.mod(clock.now() + MS);
      });
      t.mod(MS);
      waker.runUntil(clock.hostInstantOf(100 * MS)!);
      expect(fired).toEqual([1, 2, 3, 4, 5].map((n) => n * MS));
    });

    it('a callback can arm, re-arm and cancel other timers', () => {
      const { clock, waker, queue, log, timer } = setup();
      const later = timer('later');
      const cancelled = timer('cancelled');
      const sameTime = timer('same-time');
      timer('first', () => {
        later.mod(clock.now() + MS);
        cancelled.del();
        sameTime.mod(clock.now()); // already due: runs on the next wakeup, at once
      }).mod(MS);
      cancelled.mod(2 * MS);
      waker.runUntil(clock.hostInstantOf(10 * MS)!);
      expect(log).toEqual(['first', 'same-time', 'later']);
      expect(queue.size).toBe(0);
    });

    it('a timer re-armed at the current time by its own callback does not hang a stopped clock', () => {
      const { clock, queue } = setup({ running: false });
      let count = 0;
      const t = queue.create('again', () => {
        count++;
        if (count < 100) t.mod(clock.now()); // bounded, so that a regression fails instead of hanging
      });
      t.mod(MS);
      expect(queue.step()).toBe(MS);
      expect(count).toBe(1);
      expect(queue.step()).toBe(MS); // each step runs one more round, time does not move
      expect(count).toBe(2);
      t.del();
    });

    it('a callback that pauses the clock (a hardware error) stops the pass; the rest fires on resume', () => {
      const { clock, waker, log, timer } = setup();
      timer('abort', () => clock.pause()).mod(MS);
      timer('same-time').mod(MS);
      waker.fireAtDeadline(10);
      expect(log).toEqual(['abort']);
      expect(waker.armed).toBe(false);
      clock.resume();
      waker.fireAtDeadline();
      expect(log).toEqual(['abort', 'same-time']);
    });

    it('a throwing callback propagates but leaves the queue armed for the rest', () => {
      const { clock, waker, log, timer } = setup();
      timer('boom', () => {
        throw new Error('boom');
      }).mod(MS);
      timer('next').mod(2 * MS);
      expect(() => waker.fireAtDeadline()).toThrow('boom');
      expect(waker.deadline).toBe(clock.hostInstantOf(2 * MS));
      waker.runUntil(clock.hostInstantOf(10 * MS)!);
      expect(log).toEqual(['boom', 'next']);
    });
  });

  describe('runDue', () => {
    it('fires only what is due, never early', () => {
      const { host, queue, log, timer } = setup();
      timer('a').mod(MS);
      timer('b').mod(2 * MS);
      expect(queue.runDue()).toBe(0);
      host.advance(MS - 1);
      expect(queue.runDue()).toBe(0);
      host.advance(1);
      expect(queue.runDue()).toBe(1);
      expect(log).toEqual(['a']);
      host.advance(5 * MS);
      expect(queue.runDue()).toBe(1);
      expect(log).toEqual(['a', 'b']);
    });

    it('a waker that fires early does not make a timer early', () => {
      const { host, clock, waker, log, timer } = setup();
      timer('a').mod(MS);
      host.advance(MS / 2);
      waker.fire(); // a misbehaving waker: half a millisecond early
      expect(log).toEqual([]);
      expect(waker.deadline).toBe(clock.hostInstantOf(MS)); // re-armed for the real deadline
      waker.fireAtDeadline();
      expect(log).toEqual(['a']);
    });
  });

  describe('tracing', () => {
    it('records each arm with its deadline and each firing with its lateness', () => {
      const { clock, waker, sink, queue, timer } = setup();
      const a = timer('a');
      const b = timer('b');
      a.mod(MS);
      b.mod(3 * MS);
      waker.fireAtDeadline(); // on time
      waker.fireAtDeadline(250_000); // 250 us late
      expect(sink.of(EventKind.TimerArm)).toEqual([
        expect.objectContaining({ addr: a.id, value: MS }),
        expect.objectContaining({ addr: b.id, value: 3 * MS }),
      ]);
      const fires = sink.of(EventKind.TimerFire);
      expect(fires).toEqual([
        expect.objectContaining({ addr: a.id, value: 0, at: MS }),
        expect.objectContaining({ addr: b.id, value: 250_000, at: 3 * MS + 250_000 }),
      ]);
      for (const f of fires) expect(f.value).toBeGreaterThanOrEqual(0);
      // deadline = firing time - lateness
      expect(fires.map((f) => f.at - f.value)).toEqual([MS, 3 * MS]);
      expect(queue.size).toBe(0);
      expect(clock.now()).toBe(3 * MS + 250_000);
    });

    it('records lateness in virtual nanoseconds under slow motion', () => {
      const { clock, waker, sink, timer } = setup();
      clock.setSpeed(0.01);
      timer('slow').mod(MS);
      expect(waker.deadline! - clock.hostInstantOf(0)!).toBeGreaterThanOrEqual(100 * MS);
      waker.fireAtDeadline(100_000); // 100 us of host time late = 1 us of virtual time
      expect(sink.of(EventKind.TimerFire)[0]!.value).toBe(1000);
    });

    it('with wide deadlines and lateness, values above 32 bits survive', () => {
      const { clock, waker, sink, timer } = setup();
      const far = 10_000 * MS; // 10 s > 2^32 ns
      timer('far').mod(far);
      waker.fireAtDeadline(5_000 * MS);
      expect(sink.of(EventKind.TimerArm)[0]!.value).toBe(far);
      expect(sink.of(EventKind.TimerFire)[0]!.value).toBe(5_000 * MS);
      expect(clock.now()).toBe(15_000 * MS);
    });
  });

  describe('pause, speed and step', () => {
    it('a paused clock has no wakeup armed; resuming re-arms it for the remaining time', () => {
      const { host, clock, waker, log, timer } = setup();
      timer('a').mod(10 * MS);
      host.advance(4 * MS);
      clock.pause();
      expect(waker.armed).toBe(false);
      host.advance(100 * MS);
      clock.resume();
      expect(waker.deadline).toBe(host.nowNs() + 6 * MS);
      waker.fireAtDeadline();
      expect(log).toEqual(['a']);
      expect(clock.now()).toBe(10 * MS);
    });

    it('a speed change re-arms the wakeup for the new rate', () => {
      const { host, clock, waker, timer } = setup();
      timer('a').mod(10 * MS);
      host.advance(4 * MS);
      clock.setSpeed(0.1);
      expect(waker.deadline).toBe(host.nowNs() + 60 * MS);
    });

    it('step warps a paused clock to the next deadline and fires what is due there', () => {
      const { clock, waker, queue, log, timer } = setup({ running: false });
      timer('b').mod(20 * MS);
      timer('a1').mod(10 * MS);
      timer('a2').mod(10 * MS);
      expect(queue.step()).toBe(10 * MS);
      expect(clock.now()).toBe(10 * MS);
      expect(log).toEqual(['a1', 'a2']);
      expect(waker.armed).toBe(false); // still paused
      expect(queue.step()).toBe(20 * MS);
      expect(log).toEqual(['a1', 'a2', 'b']);
      expect(queue.step()).toBeUndefined();
      expect(clock.now()).toBe(20 * MS);
    });

    it('step fires an overdue head where the clock stands, without going back', () => {
      const { host, clock, queue, sink, log, timer } = setup();
      timer('a').mod(MS);
      host.advance(3 * MS); // the wakeup has not run yet when the machine pauses
      clock.pause();
      expect(queue.step()).toBe(3 * MS);
      expect(log).toEqual(['a']);
      expect(sink.of(EventKind.TimerFire)[0]!.value).toBe(2 * MS);
    });

    it('step refuses while the clock follows the host', () => {
      const { queue, timer } = setup();
      timer('a').mod(MS);
      expect(() => queue.step()).toThrow(/follows the host/);
    });
  });

  describe('deterministic mode', () => {
    it('warps idle time to each deadline in turn, from the idle loop', () => {
      const { host, clock, waker, idle, queue, log } = setup({ deterministic: true });
      const fired: number[] = [];
      const t = queue.create('tick', () => {
        log.push('tick');
        fired.push(clock.now());
        if (fired.length < 3) t.mod(clock.now() + 100 * MS);
      });
      t.mod(100 * MS);
      expect(waker.armed).toBe(false); // never the host waker
      host.advance(1e12); // host time is irrelevant
      expect(clock.now()).toBe(0);
      while (idle.fire()) {
        /* each idle turn warps once */
      }
      expect(fired).toEqual([100 * MS, 200 * MS, 300 * MS]);
      expect(clock.now()).toBe(300 * MS);
      expect(queue.size).toBe(0);
    });

    it('is reproducible: the same script gives the same times', () => {
      const run = () => {
        const { clock, idle, queue } = setup({ deterministic: true });
        const times: number[] = [];
        const a = queue.create('a', () => {
          times.push(clock.now());
          if (times.length < 10) a.mod(clock.now() + 7 * MS + times.length);
        });
        const b = queue.create('b', () => times.push(-clock.now()));
        a.mod(3 * MS);
        b.mod(20 * MS);
        while (idle.fire()) {
          /* run to quiescence */
        }
        return times;
      };
      expect(run()).toEqual(run());
    });

    it('does not warp while the CPU is busy', () => {
      const { clock, idle, queue, log, timer } = setup({ deterministic: true });
      queue.setCpuIdle(false);
      timer('a').mod(MS);
      expect(idle.armed).toBe(false);
      queue.setCpuIdle(true);
      expect(idle.fire()).toBe(true);
      expect(log).toEqual(['a']);
      expect(clock.now()).toBe(MS);
    });

    it('does not warp while a hold is outstanding, and releasing twice is harmless', () => {
      const { clock, idle, queue, log, timer } = setup({ deterministic: true });
      const release1 = queue.hold();
      const release2 = queue.hold();
      timer('a').mod(MS);
      expect(idle.armed).toBe(false);
      release1();
      release1();
      expect(idle.armed).toBe(false);
      release2();
      expect(idle.fire()).toBe(true);
      expect(log).toEqual(['a']);
      expect(clock.now()).toBe(MS);
    });

    it('a hold taken after a warp was queued cancels that warp', () => {
      const { clock, idle, queue, log, timer } = setup({ deterministic: true });
      timer('a').mod(MS);
      expect(idle.armed).toBe(true);
      const release = queue.hold(); // e.g. a factorial started from an I/O callback before the idle turn
      idle.fire();
      expect(log).toEqual([]);
      expect(clock.now()).toBe(0);
      release();
      idle.fire();
      expect(log).toEqual(['a']);
    });

    it('fires timers that are already due even while busy or held: only warping waits', () => {
      const { clock, idle, queue, log, timer } = setup({ deterministic: true });
      queue.setCpuIdle(false);
      const release = queue.hold();
      timer('now').mod(clock.now());
      timer('later').mod(clock.now() + MS);
      expect(idle.fire()).toBe(true);
      expect(log).toEqual(['now']);
      expect(idle.armed).toBe(false);
      release();
      queue.setCpuIdle(true);
      idle.fire();
      expect(log).toEqual(['now', 'later']);
    });

    it('does not warp while paused; step still works', () => {
      const { clock, idle, queue, log, timer } = setup({ deterministic: true, running: false });
      timer('a').mod(MS);
      expect(idle.armed).toBe(false);
      expect(queue.step()).toBe(MS);
      expect(log).toEqual(['a']);
      expect(clock.now()).toBe(MS);
    });

    it('switching modes moves the pending head between the idle and the host waker', () => {
      const { clock, waker, idle, timer } = setup();
      timer('a').mod(10 * MS);
      expect(waker.armed).toBe(true);
      clock.setDeterministic(true);
      expect(waker.armed).toBe(false);
      expect(idle.armed).toBe(true);
      clock.setDeterministic(false);
      expect(idle.armed).toBe(false);
      expect(waker.deadline).toBe(clock.hostInstantOf(10 * MS));
    });
  });

  describe('dispose', () => {
    it('cancels everything and ignores later use', () => {
      const { clock, waker, idle, queue, log, timer } = setup();
      const a = timer('a');
      const b = timer('b');
      a.mod(MS);
      b.mod(2 * MS);
      queue.dispose();
      expect(waker.armed).toBe(false);
      expect(idle.armed).toBe(false);
      expect(queue.size).toBe(0);
      expect(a.pending).toBe(false);
      expect(b.pending).toBe(false);
      a.mod(3 * MS);
      expect(a.pending).toBe(false);
      expect(waker.armed).toBe(false);
      clock.pause();
      clock.setDeterministic(true);
      clock.resume();
      queue.hold()();
      queue.setCpuIdle(false);
      expect(waker.armed || idle.armed).toBe(false);
      expect(queue.step()).toBeUndefined();
      expect(queue.runDue()).toBe(0);
      expect(log).toEqual([]);
    });
  });
});
