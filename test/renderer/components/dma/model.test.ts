import { describe, expect, it } from 'vitest';
import { EventFlag } from '../../../../src/common/trace/schema';
import {
  bufferSpanOf,
  checkDeviceRange,
  describeTransfer,
  dmaIrqPending,
  EMPTY_PROGRAM,
  formatMs,
  formatSeconds,
  guessDirection,
  hex64,
  hexAddr,
  highlightPlan,
  parseHex64,
  pendingProgress,
  phaseOf,
  programOf,
  ramWindow,
  rangeErrorOf,
  rangeRuleOf,
  readPlan,
  type DmaOutcome,
  type DmaProgram,
} from '../../../../src/renderer/src/components/dma/model';
import { MiB, registers } from './support';

const U64 = (1n << 64n) - 1n;
const prog = (p: Partial<DmaProgram>): DmaProgram => ({ ...EMPTY_PROGRAM, ...p });
const outcome = (flags: number, over: Partial<DmaOutcome> = {}): DmaOutcome => ({ seq: 1, vns: 0, flags, bytes: 16, completed: true, errorText: null, ...over });

describe('registers', () => {
  it('reads 0x… strings as unsigned 64-bit values', () => {
    expect(parseHex64('0x40000')).toBe(0x40000n);
    expect(parseHex64('0xffffffffffffffff')).toBe(U64);
    expect(parseHex64('0XAbC')).toBe(0xabcn);
    expect(parseHex64('')).toBe(0n);
    expect(parseHex64('12')).toBe(0n);
    expect(parseHex64(null)).toBe(0n);
  });

  it('takes the program from the registers', () => {
    expect(programOf(registers({ dmaSrc: '0x1000', dmaDst: '0x40000', dmaCount: '0x10', dmaCmd: '0x5' }))).toEqual({ src: 0x1000n, dst: 0x40000n, count: 16n, cmd: 5n });
    expect(programOf(null)).toEqual(EMPTY_PROGRAM);
  });
});

describe('direction', () => {
  it('RAM to device: the device side is the destination, RAM the source', () => {
    const t = describeTransfer(prog({ src: 0x1234000n, dst: 0x40010n, count: 16n, cmd: 0x5n }));
    expect(t.direction).toBe('to-device');
    expect(t.directionFrom).toBe('command');
    expect(t.deviceAddr).toBe(0x40010n);
    expect(t.ramAddr).toBe(0x1234000n);
    expect(t.run).toBe(true);
    expect(t.irq).toBe(true);
    expect(t.bufferSpan).toEqual({ from: 0x10, to: 0x20 });
  });

  it('device to RAM: the device side is the source, RAM the destination', () => {
    const t = describeTransfer(prog({ src: 0x40000n, dst: 0x2000n, count: 4n, cmd: 0x3n }));
    expect(t.direction).toBe('to-ram');
    expect(t.deviceAddr).toBe(0x40000n);
    expect(t.ramAddr).toBe(0x2000n);
    expect(t.irq).toBe(false);
  });

  it('before RUN, guesses the direction from which address points into the buffer', () => {
    // The command still holds the previous (RAM to device) transfer's bits.
    const p = prog({ src: 0x40000n, dst: 0x2000n, count: 4n, cmd: 0x4n });
    expect(guessDirection(p)).toBe('to-ram');
    expect(describeTransfer(p).direction).toBe('to-ram');
    expect(describeTransfer(p).directionFrom).toBe('addresses');
    expect(describeTransfer(p, { directionFrom: 'command' }).direction).toBe('to-device');
    expect(guessDirection(prog({ src: 0x2000n, dst: 0x40000n, cmd: 0x6n }))).toBe('to-device');
    // Neither (or both) in the buffer: the command bit decides.
    expect(guessDirection(prog({ src: 0x1000n, dst: 0x50000n, cmd: 0x2n }))).toBe('to-ram');
    expect(guessDirection(prog({ src: 0x40000n, dst: 0x40800n, cmd: 0x0n }))).toBe('to-device');
  });
});

