import { describe, expect, it } from 'vitest';
import { VirtualClock, type ClockChange } from '../../../src/main/machine/clock/virtual-clock';
import { FakeHostClock } from '../../support/fake-clock';

const MS = 1_000_000;

function setup(startNs = 5_000_000_000) {
  const host = new FakeHostClock(startNs);
  const clock = new VirtualClock(host);
  return { host, clock };
}

describe('VirtualClock', () => {
  it('starts paused at 0 and stands still until resumed', () => {
    const { host, clock } = setup();
    expect(clock.isRunning).toBe(false);
    expect(clock.now()).toBe(0);
    host.advance(10 * MS);
    expect(clock.now()).toBe(0);
  });

  it('advances with the host clock while running, in whole nanoseconds', () => {
    const { host, clock } = setup();
    clock.resume();
    host.advance(3 * MS);
    expect(clock.now()).toBe(3 * MS);
    host.advance(0.75); // sub-nanosecond host readings do not leak fractions
    expect(clock.now()).toBe(3 * MS);
    host.advance(0.5);
    expect(clock.now()).toBe(3 * MS + 1);
  });

  it('is frozen while paused and continues from where it stopped', () => {
    const { host, clock } = setup();
    clock.resume();
    host.advance(2 * MS);
    clock.pause();
    expect(clock.now()).toBe(2 * MS);
    host.advance(50 * MS);
    expect(clock.now()).toBe(2 * MS);
    clock.resume();
    expect(clock.now()).toBe(2 * MS);
    host.advance(MS);
    expect(clock.now()).toBe(3 * MS);
  });

  it.each([1, 0.1, 0.01])('runs at speed %s', (speed) => {
    const { host, clock } = setup();
    clock.setSpeed(speed);
    clock.resume();
    host.advance(100 * MS);
    expect(clock.now()).toBe(Math.round(100 * MS * speed));
    expect(clock.speed).toBe(speed);
  });

  it('rebases on a speed change without a jump', () => {
    const { host, clock } = setup();
    clock.resume();
    host.advance(10 * MS);
    clock.setSpeed(0.01);
    expect(clock.now()).toBe(10 * MS);
    host.advance(100 * MS);
    expect(clock.now()).toBe(11 * MS);
    clock.setSpeed(0.1);
    expect(clock.now()).toBe(11 * MS);
    host.advance(10 * MS);
    expect(clock.now()).toBe(12 * MS);
    clock.setSpeed(1);
    expect(clock.now()).toBe(12 * MS);
    host.advance(MS);
    expect(clock.now()).toBe(13 * MS);
  });

  it('keeps its speed across pause and resume, and can change it while paused', () => {
    const { host, clock } = setup();
    clock.setSpeed(0.1);
    clock.resume();
    host.advance(10 * MS);
    clock.pause();
    clock.setSpeed(0.01);
    host.advance(10 * MS);
    expect(clock.now()).toBe(MS);
    clock.resume();
    host.advance(100 * MS);
    expect(clock.now()).toBe(2 * MS);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses speed %s', (speed) => {
    const { clock } = setup();
    expect(() => clock.setSpeed(speed)).toThrow(RangeError);
    expect(clock.speed).toBe(1);
  });

  it('never goes backwards across pause, resume, speed, mode changes and warps', () => {
    const { host, clock } = setup();
    // A fixed pseudo-random script of operations and awkward host steps (fractions of a nanosecond).
    let seed = 12345;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const speeds = [1, 0.1, 0.01, 0.37, 1 / 3];
    let last = clock.now();
    for (let i = 0; i < 5000; i++) {
      host.advance(rand() < 0.2 ? rand() : rand() * 3 * MS);
      const op = Math.floor(rand() * 6);
      if (op === 0) clock.pause();
      else if (op === 1) clock.resume();
      else if (op === 2) clock.setSpeed(speeds[Math.floor(rand() * speeds.length)]!);
      else if (op === 3) clock.setDeterministic(rand() < 0.5);
      else if (op === 4 && (!clock.isRunning || clock.deterministic)) clock.warpTo(last + rand() * MS);
      const now = clock.now();
      expect(Number.isInteger(now)).toBe(true);
      expect(now).toBeGreaterThanOrEqual(last);
      last = now;
    }
  });

  it('maps a host instant read before a rebase to no earlier than the rebase point', () => {
    const { host, clock } = setup();
    clock.resume();
    host.advance(10 * MS);
    const stale = host.nowNs() - MS; // read by a recorder before the speed change below
    clock.setSpeed(0.01);
    expect(clock.virtualAt(stale)).toBe(10 * MS);
    clock.pause();
    host.advance(MS);
    clock.resume();
    expect(clock.virtualAt(host.nowNs() - 1)).toBe(10 * MS);
  });

  describe('deterministic mode', () => {
    it('is frozen while running, moving only by warps', () => {
      const { host, clock } = setup();
      clock.resume();
      host.advance(5 * MS);
      clock.setDeterministic(true);
      expect(clock.deterministic).toBe(true);
      expect(clock.now()).toBe(5 * MS);
      host.advance(100 * MS);
      expect(clock.now()).toBe(5 * MS);
      clock.warpTo(7 * MS);
      expect(clock.now()).toBe(7 * MS);
      host.advance(100 * MS);
      expect(clock.now()).toBe(7 * MS);
    });

    it('warps never go backwards and round up to whole nanoseconds', () => {
      const { clock } = setup();
      clock.setDeterministic(true);
      clock.resume();
      clock.warpTo(1000);
      clock.warpTo(500);
      expect(clock.now()).toBe(1000);
      clock.warpTo(1000.2);
      expect(clock.now()).toBe(1001);
      expect(() => clock.warpTo(Number.NaN)).toThrow(RangeError);
      expect(clock.now()).toBe(1001);
    });

    it('follows the host again from the warped time when switched off', () => {
      const { host, clock } = setup();
      clock.setDeterministic(true);
      clock.resume();
      clock.warpTo(40 * MS);
      host.advance(100 * MS);
      clock.setDeterministic(false);
      expect(clock.now()).toBe(40 * MS);
      host.advance(MS);
      expect(clock.now()).toBe(41 * MS);
    });

    it('has no host instant for a deadline: only a warp reaches it', () => {
      const { clock } = setup();
      clock.setDeterministic(true);
      clock.resume();
      expect(clock.hostInstantOf(MS)).toBeUndefined();
    });
  });

  it('refuses to warp while following the host, allows it while paused', () => {
    const { host, clock } = setup();
    clock.resume();
    host.advance(MS);
    expect(() => clock.warpTo(10 * MS)).toThrow(/follows the host/);
    expect(clock.now()).toBe(MS);
    clock.pause();
    clock.warpTo(10 * MS);
    expect(clock.now()).toBe(10 * MS);
    clock.resume();
    host.advance(MS);
    expect(clock.now()).toBe(11 * MS);
  });

  describe('hostInstantOf', () => {
    it('is undefined while paused', () => {
      const { clock } = setup();
      expect(clock.hostInstantOf(MS)).toBeUndefined();
    });

    it('is the first host instant at which the virtual time is reached', () => {
      const { host, clock } = setup(1_000_000_000.3);
      clock.setSpeed(0.1);
      clock.resume();
      host.advance(12_345.678);
      const v = clock.now() + 777;
      const h = clock.hostInstantOf(v)!;
      expect(clock.virtualAt(h)).toBeGreaterThanOrEqual(v);
      expect(clock.virtualAt(h - 10)).toBeLessThan(v); // 10 host ns = 1 virtual ns at speed 0.1
    });

    it('is now or earlier for a time already reached', () => {
      const { host, clock } = setup();
      clock.resume();
      host.advance(5 * MS);
      expect(clock.hostInstantOf(MS)!).toBeLessThanOrEqual(host.nowNs());
      expect(clock.virtualAt(clock.hostInstantOf(MS)!)).toBeGreaterThanOrEqual(MS);
    });

    it.each([1, 0.1, 0.01, 0.37, 1 / 3, 0.999999])(
      'wakes a timer armed for it no earlier than its deadline (speed %s, large host times)',
      (speed) => {
        // Host times of days of uptime with fractional parts make the rounding in the conversion bite.
        let seed = 99;
        const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
        for (const base of [1e9 + 0.123, 3.7e14 + 0.5, 4e15 + 0.25]) {
          const { host, clock } = setup(base);
          clock.setSpeed(speed);
          clock.resume();
          for (let i = 0; i < 500; i++) {
            host.advance(rand() * 1e7 + rand());
            if (i % 50 === 0) clock.setSpeed(speed); // rebase at an awkward fractional host time
            const v = clock.now() + 1 + Math.floor(rand() * 1e8);
            const h = clock.hostInstantOf(v)!;
            expect(h).toBeGreaterThan(host.nowNs());
            host.set(h);
            expect(clock.now()).toBeGreaterThanOrEqual(v);
          }
        }
      },
    );
  });

  it('tells listeners what changed, and stops after unsubscribing', () => {
    const { clock } = setup();
    const seen: ClockChange[] = [];
    const off = clock.onChange((c) => seen.push(c));
    clock.resume();
    clock.setSpeed(0.1);
    clock.setDeterministic(true);
    clock.warpTo(100);
    clock.warpTo(50); // not a change
    clock.pause();
    clock.pause(); // not a change
    off();
    clock.resume();
    expect(seen).toEqual(['resume', 'speed', 'mode', 'warp', 'pause']);
  });
});
