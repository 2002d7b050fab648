import { describe, expect, it } from 'vitest';
import { EventFlag, EventKind, Source } from '../../../src/common/trace/schema';
import { EventStore } from '../../../src/renderer/src/timeline/event-store';
import { LaneSet, MmioClass, type Lane } from '../../../src/renderer/src/timeline/lanes';
import { MarkerSet } from '../../../src/renderer/src/timeline/markers';
import { InstantSeries, LevelSeries } from '../../../src/renderer/src/timeline/series';
import { batch, type Ev } from './support';

function build(events: Ev[], lanes = new LaneSet(), store = new EventStore({ chunkSize: 8 })): { lanes: LaneSet; store: EventStore } {
  store.append(batch(events), (e) => lanes.process(e));
  return { lanes, store };
}

/** A level lane's transitions as [time, value] pairs. */
function transitions(lane: Lane | undefined): [number, number][] {
  const l = lane!.level!;
  return Array.from({ length: l.length }, (_, i) => [l.time(i), l.valueAt(i)]);
}

function instants(lane: Lane | undefined): [number, number][] {
  const s = lane!.instants!;
  return Array.from({ length: s.length }, (_, i) => [s.time(i), s.classOf(i)]);
}

describe('LevelSeries', () => {
  it('records only changes, answers levels and spans, and counts zeros in ranges', () => {
    const l = new LevelSeries();
    expect(l.set(10, 1, 0)).toBe(true);
    expect(l.set(12, 1, 1)).toBe(false);
    l.set(20, 0, 2);
    l.set(20, 3, 3);
    l.set(30, 0, 4);
    expect(l.length).toBe(4);
    expect([5, 10, 15, 20, 25, 30].map((t) => l.levelAt(t))).toEqual([0, 1, 1, 3, 3, 0]);
    expect(l.spanAt(25)).toEqual({ value: 3, start: 20, end: 30, startEvent: 3, endEvent: 4 });
    expect(l.spanAt(35)).toEqual({ value: 0, start: 30, end: null, startEvent: 4, endEvent: -1 });
    expect(l.spanAt(0)).toEqual({ value: 0, start: -Infinity, end: 10, startEvent: -1, endEvent: 0 });
    // values at -1..3: 0 (initial), 1, 0, 3, 0
    expect(l.zerosIn(-1, 4)).toBe(3);
    expect(l.zerosIn(0, 1)).toBe(0);
    expect(l.zerosIn(0, 3)).toBe(1);
    expect(l.zerosIn(2, 3)).toBe(0);
  });

  it('never goes back in time', () => {
    const l = new LevelSeries();
    l.set(10, 1, 0);
    l.set(5, 0, 1);
    expect(l.time(1)).toBe(10);
  });

  it('trims its front and keeps the level that was in effect', () => {
    const l = new LevelSeries();
    for (let i = 0; i < 10_000; i++) l.set(i, i % 2, i);
    l.trimBeforeIndex(9_001);
    expect(l.length).toBe(10_000 - 9_001);
    expect(l.initial).toBe(0); // event 9000 set 0
    expect(l.valueAt(-1)).toBe(0);
    expect(l.time(0)).toBe(9_001);
    // values: -1 (initial) 0, 0 (t 9001) 1, 1 (t 9002) 0, 2 (t 9003) 1
    expect(l.zerosIn(-1, 1)).toBe(1);
    expect(l.zerosIn(-1, 2)).toBe(2);
    expect(l.zerosIn(-1, 3)).toBe(2);
    expect(l.zerosIn(1, 3)).toBe(1);
    l.set(20_000, 0, 20_000); // still consistent after the compaction
    expect(l.levelAt(30_000)).toBe(0);
    expect(l.length).toBe(1_000);
    expect(l.zerosIn(-1, l.length)).toBe(501);
  });
});