describe('dma_mask', () => {
  it('clamps the RAM side with the default 28-bit mask', () => {
    const t = describeTransfer(prog({ src: 0x81234000n, dst: 0x40000n, count: 8n, cmd: 1n }));
    expect(t.mask).toBe(0x0fffffffn);
    expect(t.clamped).toBe(true);
    expect(t.ramEffective).toBe(0x01234000n);
    // The device side is never masked.
    expect(t.deviceAddr).toBe(0x40000n);
  });

  it('clamps 64-bit addresses with 64-bit masks', () => {
    const all = describeTransfer(prog({ src: U64, dst: 0x40000n, count: 1n, cmd: 1n }));
    expect(all.ramEffective).toBe(0x0fffffffn);
    const wide = describeTransfer(prog({ src: 0xdead_beef_0000_1000n, dst: 0x40000n, cmd: 1n }), { mask: 0xffff_ffff_ffff_f000n });
    expect(wide.ramEffective).toBe(0xdead_beef_0000_1000n);
    expect(wide.clamped).toBe(false);
    const high = describeTransfer(prog({ src: 0x40000n, dst: 0x8000_0000_0000_0010n, cmd: 3n }), { mask: 0x7fff_ffff_ffff_ffffn });
    expect(high.ramEffective).toBe(0x10n);
    expect(high.clamped).toBe(true);
    // A mask wider than 64 bits is cut to 64.
    expect(describeTransfer(prog({ src: U64, cmd: 1n }), { mask: (1n << 70n) - 1n }).clamped).toBe(false);
  });

  it('formats addresses in 8 digits, 16 when they need more than 32 bits', () => {
    expect(hexAddr(0x1234000n)).toBe('0x01234000');
    expect(hexAddr(0x1_0000_0000n)).toBe('0x0000000100000000');
    expect(hex64(0x40000n)).toBe('0x0000000000040000');
    expect(hexAddr(-1n)).toBe('0xffffffffffffffff');
  });
});

describe('device-side range', () => {
  const cases: [string, bigint, bigint, string | null, string | null][] = [
    // name, start, count, upstream problem, strict (7.2) problem
    ['a small transfer', 0x40000n, 16n, null, null],
    ['the last byte alone', 0x40fffn, 1n, null, 'touches-end'],
    ['a full 4096 bytes', 0x40000n, 4096n, null, 'touches-end'],
    ['4095 bytes', 0x40000n, 4095n, null, null],
    ['count 0 in the buffer', 0x40010n, 0n, null, 'empty'],
    ['count 0 at the end', 0x41000n, 0n, null, 'past-end'],
    ['past the end', 0x40ff0n, 32n, 'past-end', 'past-end'],
    ['after the buffer', 0x50000n, 16n, 'past-end', 'past-end'],
    ['below the buffer', 0x3ffffn, 2n, 'below', 'below'],
    ['at zero', 0n, 16n, 'below', 'below'],
    ['wrapping around 2^64', 0x40000n, U64, 'wrap', 'wrap'],
    ['high start wrapping', 0xffff_ffff_ffff_fff0n, 0x20n, 'wrap', 'past-end'],
  ];
  for (const [name, start, count, upstream, strict] of cases) {
    it(`${name}: upstream ${upstream ?? 'ok'}, 7.2 ${strict ?? 'ok'}`, () => {
      const u = checkDeviceRange('upstream', start, count);
      expect(u.problem).toBe(upstream);
      expect(u.ok).toBe(upstream === null);
      const s = checkDeviceRange('strict', start, count);
      expect(s.problem).toBe(strict);
      expect(s.ok).toBe(strict === null);
    });
  }

  it('reports the last byte as the device log does (wrapping)', () => {
    expect(checkDeviceRange('upstream', 0x50000n, 16n).last).toBe(0x5000fn);
    expect(checkDeviceRange('upstream', 0x40000n, 0n).last).toBe(0x3ffffn);
    expect(checkDeviceRange('upstream', 0n, 0n).last).toBe(U64);
  });

  it('knows each profile’s rule and what a violation does', () => {
    expect(rangeRuleOf('upstream')).toBe('upstream');
    expect(rangeRuleOf('qemu-7.2')).toBe('strict');
    expect(rangeRuleOf('qemu-4.0')).toBe('strict');
    expect(rangeRuleOf(null)).toBe('upstream');
    expect(rangeErrorOf('upstream')).toBe('log');
    expect(rangeErrorOf('qemu-7.2')).toBe('abort');
    const t = describeTransfer(prog({ src: 0x1000n, dst: 0x40000n, count: 4096n, cmd: 5n }), { profile: 'qemu-7.2' });
    expect(t.rule).toBe('strict');
    expect(t.range.problem).toBe('touches-end');
    expect(describeTransfer(t.program, { profile: 'upstream' }).range.ok).toBe(true);
  });

  it('finds the part of a range inside the buffer', () => {
    expect(bufferSpanOf(0x40ff0n, 32n)).toEqual({ from: 0xff0, to: 0x1000 });
    expect(bufferSpanOf(0x3fff0n, 32n)).toEqual({ from: 0, to: 0x10 });
    expect(bufferSpanOf(0x50000n, 16n)).toBeNull();
    expect(bufferSpanOf(0x40000n, 0n)).toBeNull();
    expect(bufferSpanOf(0x40000n, U64)).toEqual({ from: 0, to: 0x1000 });
    expect(bufferSpanOf(0xffff_ffff_ffff_fff0n, 0x20n)).toBeNull();
  });
});

