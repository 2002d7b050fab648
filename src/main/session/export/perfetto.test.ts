import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventKind, Source } from '../../../common/trace/schema';
import { checkChromeTrace, type ChromeEvent, type TraceReport } from '../../../../test/support/chrome-trace';
import { labAfter } from '../../../../test/support/lab-session';
import { everyLaneScript, EventScript, testHeader } from '../../../../test/support/trace-events';
import { encodeSession, exportSession } from './index';

const us = 1000;

function check(text: string): TraceReport {
  const report = checkChromeTrace(text);
  expect(report.errors).toEqual([]);
  return report;
}

const on = (r: TraceReport, thread: string): ChromeEvent[] =>
  r.trace.traceEvents.filter((e) => e.ph !== 'M' && r.threads.get(`${e.pid}:${e.tid}`) === thread);
const counter = (r: TraceReport, name: string): [number, number][] =>
  r.trace.traceEvents.filter((e) => e.ph === 'C' && e.name === name).map((e) => [e.ts!, Object.values(e.args!)[0] as number]);

describe('Perfetto (Chrome trace JSON) export', () => {
  it('is well-formed: metadata, B/E pairs per track, increasing ts per track, X with dur, numeric counters, matched flows', () => {
    const text = encodeSession('perfetto', testHeader(), everyLaneScript().events, { from: 0 });
    const r = check(text);
    // The rules of timeline-formats.md: no displayTimeUnit, a process name, a thread name per lane.
    expect(r.trace.displayTimeUnit).toBeUndefined();
    expect(r.trace.traceEvents[0]).toMatchObject({ ph: 'M', name: 'process_name', pid: 1, args: { name: 'edu-lab session' } });
    expect([...r.threads.values()].sort()).toEqual(
      ['DMA', 'MMIO guest', 'MMIO UI', 'MMIO test', 'MSI', 'clock paused', 'factorial', 'handler irq 11', 'handler irq 24', 'interrupts raised', 'log'].sort(),
    );
    expect(r.trace.otherData).toMatchObject({ app: 'edu-lab 0.1.0', profile: 'upstream', timeOriginVirtualNs: 0 });
  });

  it('puts spans, instants, counters and the FACTORIAL flow where Perfetto shows them', () => {
    const r = check(encodeSession('perfetto', testHeader(), everyLaneScript().events, { from: 0 }));
    // Factorial: one slice from the write of n to the result, with the flow from the MMIO write.
    expect(on(r, 'factorial')).toEqual([
      expect.objectContaining({ ph: 'B', name: 'factorial', ts: 10, args: { n: 10 }, bind_id: 1, flow_in: true }),
      expect.objectContaining({ ph: 'E', ts: 40, args: { result: 3628800, irq: true } }),
    ]);
    const write = on(r, 'MMIO guest').find((e) => e.name === 'write FACTORIAL')!;
    expect(write).toMatchObject({ ph: 'X', ts: 10, dur: 0, bind_id: 1, flow_out: true, args: { offset: '0x8', value: '0xa', size: 4 } });
    expect(r.flows.size).toBe(1);
    // Other MMIO accesses are zero-length slices without flows.
    expect(on(r, 'MMIO guest').map((e) => e.name)).toEqual(['read ID', 'write STATUS', 'write FACTORIAL', 'read IRQ_STATUS', 'write IRQ_ACK']);
    expect(on(r, 'MMIO UI')).toEqual([expect.objectContaining({ ph: 'X', name: 'write DMA_CMD', ts: 70, dur: 0 })]);
    // Handlers: one thread per irq.
    expect(on(r, 'handler irq 11').map((e) => [e.ph, e.ts])).toEqual([['B', 45], ['E', 55]]);
    expect(on(r, 'handler irq 24')[0]).toMatchObject({ ph: 'B', name: 'irq 24', ts: 175, args: { hwirq: '0x4041' } });
    // DMA: a completed transfer and an aborted one.
    expect(on(r, 'DMA')).toEqual([
      expect.objectContaining({ ph: 'B', name: 'DMA to device', ts: 70, args: { command: '0x5', deadline_ms: 100, irq: true } }),
      expect.objectContaining({ ph: 'E', ts: 170, args: { bytes: 16, flags: 0 } }),
      expect.objectContaining({ ph: 'B', ts: 230 }),
      expect.objectContaining({ ph: 'E', ts: 240, args: { error: 'EDU: DMA range 0x50000-0x5000f out of bounds, aborted' } }),
    ]);
    expect(on(r, 'clock paused').map((e) => [e.ph, e.ts])).toEqual([['B', 200], ['E', 200]]);
    // Instants: raises and MSI messages, thread-scoped.
    expect(on(r, 'interrupts raised').map((e) => [e.ph, e.s, e.name, e.ts])).toEqual([
      ['i', 't', 'raise 0x1', 40],
      ['i', 't', 'raise 0x100', 170],
      ['i', 't', 'raise 0x80000000', 210],
    ]);
    expect(on(r, 'MSI').map((e) => [e.name, e.ts, e.args])).toEqual([
      ['MSI', 170, { address: '0xfee00000', data: '0x4041', dropped: false }],
      ['MSI dropped', 212, { address: '0xfee00000', data: '0x4041', dropped: true }],
    ]);
    // Counters start with their value at the range start and change with the levels.
    expect(counter(r, 'INTx GSI 11')).toEqual([[0, 0], [40, 1], [50, 0]]);
    expect(counter(r, 'IRQ_STATUS')).toEqual([[0, 0], [40, 1], [50, 0], [170, 256], [180, 0], [210, 0x8000_0000], [220, 0]]);
    // Log lines keep their text exactly.
    expect(on(r, 'log').map((e) => e.name)).toEqual(['Dmesg', 'DmaError', 'irq 11 disabled', 'ShellCommand']);
    expect(on(r, 'log')[0]!.args).toEqual({ text: 'edu: factorial, "done"\nnext line' });
  });

  it('keeps nanoseconds as fractional microseconds', () => {
    const s = new EventScript().add(EventKind.MmioRead, 1_234_567, { source: Source.Guest, addr: 4 }).add(EventKind.MmioRead, 1_234_568.4, { source: Source.Guest, addr: 4 });
    const r = check(encodeSession('perfetto', testHeader(), s.events, { from: 0 }));
    expect(on(r, 'MMIO guest').map((e) => e.ts)).toEqual([1234.567, 1234.568]);
  });

  it('exports a range: spans open at `from` start there, spans open at `to` end there, counters start at their level', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'edu-lab-perfetto-')), 'range.json');
    // 48 us: handler 11 running, INTx high, status 1. 100 us: the DMA transfer is running.
    const n = await exportSession(path, 'perfetto', testHeader(), everyLaneScript().events, { from: 48 * us, to: 100 * us });
    expect(n).toBe(everyLaneScript().events.filter((e) => e.vns >= 48 * us && e.vns <= 100 * us).length);
    const r = check(readFileSync(path, 'utf8'));
    expect(r.trace.otherData).toMatchObject({ timeOriginVirtualNs: 48_000 });
    expect(on(r, 'handler irq 11')).toEqual([
      expect.objectContaining({ ph: 'B', ts: 0, args: { open_at_start: true } }),
      expect.objectContaining({ ph: 'E', ts: 7, args: { handled: true } }),
    ]);
    expect(on(r, 'DMA')).toEqual([expect.objectContaining({ ph: 'B', ts: 22 }), expect.objectContaining({ ph: 'E', ts: 52, args: { open_at_end: true } })]);
    expect(counter(r, 'INTx GSI 11')).toEqual([[0, 1], [2, 0]]);
    expect(counter(r, 'IRQ_STATUS')).toEqual([[0, 1], [2, 0]]);
    // Nothing from outside the range.
    expect(on(r, 'factorial')).toEqual([]);
    expect(on(r, 'MMIO guest').map((e) => e.name)).toEqual(['write IRQ_ACK']);
    expect(r.trace.traceEvents.every((e) => e.ph === 'M' || (e.ts! >= 0 && e.ts! <= 52))).toBe(true);
  });

  it('exports a real session (edu fact 10 --irq, a DMA transfer) with the flow from the write of 0x08 to the factorial', async () => {
    const lab = await labAfter(
      [
        { line: 'modprobe edu', until: 'root@edu-lab' },
        { line: 'edu fact 10 --irq', until: '3628800' },
        { line: 'edu dma to-dev --data hello', until: 'bytes' },
      ],
      { deterministic: false },
    );
    const path = join(mkdtempSync(join(tmpdir(), 'edu-lab-perfetto-')), 'session.json');
    const n = await exportSession(path, 'perfetto', lab.sessionHeader(), lab.recorder.events());
    expect(n).toBe(lab.recorder.recorded);
    const r = check(readFileSync(path, 'utf8'));
    const fact = on(r, 'factorial');
    expect(fact.map((e) => e.ph)).toEqual(['B', 'E']);
    expect(fact[0]).toMatchObject({ args: { n: 10 }, flow_in: true });
    const write = r.trace.traceEvents.find((e) => e.flow_out)!;
    expect(write).toMatchObject({ ph: 'X', name: 'write FACTORIAL', ts: fact[0]!.ts, bind_id: fact[0]!.bind_id });
    expect(r.threads.get(`${write.pid}:${write.tid}`)).toBe('MMIO guest');
    expect(fact[1]!.args).toEqual({ result: 3628800, irq: true });
    expect(on(r, 'handler irq 11').filter((e) => e.ph === 'B').length).toBeGreaterThanOrEqual(2);
    expect(on(r, 'DMA').map((e) => e.ph)).toEqual(['B', 'E']);
    expect(on(r, 'interrupts raised').map((e) => e.name)).toEqual(['raise 0x1', 'raise 0x100']);
    expect(counter(r, 'INTx GSI 11').map((x) => x[1])).toEqual([0, 1, 0, 1, 0]);
  });
});
