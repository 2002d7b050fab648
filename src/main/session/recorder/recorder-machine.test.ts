import { describe, expect, it, vi } from 'vitest';
import { EduReg, EduStatus } from '../../../common/edu/datasheet';
import { PciReg } from '../../../common/pci';
import { EventFlag, EventKind, Source, type TraceEvent } from '../../../common/trace/schema';
import { createMachine } from '../../../../test/support/machine';
import { mmio, programLikeSeaBios } from '../../../../test/support/pci';
import { Recorder } from './recorder';

/** The fields a test cares about, without times. */
const shape = (e: TraceEvent) => ({ kind: e.kind, source: e.source, addr: e.addr, size: e.size, flags: e.flags, value: e.value });

describe('Recorder attached to the machine', () => {
  it('records config, MMIO, register, interrupt and INTx events with both clocks', async () => {
    const machine = await createMachine();
    const recorder = new Recorder({ hostNs: () => machine.clock.host.nowNs(), virtualAt: (h) => machine.clock.virtualAt(h) }, { chunkSize: 8 });
    machine.trace.attach(recorder);

    programLikeSeaBios(machine);
    const configWrites = recorder.latest(recorder.recorded).filter((e) => e.kind === EventKind.ConfigWrite);
    expect(configWrites.map(shape)).toContainEqual({
      kind: EventKind.ConfigWrite,
      source: Source.Test,
      addr: (4 << 11) | PciReg.Command, // slot 4 << 11 | function << 8 | register, as the PCI bus traces it
      size: 2,
      flags: 0,
      value: 0x0103n,
    });

    const r = mmio(machine);
    let mark = recorder.recorded;
    const since = () => {
      const events = recorder.bySeq(mark, recorder.recorded);
      mark = recorder.recorded;
      return events.map(shape);
    };

    expect(r.readl(EduReg.Id)).toBe(0x010000ed);
    expect(since()).toEqual([{ kind: EventKind.MmioRead, source: Source.Test, addr: 0, size: 4, flags: 0, value: 0x010000edn }]);

    r.writel(EduReg.Liveness, 0x12345678);
    expect(since()).toEqual([
      { kind: EventKind.MmioWrite, source: Source.Test, addr: 4, size: 4, flags: 0, value: 0x12345678n },
      { kind: EventKind.RegisterChange, source: Source.Test, addr: 4, size: 4, flags: 0, value: 0xedcba987n },
    ]);

    r.writel(EduReg.IrqRaise, 0x1234);
    expect(since()).toEqual([
      { kind: EventKind.MmioWrite, source: Source.Test, addr: 0x60, size: 4, flags: 0, value: 0x1234n },
      { kind: EventKind.IrqRaise, source: Source.Test, addr: 0x1234, size: 4, flags: 0, value: 0x1234n },
      { kind: EventKind.RegisterChange, source: Source.Test, addr: EduReg.IrqStatus, size: 4, flags: 0, value: 0x1234n },
      { kind: EventKind.IntxLevel, source: Source.Device, addr: 11, size: 0, flags: 0, value: 1n },
    ]);

    r.writel(EduReg.IrqAck, 0x1234);
    expect(since()).toEqual([
      { kind: EventKind.MmioWrite, source: Source.Test, addr: 0x64, size: 4, flags: 0, value: 0x1234n },
      { kind: EventKind.IrqAck, source: Source.Test, addr: 0, size: 4, flags: 0, value: 0x1234n },
      { kind: EventKind.RegisterChange, source: Source.Test, addr: EduReg.IrqStatus, size: 4, flags: 0, value: 0n },
      { kind: EventKind.IntxLevel, source: Source.Device, addr: 11, size: 0, flags: 0, value: 0n },
    ]);

    // A 64-bit DMA register write keeps all its bits; a misaligned access is flagged.
    r.writeq(EduReg.DmaSrc, 0xfedc_ba98_4000_0000n);
    r.readw(2);
    expect(since()).toEqual([
      { kind: EventKind.MmioWrite, source: Source.Test, addr: 0x80, size: 8, flags: 0, value: 0xfedc_ba98_4000_0000n },
      { kind: EventKind.DmaProgram, source: Source.Test, addr: 0x80, size: 8, flags: 0, value: 0xfedc_ba98_4000_0000n },
      { kind: EventKind.RegisterChange, source: Source.Test, addr: 0x80, size: 8, flags: 0, value: 0xfedc_ba98_4000_0000n },
      { kind: EventKind.MmioRead, source: Source.Test, addr: 2, size: 2, flags: EventFlag.Invalid, value: 0n },
    ]);

    // The factorial thread finishes on a worker; its completion raises the interrupt.
    r.writel(EduReg.Status, EduStatus.IrqFact);
    r.writel(EduReg.Factorial, 10);
    await vi.waitFor(() => expect(recorder.latest(8).some((e) => e.kind === EventKind.IntxLevel && e.value === 1n)).toBe(true), { timeout: 10_000 });
    const tail = since();
    expect(tail).toContainEqual({ kind: EventKind.FactStart, source: Source.Test, addr: EduReg.Factorial, size: 4, flags: 0, value: 10n });
    expect(tail).toContainEqual({ kind: EventKind.FactFinish, source: Source.Device, addr: EduReg.Factorial, size: 4, flags: EventFlag.IrqRequested, value: 3628800n });
    const finish = tail.findIndex((e) => e.kind === EventKind.FactFinish);
    expect(tail.slice(finish).map((e) => e.kind)).toEqual([
      EventKind.FactFinish,
      EventKind.RegisterChange,
      EventKind.RegisterChange,
      EventKind.IrqRaise,
      EventKind.RegisterChange,
      EventKind.IntxLevel,
    ]);

    // The log is contiguous, rolled over several chunks, and both clocks only move forward.
    const all = [...recorder];
    expect(recorder.memory().chunks).toBeGreaterThan(2);
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i));
    for (let i = 1; i < all.length; i++) {
      expect(all[i]!.vns).toBeGreaterThanOrEqual(all[i - 1]!.vns);
      expect(all[i]!.hns).toBeGreaterThanOrEqual(all[i - 1]!.hns);
    }
    expect(all[0]!.hns).toBeGreaterThanOrEqual(0);
    // The machine runs, so virtual time advanced while the factorial was computed.
    expect(all.at(-1)!.vns).toBeGreaterThan(all[0]!.vns);
    expect(recorder.clamped).toBe(0);
  });

  it('flags the writes the device ignores: read-only or empty offsets, a factorial while computing, DMA while it runs', async () => {
    const machine = await createMachine();
    const recorder = new Recorder({ hostNs: () => machine.clock.host.nowNs(), virtualAt: (h) => machine.clock.virtualAt(h) });
    machine.trace.attach(recorder);
    programLikeSeaBios(machine);
    const r = mmio(machine);
    const flagsOfWrite = (write: () => void): number => {
      const mark = recorder.recorded;
      write();
      return recorder.bySeq(mark, recorder.recorded).find((e) => e.kind === EventKind.MmioWrite)!.flags;
    };
    expect(flagsOfWrite(() => r.writel(EduReg.Id, 1))).toBe(EventFlag.Ignored);
    expect(flagsOfWrite(() => r.writel(0x30, 1))).toBe(EventFlag.Ignored);
    expect(flagsOfWrite(() => r.writeq(EduReg.Liveness - 4, 1n))).toBe(EventFlag.Ignored); // 8 bytes below 0x80
    expect(flagsOfWrite(() => r.writel(EduReg.DmaCmd, 0x4))).toBe(EventFlag.Ignored); // no RUN bit
    expect(flagsOfWrite(() => r.writel(EduReg.Liveness, 1))).toBe(0);

    machine.edu.setFactDelayMs(200);
    expect(flagsOfWrite(() => r.writel(EduReg.Factorial, 5))).toBe(0);
    expect(flagsOfWrite(() => r.writel(EduReg.Factorial, 6))).toBe(EventFlag.Ignored);

    r.writel(EduReg.DmaCount, 4);
    expect(flagsOfWrite(() => r.writel(EduReg.DmaCmd, 0x1))).toBe(0);
    expect(flagsOfWrite(() => r.writel(EduReg.DmaSrc, 0x1000))).toBe(EventFlag.Ignored);
    await machine.destroy();
  });
});