describe('phase', () => {
  const p = prog({ src: 0x1000n, dst: 0x40000n, count: 16n });
  it('idle, programmed, pending, done, error', () => {
    expect(phaseOf({ run: false, program: EMPTY_PROGRAM, machineState: 'running', outcome: null })).toEqual({ phase: 'idle', error: null });
    expect(phaseOf({ run: false, program: p, machineState: 'running', outcome: null }).phase).toBe('programmed');
    expect(phaseOf({ run: true, program: { ...p, cmd: 5n }, machineState: 'paused', outcome: null }).phase).toBe('pending');
    expect(phaseOf({ run: false, program: { ...p, cmd: 4n }, machineState: 'running', outcome: outcome(0) }).phase).toBe('done');
    expect(phaseOf({ run: false, program: { ...p, cmd: 4n }, machineState: 'running', outcome: outcome(EventFlag.NoMaster | EventFlag.Clamped) }).phase).toBe('done');
    expect(phaseOf({ run: false, program: p, machineState: 'running', outcome: outcome(EventFlag.OutOfRange) })).toEqual({ phase: 'error', error: 'out-of-range' });
  });

  it('an aborted machine is an error even with RUN still set', () => {
    expect(phaseOf({ run: true, program: { ...p, cmd: 5n }, machineState: 'aborted', outcome: null })).toEqual({ phase: 'error', error: 'abort' });
  });

  it('a started transfer wins over the last outcome', () => {
    expect(phaseOf({ run: true, program: { ...p, cmd: 5n }, machineState: 'running', outcome: outcome(EventFlag.OutOfRange) }).phase).toBe('pending');
  });
});

describe('the 100 ms wait', () => {
  it('measures progress from the command to the deadline', () => {
    expect(pendingProgress(1_000_000_000, 1_100_000_000, 1_000_000_000)).toEqual({ fraction: 0, remainingNs: 100_000_000 });
    expect(pendingProgress(1_050_000_000, 1_100_000_000, 1_000_000_000)).toEqual({ fraction: 0.5, remainingNs: 50_000_000 });
    expect(pendingProgress(1_200_000_000, 1_100_000_000, 1_000_000_000)).toEqual({ fraction: 1, remainingNs: 0 });
    expect(pendingProgress(900_000_000, 1_100_000_000, 1_000_000_000).fraction).toBe(0);
  });

  it('uses the command’s own time when known (it is up to 1 ms after the whole millisecond)', () => {
    const p = pendingProgress(1_000_900_000, 1_100_000_000, 1_000_400_000);
    expect(p.fraction).toBeCloseTo(0.5 / 99.6, 6);
  });

  it('without a start, assumes 100 ms before the deadline', () => {
    expect(pendingProgress(1_075_000_000, 1_100_000_000).fraction).toBeCloseTo(0.75, 9);
    expect(pendingProgress(1_075_000_000, 1_100_000_000, null).fraction).toBeCloseTo(0.75, 9);
    // A start after the deadline is nonsense: ignored.
    expect(pendingProgress(1_075_000_000, 1_100_000_000, 1_200_000_000).fraction).toBeCloseTo(0.75, 9);
  });

  it('formats times', () => {
    expect(formatSeconds(1_100_000_000)).toBe('1.100 s');
    expect(formatMs(50_000_000)).toBe('50');
    expect(formatMs(2_340_000)).toBe('2.3');
    expect(formatMs(-5)).toBe('0.0');
  });
});