describe('InstantSeries', () => {
  it('counts classes in ranges, inserts out-of-order instants in place, and trims', () => {
    const s = new InstantSeries(3);
    [[1, 0], [2, 1], [3, 2], [4, 1], [5, 0]].forEach(([t, c], i) => s.push(t!, c!, i));
    expect([0, 1, 2].map((c) => s.countClass(c, 0, 5))).toEqual([2, 2, 1]);
    expect([0, 1, 2].map((c) => s.countClass(c, 1, 4))).toEqual([0, 2, 1]);
    s.push(2.5, 1, 5);
    expect(Array.from({ length: s.length }, (_, i) => s.time(i))).toEqual([1, 2, 2.5, 3, 4, 5]);
    expect(s.countClass(1, 0, 6)).toBe(3);
    expect(s.countClass(1, 3, 6)).toBe(1);
    s.trimBeforeIndex(2);
    expect(s.length).toBe(4);
    expect(s.countClass(1, 0, s.length)).toBe(2);
    expect(s.countClass(0, 0, s.length)).toBe(1);
  });
});

describe('LaneSet', () => {
  it('starts with the default lanes in display order', () => {
    const lanes = new LaneSet();
    expect(lanes.lanes.map((l) => l.id)).toEqual([
      'mmio:guest', 'mmio:ui', 'fact', 'intx:11', 'msi', 'irq-status', 'irq-bit:0', 'irq-bit:8', 'dma', 'clock', 'storm',
    ]);
    expect(lanes.get('irq-bit:8')!.label).toBe('IRQ DMA 0x100');
  });

  it('splits MMIO accesses by initiator and class', () => {
    const { lanes } = build([
      { t: 1, kind: EventKind.MmioRead, source: Source.Guest, addr: 0x24 },
      { t: 2, kind: EventKind.MmioWrite, source: Source.Ui, addr: 0x08, value: 5 },
      { t: 3, kind: EventKind.MmioWrite, source: Source.Guest, addr: 0x3, flags: EventFlag.Invalid },
      { t: 4, kind: EventKind.MmioRead, source: Source.Test, addr: 0 },
    ]);
    expect(instants(lanes.get('mmio:guest'))).toEqual([[1, MmioClass.Read], [3, MmioClass.Invalid]]);
    expect(instants(lanes.get('mmio:ui'))).toEqual([[2, MmioClass.Write]]);
    expect(instants(lanes.get('mmio:test'))).toEqual([[4, MmioClass.Read]]);
    expect(lanes.lanes.findIndex((l) => l.id === 'mmio:test')).toBe(2);
  });

  it('derives spans: factorial, INTx, handlers, DMA with its deadline, clock paused; open at the end', () => {
    const { lanes } = build([
      { t: 100, kind: EventKind.FactStart, value: 5 },
      { t: 300, kind: EventKind.FactFinish, value: 120, flags: EventFlag.IrqRequested },
      { t: 300, kind: EventKind.IrqRaise, addr: 1, value: 1 },
      { t: 300, kind: EventKind.IntxLevel, addr: 11, value: 1 },
      { t: 400, kind: EventKind.HandlerEnter, source: Source.Guest, addr: 11, value: 11 },
      { t: 500, kind: EventKind.IrqAck, addr: 0, value: 1 },
      { t: 500, kind: EventKind.IntxLevel, addr: 11, value: 0 },
      { t: 600, kind: EventKind.HandlerExit, source: Source.Guest, addr: 11, value: 1 },
      { t: 700, kind: EventKind.HandlerEnter, source: Source.Guest, addr: 11, value: 11 },
      { t: 750, kind: EventKind.HandlerExit, source: Source.Guest, addr: 11, value: 0 },
      { t: 1_000, kind: EventKind.DmaStart, addr: 101, value: 0x5 },
      { t: 2_000, kind: EventKind.ClockPause },
      { t: 2_000, kind: EventKind.ClockResume },
      { t: 3_000, kind: EventKind.FactStart, value: 12 },
    ]);
    expect(transitions(lanes.fact)).toEqual([[100, 1], [300, 0], [3_000, 1]]);
    expect(lanes.fact.level!.value).toBe(1); // open-ended
    expect(transitions(lanes.get('intx:11'))).toEqual([[300, 1], [500, 0]]);
    expect(transitions(lanes.get('irq-status'))).toEqual([[300, 1], [500, 0]]);
    expect(transitions(lanes.get('irq-bit:0'))).toEqual([[300, 1], [500, 0]]);
    expect(transitions(lanes.get('handler:11'))).toEqual([[400, 1], [600, 0], [700, 1], [750, 0]]);
    expect(instants(lanes.get('handler:11'))).toEqual([[750, 0]]);
    expect(lanes.get('handler:11')!.description).toContain('hwirq 11');
    expect(transitions(lanes.dma)).toEqual([[1_000, 1]]);
    expect(instants(lanes.dma)).toEqual([[101_000_000, 0]]);
    expect(transitions(lanes.clock)).toEqual([[2_000, 1], [2_000, 0]]);
  });

  it('gives each status bit ever set its own lane, and keeps a multi-bit value lane', () => {
    const { lanes } = build([
      { t: 10, kind: EventKind.IrqRaise, source: Source.Ui, addr: 0x1, value: 0x1 },
      { t: 20, kind: EventKind.IrqRaise, source: Source.Ui, addr: 0x1001, value: 0x1000 },
      { t: 30, kind: EventKind.IrqRaise, source: Source.Ui, addr: 0x1101, value: 0x100 },
      { t: 40, kind: EventKind.IrqAck, source: Source.Guest, addr: 0x100, value: 0x1001 },
      { t: 50, kind: EventKind.MsiMessage, addr: 0xfee00000, value: 0x4041, flags: EventFlag.Dropped },
      { t: 60, kind: EventKind.MsiMessage, addr: 0xfee00000, value: 0x4041 },
    ]);
    expect(transitions(lanes.irqStatus)).toEqual([[10, 0x1], [20, 0x1001], [30, 0x1101], [40, 0x100]]);
    expect(transitions(lanes.get('irq-bit:12'))).toEqual([[20, 1], [40, 0]]);
    expect(transitions(lanes.get('irq-bit:8'))).toEqual([[30, 1]]);
    expect(transitions(lanes.get('irq-bit:0'))).toEqual([[10, 1], [40, 0]]);
    expect(lanes.get('irq-bit:12')!.label).toBe('IRQ bit 12 0x1000');
    expect(instants(lanes.msi)).toEqual([[50, 1], [60, 0]]);
  });

  it('ends DMA on an error and marks it; a power-on reset clears status and DMA', () => {
    const { lanes } = build([
      { t: 0, kind: EventKind.DmaStart, addr: 100, value: 1 },
      { t: 100_000_000, kind: EventKind.TimerFire, addr: 2, value: 0 },
      { t: 100_000_000, kind: EventKind.DmaError, text: 'EDU: DMA range 0x0-0x1000 out of bounds' },
      { t: 100_000_000, kind: EventKind.DmaComplete, flags: EventFlag.OutOfRange },
      { t: 200_000_000, kind: EventKind.IrqRaise, addr: 0x100, value: 0x100 },
      { t: 200_000_500, kind: EventKind.DmaStart, addr: 300, value: 1 },
      { t: 250_000_000, kind: EventKind.MachineReset, value: 1 },
    ]);
    expect(transitions(lanes.dma)).toEqual([[0, 1], [100_000_000, 0], [200_000_500, 1], [250_000_000, 0]]);
    expect(instants(lanes.dma)).toEqual([[100_000_000, 0], [100_000_000, 1], [300_000_000, 0]]);
    expect(transitions(lanes.get('irq-bit:8'))).toEqual([[200_000_000, 1], [250_000_000, 0]]);
  });

  it('trims lane data with the store and keeps levels right', () => {
    const store = new EventStore({ chunkSize: 4, maxEvents: 8 });
    const lanes = new LaneSet();
    for (let b = 0; b < 5; b++) {
      const evs: Ev[] = [];
      for (let i = 4 * b; i < 4 * b + 4; i++) evs.push({ t: i * 10, kind: i % 2 ? EventKind.FactFinish : EventKind.FactStart });
      const r = store.append(batch(evs, 4 * b), (e) => lanes.process(e));
      if (r.dropped) lanes.trim(store.firstIndex);
    }
    expect(store.firstIndex).toBe(12);
    expect(transitions(lanes.fact)).toEqual([[120, 1], [130, 0], [140, 1], [150, 0], [160, 1], [170, 0], [180, 1], [190, 0]]);
    expect(lanes.fact.level!.initial).toBe(0);
    expect(lanes.fact.level!.levelAt(0)).toBe(0);
  });
});

