import { describe, expect, it } from 'vitest';
import { EduReg } from '../../../src/common/edu/datasheet';
import { EventFlag, EventKind, Source } from '../../../src/common/trace/schema';
import { EventStore } from '../../../src/renderer/src/timeline/event-store';
import { histogram, histogramText, percentile } from '../../../src/renderer/src/timeline/histogram';
import { MeasurementTracker, measurementReport, summarizeInterrupts } from '../../../src/renderer/src/timeline/measurements';
import { batch, type Ev } from './support';

function track(events: Ev[]): MeasurementTracker {
  const m = new MeasurementTracker();
  new EventStore().append(batch(events), (e) => m.process(e));
  return m;
}

const G = Source.Guest;
const D = Source.Device;

/** The INTx example: raise at 1000, handler 1500..1800, status read, ack at 1700. */
const intx: Ev[] = [
  { t: 1_000, kind: EventKind.IrqRaise, source: D, addr: 0x1, value: 0x1 },
  { t: 1_000, kind: EventKind.RegisterChange, source: D, addr: EduReg.IrqStatus, value: 0x1 },
  { t: 1_000, kind: EventKind.IntxLevel, source: D, addr: 11, value: 1, size: 0 },
  { t: 1_500, kind: EventKind.HandlerEnter, source: G, addr: 11, value: 11 },
  { t: 1_600, kind: EventKind.MmioRead, source: G, addr: EduReg.IrqStatus, value: 0x1 },
  { t: 1_700, kind: EventKind.MmioWrite, source: G, addr: EduReg.IrqAck, value: 0x1 },
  { t: 1_700, kind: EventKind.IrqAck, source: G, addr: 0x0, value: 0x1 },
  { t: 1_700, kind: EventKind.IntxLevel, source: D, addr: 11, value: 0, size: 0 },
  { t: 1_800, kind: EventKind.HandlerExit, source: G, addr: 11, value: 1 },
];

