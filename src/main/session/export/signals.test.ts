import { describe, expect, it } from 'vitest';
import { EventFlag, EventKind, Source } from '../../../common/trace/schema';
import { EventScript } from '../../../../test/support/trace-events';
import { low32, SignalModel, type SignalInfo } from './signals';

function model() {
  const declared: SignalInfo[] = [];
  const changes: [string, number, number][] = [];
  const m = new SignalModel({
    signal: (s) => declared.push(s),
    change: (i, vns, v) => changes.push([declared[i]!.name, vns, v]),
  });
  return { m, declared, changes, names: () => declared.map((s) => s.name) };
}

describe('export lane model', () => {
  it('declares the fixed lanes up front, in the timeline order', () => {
    const { names, declared } = model();
    expect(names()).toEqual([
      'mmio_guest', 'mmio_ui', 'mmio_we', 'mmio_addr', 'mmio_data', 'fact_busy', 'intx_11', 'msi', 'msi_dropped', 'msi_data',
      'irq_status', 'irq_raise', 'irq_ack', 'irq_fact', 'irq_dma', 'dma_busy', 'dma_error', 'clock_paused', 'irq_disabled',
    ]);
    expect(declared.map((s) => s.index)).toEqual(declared.map((_, i) => i));
    for (const s of declared) expect(s.name).toMatch(/^[a-z0-9_]+$/);
    expect(declared.find((s) => s.name === 'irq_status')).toMatchObject({ width: 32, kind: 'bus' });
    expect(declared.find((s) => s.name === 'msi')).toMatchObject({ width: 1, kind: 'pulse' });
  });

  it('turns events into level changes, pulses and bus values; repeats are not changes', () => {
    const { m, changes, names } = model();
    const s = new EventScript()
      .add(EventKind.MmioWrite, 10, { source: Source.Test, addr: 0x60, value: 0x8000_0001 })
      .add(EventKind.IrqRaise, 10, { source: Source.Test, addr: 0x8000_0001, value: 0x8000_0001 })
      .add(EventKind.RegisterChange, 10, { addr: 0x24, value: 0x8000_0001 })
      .add(EventKind.IntxLevel, 10, { addr: 5, value: 1 })
      .add(EventKind.IntxLevel, 11, { addr: 5, value: 1 })
      .add(EventKind.HandlerEnter, 20, { addr: 24, value: 0x4041 })
      .add(EventKind.MsiMessage, 21, { addr: 0xfee00000, value: 0x4041, flags: EventFlag.Dropped })
      .add(EventKind.IrqAck, 30, { addr: 0x8000_0000, value: 1 });
    for (const e of s.events) m.process(e);
    expect(names()).toEqual(expect.arrayContaining(['mmio_test', 'intx_5', 'irq_bit31', 'handler_24']));
    expect(changes).toEqual([
      ['mmio_test', 10, 1], ['mmio_test', 10, 0], ['mmio_we', 10, 1], ['mmio_addr', 10, 0x60], ['mmio_data', 10, 0x8000_0001],
      ['irq_raise', 10, 1], ['irq_raise', 10, 0], ['irq_status', 10, 0x8000_0001], ['irq_fact', 10, 1], ['irq_bit31', 10, 1],
      ['intx_5', 10, 1],
      ['handler_24', 20, 1],
      ['msi_data', 21, 0x4041], ['msi', 21, 1], ['msi', 21, 0], ['msi_dropped', 21, 1], ['msi_dropped', 21, 0],
      ['irq_ack', 30, 1], ['irq_ack', 30, 0], ['irq_status', 30, 0x8000_0000], ['irq_fact', 30, 0],
    ]);
  });

  it('a machine reset ends running handlers; a restart after an abort also clears the status and DMA', () => {
    const { m, changes } = model();
    const s = new EventScript()
      .add(EventKind.HandlerEnter, 1, { addr: 11, value: 11 })
      .add(EventKind.DmaStart, 2, { addr: 100, value: 1 })
      .add(EventKind.IrqRaise, 3, { addr: 0x100, value: 0x100 })
      .add(EventKind.MachineReset, 4, { value: 0 })
      .add(EventKind.HandlerEnter, 5, { addr: 11, value: 11 })
      .add(EventKind.MachineReset, 6, { value: 1 });
    for (const e of s.events) m.process(e);
    expect(changes.filter((c) => c[1] >= 4)).toEqual([
      ['handler_11', 4, 0],
      ['handler_11', 5, 1],
      ['handler_11', 6, 0], ['irq_status', 6, 0], ['irq_dma', 6, 0], ['dma_busy', 6, 0],
    ]);
  });

  it('keeps only current values: memory does not grow with the number of events', () => {
    const { m, declared } = model();
    const s = new EventScript();
    for (let i = 0; i < 50_000; i++) {
      s.add(EventKind.IrqRaise, i * 100, { addr: 1, value: 1 });
      s.add(EventKind.IrqAck, i * 100 + 50, { addr: 0, value: 1 });
    }
    for (const e of s.events) m.process(e);
    expect(declared.length).toBe(19);
    expect(m.values.length).toBe(19);
  });

  it('low32 takes the low half of any 64-bit value', () => {
    expect(low32(0n)).toBe(0);
    expect(low32(0xffff_ffffn)).toBe(0xffff_ffff);
    expect(low32(0xfedc_ba98_4000_0001n)).toBe(0x4000_0001);
    expect(low32(-1n)).toBe(0xffff_ffff);
  });
});