describe('StormDetector', () => {
  const opts = { storm: { windowNs: 1_000, minInterrupts: 4, ackRatio: 2 } };

  it('turns on when handler entries outpace acks and off when they slide out of the window', () => {
    const evs: Ev[] = [];
    // An INTx line stuck high: the handler runs every 100 ns and nobody acks.
    for (let i = 0; i < 6; i++) {
      evs.push({ t: 100 * i, kind: EventKind.HandlerEnter, source: Source.Guest, addr: 11, value: 11 });
      evs.push({ t: 100 * i + 50, kind: EventKind.HandlerExit, source: Source.Guest, addr: 11, value: 0 });
    }
    const { lanes } = build(evs, new LaneSet(opts));
    // The fourth entry (t = 300) makes 4 in the window with no acks.
    expect(transitions(lanes.stormLane)).toEqual([[300, 1]]);
    expect(lanes.storm.state).toMatchObject({ active: true, since: 300, warning: true, reason: 'rate', entries: 6, acks: 0, ratePerSecond: 6e6 });
    // Entries at 0..500 leave the window at 1000..1500; with 3 left (at 1200) it is over.
    lanes.advanceTo(5_000);
    expect(transitions(lanes.stormLane)).toEqual([[300, 1], [1_200, 0]]);
    expect(lanes.storm.state.active).toBe(false);
  });

  it('stays off while acks keep up, and latches a warning when the kernel disables a line', () => {
    const evs: Ev[] = [];
    for (let i = 0; i < 10; i++) {
      evs.push({ t: 100 * i, kind: EventKind.IrqRaise, addr: 1, value: 1 });
      evs.push({ t: 100 * i + 10, kind: EventKind.HandlerEnter, addr: 24, value: 2048 });
      evs.push({ t: 100 * i + 20, kind: EventKind.IrqAck, addr: 0, value: 1 });
      evs.push({ t: 100 * i + 30, kind: EventKind.HandlerExit, addr: 24, value: 1 });
    }
    evs.push({ t: 2_000, kind: EventKind.IrqDisabled, source: Source.Guest, addr: 11 });
    const { lanes } = build(evs, new LaneSet(opts));
    expect(transitions(lanes.stormLane)).toEqual([]);
    expect(instants(lanes.stormLane)).toEqual([[2_000, 0]]);
    expect(lanes.storm.state).toMatchObject({ active: false, warning: true, reason: 'irq-disabled', disabled: [{ irq: 11, time: 2_000 }] });
  });
});

describe('MarkerSet', () => {
  it('keeps markers sorted, edits them, and round-trips through JSON', () => {
    const m = new MarkerSet();
    const b = m.add(200, 'ack');
    const a = m.add(100);
    expect(m.list.map((x) => [x.time, x.label])).toEqual([[100, 'M2'], [200, 'ack']]);
    m.update(a.id, { time: 300, label: 'late' });
    expect(m.list.map((x) => x.label)).toEqual(['ack', 'late']);
    expect(m.next(200)?.label).toBe('late');
    expect(m.next(250, -1)?.label).toBe('ack');
    expect(m.inRange(150, 250).map((x) => x.id)).toEqual([b.id]);
    const saved = JSON.parse(JSON.stringify(m)) as unknown[];
    expect(saved).toEqual([{ time: 200, label: 'ack' }, { time: 300, label: 'late' }]);
    const n = new MarkerSet();
    n.load([...saved, { time: 'x' }, null]);
    expect(n.toJSON()).toEqual(saved);
    expect(m.remove(b.id)).toBe(true);
    expect(m.size).toBe(1);
  });
});