describe('interrupt table', () => {
  it('measures latency, handler duration, raise-to-ack and INTx high time of one INTx interrupt', () => {
    const m = track(intx);
    expect(m.interrupts).toHaveLength(1);
    expect(m.interrupts[0]).toEqual({
      seq: 0, raiseIndex: 0, raiseTime: 1_000, bits: 0x1, status: 0x1, source: D,
      delivery: 'intx', deliveryTime: 1_000, gsi: 11, irq: 11,
      entryTime: 1_500, exitTime: 1_800, handled: true, ackTime: 1_700,
      latency: 500, duration: 300, raiseToAck: 700, intxHigh: 700,
    });
  });

  it('follows MSI, dropped MSI and raises that share one INTx assertion', () => {
    const m = track([
      ...intx,
      // MSI: the DMA bit, served by irq 24 (hwirq devfn << 11).
      { t: 10_000, kind: EventKind.IrqRaise, source: D, addr: 0x100, value: 0x100 },
      { t: 10_000, kind: EventKind.RegisterChange, source: D, addr: EduReg.IrqStatus, value: 0x100 },
      { t: 10_000, kind: EventKind.MsiMessage, source: D, addr: 0xfee00000, value: 0x4041 },
      { t: 10_400, kind: EventKind.HandlerEnter, source: G, addr: 24, value: 0x800 },
      { t: 10_900, kind: EventKind.IrqAck, source: G, addr: 0, value: 0x100 },
      { t: 11_000, kind: EventKind.HandlerExit, source: G, addr: 24, value: 1 },
      // Bus mastering off: the message goes nowhere.
      { t: 20_000, kind: EventKind.IrqRaise, source: Source.Ui, addr: 0x4, value: 0x4 },
      { t: 20_000, kind: EventKind.MsiMessage, source: D, addr: 0xfee00000, value: 0x4041, flags: EventFlag.Dropped },
      // INTx again: FACT raises the line, DMA raises while it is still high.
      { t: 30_000, kind: EventKind.IrqRaise, source: D, addr: 0x5, value: 0x1 },
      { t: 30_000, kind: EventKind.IntxLevel, source: D, addr: 11, value: 1 },
      { t: 30_200, kind: EventKind.IrqRaise, source: D, addr: 0x105, value: 0x100 },
      { t: 30_200, kind: EventKind.RegisterChange, source: D, addr: EduReg.IrqStatus, value: 0x105 },
      { t: 30_500, kind: EventKind.HandlerEnter, source: G, addr: 11, value: 11 },
      { t: 30_600, kind: EventKind.IrqAck, source: G, addr: 0x104, value: 0x1 },
      { t: 30_700, kind: EventKind.IrqAck, source: G, addr: 0x4, value: 0x100 },
      { t: 30_800, kind: EventKind.HandlerExit, source: G, addr: 11, value: 1 },
      { t: 40_000, kind: EventKind.IrqAck, source: Source.Ui, addr: 0x0, value: 0x4 },
    ]);
    const rows = m.interrupts.map((r) => [r.raiseTime, r.delivery, r.irq, r.latency, r.duration, r.raiseToAck, r.intxHigh]);
    expect(rows).toEqual([
      [1_000, 'intx', 11, 500, 300, 700, 700],
      [10_000, 'msi', 24, 400, 600, 900, null],
      [20_000, 'msi-dropped', null, null, null, 20_000, null],
      [30_000, 'intx', 11, 500, 300, 600, null], // the line is still high (status 0x104) until 40_000
      [30_200, 'intx-held', 11, 300, 300, 500, null],
    ]);

    const s = summarizeInterrupts(m.interrupts, { from: 0, to: 1_000_000 });
    expect([s.count, s.served, s.acked, s.dropped]).toEqual([5, 4, 5, 1]);
    expect([s.latency.count, s.latency.min, s.latency.avg, s.latency.max, s.latency.p50, s.latency.p99]).toEqual([4, 300, 425, 500, 400, 500]);
    expect([s.duration.min, s.duration.avg, s.duration.max, s.duration.p99]).toEqual([300, 375, 600, 600]);
    expect([s.raiseToAck.min, s.raiseToAck.max]).toEqual([500, 20_000]);
    expect(s.intxHigh.count).toBe(1);
    expect(s.ratePerSecond).toBe(5_000);
    // Only the interrupts raised between 5 us and 25 us.
    const part = summarizeInterrupts(m.interrupts, { from: 5_000, to: 25_000 });
    expect([part.count, part.latency.avg, part.ratePerSecond]).toEqual([2, 400, 100_000]);
  });

  it('acknowledges a raise once each of its bits has been cleared since, even if one was raised again', () => {
    const m = track([
      { t: 0, kind: EventKind.IrqRaise, source: Source.Ui, addr: 0x101, value: 0x101 },
      { t: 10, kind: EventKind.IrqAck, source: Source.Ui, addr: 0x100, value: 0x1 },
      { t: 20, kind: EventKind.IrqRaise, source: Source.Ui, addr: 0x101, value: 0x1 },
      { t: 30, kind: EventKind.IrqAck, source: Source.Ui, addr: 0x1, value: 0x100 },
      { t: 40, kind: EventKind.IrqAck, source: Source.Ui, addr: 0x0, value: 0x1 },
    ]);
    expect(m.interrupts.map((r) => [r.raiseTime, r.ackTime, r.raiseToAck])).toEqual([
      [0, 30, 30],
      [20, 40, 20],
    ]);
  });

  it('stops waiting for acks of the oldest raises past 10,000 unacknowledged per bit, several bits or one', () => {
    const events: Ev[] = [];
    for (let i = 0; i < 12_000; i++) {
      const bits = i === 5_000 ? 0x101 : 0x1;
      events.push({ t: i, kind: EventKind.IrqRaise, source: Source.Test, addr: bits, value: bits });
    }
    events.push({ t: 20_000, kind: EventKind.IrqAck, source: G, addr: 0x100, value: 0x1 });
    events.push({ t: 30_000, kind: EventKind.IrqAck, source: G, addr: 0x0, value: 0x100 });
    const rows = track(events).interrupts;
    expect(rows).toHaveLength(12_000);
    // Past 10,000 the oldest tenth (and one) goes: twice over 12,000 raises.
    expect(rows.slice(0, 2_002).every((r) => r.ackTime === null)).toBe(true);
    expect(rows.slice(2_002).filter((r) => r.ackTime === 20_000)).toHaveLength(12_000 - 2_002 - 1);
    expect(rows[5_000]).toMatchObject({ bits: 0x101, ackTime: 30_000, raiseToAck: 25_000 });
  });

  it('leaves a raise nobody delivered marked as such', () => {
    const m = track([{ t: 5, kind: EventKind.IrqRaise, source: Source.Ui, addr: 0, value: 0 }, { t: 6, kind: EventKind.MmioRead, source: G }]);
    expect(m.interrupts[0]).toMatchObject({ delivery: 'none', ackTime: null, entryTime: null });
  });
});

