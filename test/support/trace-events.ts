import { EventFlag, EventKind, Source, type TraceEvent } from '../../src/common/trace/schema';
import { SESSION_FORMAT, SESSION_FORMAT_VERSION, type SessionHeader } from '../../src/main/session/export/jsonl';

/** Synthetic trace events for exporter tests: sequence numbers in order, host time = virtual time. */
export class EventScript {
  readonly events: TraceEvent[] = [];

  add(kind: EventKind, vns: number, fields: { source?: Source; addr?: number; value?: bigint | number; size?: number; flags?: number; text?: string } = {}): this {
    const text = fields.text;
    this.events.push({
      seq: this.events.length,
      vns,
      hns: vns,
      kind,
      source: fields.source ?? Source.Device,
      size: fields.size ?? (text === undefined ? 4 : 0),
      flags: (fields.flags ?? 0) | (text === undefined ? 0 : EventFlag.Text),
      addr: fields.addr ?? 0,
      value: text === undefined ? BigInt(fields.value ?? 0) : BigInt(this.events.length),
      ...(text === undefined ? {} : { text }),
    });
    return this;
  }
}

export function testHeader(): SessionHeader {
  return {
    format: SESSION_FORMAT,
    version: SESSION_FORMAT_VERSION,
    app: 'edu-lab 0.1.0',
    createdAt: '2025-01-02T03:04:05.000Z',
    profile: 'upstream',
    machine: { ramSize: 268435456, dmaMask: '0xfffffff', deterministic: true, speed: 1 },
    firstSeq: 0,
  };
}

/**
 * A session touching every export lane: factorial with its interrupt and handler, DMA (completed and
 * failed), MSI messages (one dropped), clock pause, a disabled line, texts with separators. Times are
 * virtual ns from 0; changes are microseconds apart unless a test wants them closer.
 */
export function everyLaneScript(): EventScript {
  const s = new EventScript();
  const us = 1000;
  s.add(EventKind.MmioRead, 2 * us, { source: Source.Guest, addr: 0, value: 0x010000ed });
  s.add(EventKind.MmioWrite, 5 * us, { source: Source.Guest, addr: 0x20, value: 0x80 });
  s.add(EventKind.MmioWrite, 10 * us, { source: Source.Guest, addr: 0x08, value: 10 });
  s.add(EventKind.FactStart, 10 * us, { source: Source.Guest, addr: 0x08, value: 10 });
  s.add(EventKind.FactFinish, 40 * us, { addr: 0x08, value: 3628800n, flags: EventFlag.IrqRequested });
  s.add(EventKind.IrqRaise, 40 * us, { addr: 1, value: 1 });
  s.add(EventKind.RegisterChange, 40 * us, { addr: 0x24, value: 1 });
  s.add(EventKind.IntxLevel, 40 * us, { addr: 11, value: 1 });
  s.add(EventKind.HandlerEnter, 45 * us, { source: Source.Guest, addr: 11, value: 11 });
  s.add(EventKind.MmioRead, 47 * us, { source: Source.Guest, addr: 0x24, value: 1 });
  s.add(EventKind.MmioWrite, 50 * us, { source: Source.Guest, addr: 0x64, value: 1 });
  s.add(EventKind.IrqAck, 50 * us, { source: Source.Guest, addr: 0, value: 1 });
  s.add(EventKind.IntxLevel, 50 * us, { addr: 11, value: 0 });
  s.add(EventKind.HandlerExit, 55 * us, { source: Source.Guest, addr: 11, value: 1 });
  s.add(EventKind.Dmesg, 60 * us, { source: Source.Guest, text: 'edu: factorial, "done"\nnext line' });
  s.add(EventKind.MmioWrite, 70 * us, { source: Source.Ui, addr: 0x98, value: 5, size: 8 });
  s.add(EventKind.DmaStart, 70 * us, { source: Source.Ui, addr: 100, value: 5 });
  s.add(EventKind.DmaComplete, 170 * us, { value: 16 });
  s.add(EventKind.IrqRaise, 170 * us, { addr: 0x100, value: 0x100 });
  s.add(EventKind.MsiMessage, 170 * us, { addr: 0xfee00000, value: 0x4041 });
  s.add(EventKind.HandlerEnter, 175 * us, { source: Source.Guest, addr: 24, value: 0x4041 });
  s.add(EventKind.IrqAck, 180 * us, { source: Source.Guest, addr: 0, value: 0x100 });
  s.add(EventKind.HandlerExit, 185 * us, { source: Source.Guest, addr: 24, value: 1 });
  s.add(EventKind.ClockPause, 200 * us, { source: Source.Ui });
  s.add(EventKind.ClockResume, 200 * us, { source: Source.Ui });
  s.add(EventKind.IrqRaise, 210 * us, { source: Source.Test, addr: 0x8000_0000, value: 0x8000_0000 });
  s.add(EventKind.MsiMessage, 212 * us, { addr: 0xfee00000, value: 0x4041, flags: EventFlag.Dropped });
  s.add(EventKind.IrqAck, 220 * us, { source: Source.Test, addr: 0, value: 0x8000_0000 });
  s.add(EventKind.MmioWrite, 230 * us, { source: Source.Test, addr: 0x98, value: 1, size: 8 });
  s.add(EventKind.DmaStart, 230 * us, { source: Source.Test, addr: 330, value: 1 });
  s.add(EventKind.DmaError, 240 * us, { text: 'EDU: DMA range 0x50000-0x5000f out of bounds, aborted' });
  s.add(EventKind.IrqDisabled, 250 * us, { source: Source.Guest, addr: 11 });
  s.add(EventKind.ShellCommand, 260 * us, { source: Source.Guest, text: 'edu fact 10 --irq' });
  return s;
}