describe('highlights', () => {
  it('source and destination while programmed or pending', () => {
    expect(highlightPlan('programmed', 'to-device')).toEqual({ ram: 'source', buffer: 'destination' });
    expect(highlightPlan('pending', 'to-ram')).toEqual({ ram: 'destination', buffer: 'source' });
    expect(highlightPlan('idle', 'to-ram')).toEqual({ ram: null, buffer: null });
  });

  it('the written side once done; zero fill and nothing written with bus mastering off', () => {
    expect(highlightPlan('done', 'to-device')).toEqual({ ram: 'source', buffer: 'written' });
    expect(highlightPlan('done', 'to-ram')).toEqual({ ram: 'written', buffer: 'source' });
    expect(highlightPlan('done', 'to-device', EventFlag.NoMaster)).toEqual({ ram: 'source', buffer: 'zero-fill' });
    expect(highlightPlan('done', 'to-ram', EventFlag.NoMaster | EventFlag.Clamped)).toEqual({ ram: 'not-written', buffer: 'source' });
  });

  it('the offending range after a range error', () => {
    expect(highlightPlan('error', 'to-device', EventFlag.OutOfRange, 'out-of-range')).toEqual({ ram: 'source', buffer: 'out-of-range' });
    expect(highlightPlan('error', 'to-ram', 0, 'abort')).toEqual({ ram: 'not-written', buffer: 'out-of-range' });
  });
});

describe('the RAM window', () => {
  it('whole rows with context either side', () => {
    expect(ramWindow(0x1234008n, 10n, 128 * MiB)).toEqual({ kind: 'window', base: 0x1233fe0, length: 96, span: { from: 0x28, to: 0x32 }, truncated: false, pastRam: false });
  });

  it('stops at address 0 and at the end of RAM', () => {
    expect(ramWindow(0n, 16n, MiB)).toMatchObject({ base: 0, length: 48, span: { from: 0, to: 16 } });
    const end = ramWindow(BigInt(MiB - 8), 64n, MiB);
    expect(end).toMatchObject({ kind: 'window', base: MiB - 48, length: 48, span: { from: 40, to: 48 }, pastRam: true });
  });

  it('shows at most one buffer’s worth of a long range', () => {
    const w = ramWindow(0x1000n, 1n << 40n, 128 * MiB);
    expect(w).toMatchObject({ kind: 'window', base: 0xfe0, truncated: true });
    if (w.kind === 'window') expect(w.length).toBe(32 + 4096 + 32);
  });

  it('a count of 0 still shows the rows around the address', () => {
    expect(ramWindow(0x2000n, 0n, MiB)).toMatchObject({ base: 0x1fe0, length: 80, span: null });
  });

  it('refuses to read outside RAM', () => {
    expect(ramWindow(BigInt(128 * MiB), 16n, 128 * MiB)).toEqual({ kind: 'outside', ramSize: 128 * MiB });
    expect(ramWindow(U64, 16n, 128 * MiB).kind).toBe('outside');
  });

  it('reads in pieces of at most 4096 bytes', () => {
    expect(readPlan(0x1000, 4160)).toEqual([
      { address: 0x1000, length: 4096 },
      { address: 0x2000, length: 64 },
    ]);
    expect(readPlan(0x1000, 96)).toEqual([{ address: 0x1000, length: 96 }]);
  });
});

it('the IRQ lamp follows bit 0x100 of the interrupt status', () => {
  expect(dmaIrqPending(0x100)).toBe(true);
  expect(dmaIrqPending(0x101)).toBe(true);
  expect(dmaIrqPending(0x1)).toBe(false);
  expect(dmaIrqPending(null)).toBe(false);
});