describe('factorial and DMA figures', () => {
  it('times the write of n to FACTORIAL to FactFinish', () => {
    const m = track([
      { t: 5_000, kind: EventKind.MmioWrite, source: Source.Ui, addr: EduReg.Factorial, value: 10 },
      { t: 5_000, kind: EventKind.FactStart, source: Source.Ui, addr: EduReg.Factorial, value: 10 },
      { t: 5_200, kind: EventKind.MmioWrite, source: Source.Ui, addr: EduReg.Factorial, value: 11 }, // ignored: busy
      { t: 8_000, kind: EventKind.FactFinish, addr: EduReg.Factorial, value: 3_628_800, flags: EventFlag.IrqRequested },
      { t: 9_000, kind: EventKind.FactStart, source: Source.Test, value: 3 },
    ]);
    expect(m.factorials).toEqual([
      { startIndex: 1, n: 10, source: Source.Ui, writeTime: 5_000, startTime: 5_000, finishTime: 8_000, result: 3_628_800, irqRequested: true, duration: 3_000 },
      { startIndex: 4, n: 3, source: Source.Test, writeTime: null, startTime: 9_000, finishTime: null, result: null, irqRequested: null, duration: null },
    ]);
  });

  it('compares the DMA deadline with the timer firing and the completion', () => {
    const m = track([
      { t: 0, kind: EventKind.TimerName, source: Source.Machine, addr: 1, text: 'edu-fact' },
      { t: 0, kind: EventKind.TimerName, source: Source.Machine, addr: 3, text: 'edu-dma' },
      { t: 1_500_000, kind: EventKind.DmaStart, source: G, addr: 101, value: 0x5 },
      { t: 50_000_000, kind: EventKind.TimerFire, source: Source.Machine, addr: 1, value: 10 },
      { t: 101_000_250, kind: EventKind.TimerFire, source: Source.Machine, addr: 3, value: 250 },
      { t: 101_000_250, kind: EventKind.DmaComplete, addr: EduReg.DmaCmd, value: 4096 },
      { t: 200_000_000, kind: EventKind.DmaStart, source: G, addr: 300, value: 0x1 },
      { t: 300_000_000, kind: EventKind.TimerFire, source: Source.Machine, addr: 3, value: 0 },
      { t: 300_000_000, kind: EventKind.DmaError, addr: EduReg.DmaDst, text: 'EDU: DMA range 0x50000-0x51000 out of bounds' },
      { t: 300_000_000, kind: EventKind.DmaComplete, addr: EduReg.DmaCmd, value: 0, flags: EventFlag.OutOfRange },
    ]);
    expect(m.dma.map((d) => [d.deadline, d.fireTime, d.timerLateness, d.endTime, d.lateness, d.outcome, d.bytes, d.flags, d.error])).toEqual([
      [101_000_000, 101_000_250, 250, 101_000_250, 250, 'complete', 4096, 0, null],
      [300_000_000, 300_000_000, 0, 300_000_000, 0, 'error', 0, EventFlag.OutOfRange, 'EDU: DMA range 0x50000-0x51000 out of bounds'],
    ]);
    const report = measurementReport(m);
    expect([report.dmaLateness.min, report.dmaLateness.max, report.dmaLateness.avg]).toEqual([0, 250, 125]);
  });
});

describe('histograms', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);

  it('gives min, avg, max and nearest-rank percentiles', () => {
    const h = histogram(values, { bucketSize: 10, buckets: 10 });
    expect([h.count, h.min, h.avg, h.max, h.p50, h.p99]).toEqual([100, 1, 50.5, 100, 50, 99]);
    expect(h.buckets).toEqual([9, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
    expect(h.overflow).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });

  it('picks a 1-2-5 bucket size that fits the maximum', () => {
    const h = histogram(values, { buckets: 20 });
    expect(h.bucketSize).toBe(10);
    expect(h.overflow).toBe(0);
    expect(h.buckets.slice(9, 12)).toEqual([10, 1, 0]);
    expect(histogram([], {}).count).toBe(0);
    expect(Number.isNaN(histogram([]).avg)).toBe(true);
  });

  it('prints like rtla', () => {
    const text = histogramText('latency', histogram([500, 400, 500, 300], { bucketSize: 100, buckets: 8 }));
    expect(text.split('\n')).toEqual([
      '# latency',
      '# bucket size 100 ns',
      '        300 ns        1',
      '        400 ns        1',
      '        500 ns        2',
      'count: 4',
      'min: 300 ns',
      'avg: 425 ns',
      'max: 500 ns',
      'p99: 500 ns',
    ]);
  });
});
