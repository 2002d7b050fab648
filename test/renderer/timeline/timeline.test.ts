import { describe, expect, it } from 'vitest';
import { EduReg } from '../../../src/common/edu/datasheet';
import { EventKind, Source } from '../../../src/common/trace/schema';
import { darkTheme } from '../../../src/renderer/src/timeline/theme';
import { Timeline } from '../../../src/renderer/src/timeline/timeline';
import { batch, FakeContext, type Ev } from './support';

const G = Source.Guest;
const D = Source.Device;

/** Two INTx interrupts 10 us apart, each: raise, edge, handler, status read, ack. */
function interrupts(): Ev[] {
  const out: Ev[] = [];
  for (const base of [1_000, 11_000]) {
    out.push(
      { t: base, kind: EventKind.IrqRaise, source: D, addr: 1, value: 1 },
      { t: base, kind: EventKind.IntxLevel, source: D, addr: 11, value: 1 },
      { t: base + 500, kind: EventKind.HandlerEnter, source: G, addr: 11, value: 11 },
      { t: base + 600, kind: EventKind.MmioRead, source: G, addr: EduReg.IrqStatus, value: 1 },
      { t: base + 700, kind: EventKind.MmioWrite, source: G, addr: EduReg.IrqAck, value: 1 },
      { t: base + 700, kind: EventKind.IrqAck, source: G, addr: 0, value: 1 },
      { t: base + 700, kind: EventKind.IntxLevel, source: D, addr: 11, value: 0 },
      { t: base + 800, kind: EventKind.HandlerExit, source: G, addr: 11, value: 1 },
    );
  }
  return out;
}

describe('Timeline', () => {
  it('takes stream batches, follows the newest time and extends to the live clock', () => {
    const tl = new Timeline({ viewport: { span: 10_000 } });
    tl.setSize(1_150, 300, 1); // plot 1000 px
    const evs = interrupts();
    tl.append(batch(evs.slice(0, 8), 0));
    tl.append(batch(evs.slice(8), 8));
    expect(tl.store.size).toBe(16);
    expect([tl.dataStart, tl.dataEnd]).toEqual([1_000, 11_800]);
    expect(tl.viewport.follow).toBe(true);
    expect(tl.viewport.end).toBe(11_800);
    tl.setLiveTime(20_000);
    expect(tl.dataEnd).toBe(20_000);
    expect(tl.viewport.end).toBe(20_000);
    expect(tl.lanes.get('handler:11')).toBeDefined();
    expect(tl.visibleLanes.map((l) => l.id)).toContain('handler:11');
  });

  it('places cursors with snapping and measures between them', () => {
    const tl = new Timeline({ viewport: { span: 10_000 } });
    tl.setSize(1_150, 300, 1);
    tl.append(batch(interrupts()));
    tl.viewport.setRange(0, 20_000); // 20 ns per px; plot starts at x = 150
    expect(tl.timeAt(150 + 50)).toBe(1_000);
    expect(tl.xAt(1_000)).toBe(200);
    const a = tl.placeCursor('a', 150 + 52); // 1040 ns: the raise at 1000 is 2 px away
    expect(a).toMatchObject({ time: 1_000, snapped: true });
    const b = tl.placeCursor('b', 150 + 200, { snap: false });
    expect(b).toEqual({ time: 4_000, snapped: false });
    expect(tl.cursorDelta).toBe('Δ 3 us');
    const report = tl.measure();
    expect(report.range).toEqual({ from: 1_000, to: 4_000 });
    expect(report.interrupts).toHaveLength(1);
    expect([report.summary.latency.avg, report.summary.duration.avg, report.summary.raiseToAck.avg, report.summary.intxHigh.avg]).toEqual([500, 300, 700, 700]);
    expect(tl.measure(null).summary.count).toBe(2);
    expect(tl.measure(null).summary.ratePerSecond).toBe(1e5); // 2 raises 10 us apart
  });

  it('steps a cursor from edge to edge on a lane', () => {
    const tl = new Timeline();
    tl.setSize(1_150, 300, 1);
    tl.append(batch(interrupts()));
    tl.viewport.setRange(0, 5_000);
    tl.cursors.set('a', 0);
    expect(tl.findEdge('intx:11', 1, 'rising', { moveCursor: 'a' })?.time).toBe(1_000);
    expect(tl.findEdge('intx:11', 1, 'falling', { moveCursor: 'a' })?.time).toBe(1_700);
    expect(tl.findEdge('intx:11', 1, 'rising', { moveCursor: 'a' })?.time).toBe(11_000);
    expect(tl.cursors.a).toBe(11_000);
    // The view moved to show it.
    expect(tl.viewport.start).toBeLessThanOrEqual(11_000);
    expect(tl.viewport.end).toBeGreaterThanOrEqual(11_000);
    expect(tl.findEdge('nope', 1)).toBeNull();
  });

  it('shows absolute or relative time', () => {
    const tl = new Timeline();
    tl.setSize(1_150, 300, 1);
    tl.append(batch(interrupts()));
    tl.viewport.setRange(0, 10_000);
    expect(tl.formatTime(1_500)).toBe('1.5 us');
    expect(tl.ticks().major[1]!.label).toBe('1 us');
    tl.setTimeDisplay({ mode: 'relative', origin: 1_000 });
    expect([tl.formatTime(1_500), tl.formatTime(500), tl.formatTime(1_000)]).toEqual(['+500 ns', '-500 ns', '0 ns']);
    expect(tl.ticks().major.map((t) => t.time)).toContain(1_000);
    expect(tl.axisLabel(2_000)).toBe('1 us');
  });

  it('hides lanes and redraws only when something changed', () => {
    const tl = new Timeline();
    tl.setSize(800, 300, 2);
    tl.append(batch(interrupts()));
    const v = tl.version;
    expect(tl.version).toBe(v);
    tl.setLaneHidden('mmio:ui', true);
    expect(tl.version).not.toBe(v);
    expect(tl.visibleLanes.map((l) => l.id)).not.toContain('mmio:ui');
    const ctx = new FakeContext();
    tl.render(ctx, darkTheme);
    expect(ctx.texts.map((t) => t.text)).not.toContain('MMIO UI');
    expect(ctx.texts.map((t) => t.text)).toContain('handler irq 11');
  });

  it('trims lanes with the bounded store and shades what was dropped', () => {
    const tl = new Timeline({ store: { chunkSize: 4, maxEvents: 8 } });
    tl.setSize(800, 300, 1);
    const evs = interrupts();
    for (let i = 0; i < evs.length; i += 4) tl.append(batch(evs.slice(i, i + 4), i));
    expect(tl.store.firstIndex).toBe(8);
    expect(tl.extent).toEqual({ start: 11_000, end: 11_800 });
    const intx = tl.lanes.get('intx:11')!.level!;
    expect([intx.length, intx.time(0)]).toEqual([2, 11_000]);
    expect(tl.measure(null).interrupts).toHaveLength(2); // measurements outlive the events
  });

  it('records gaps from the stream and starts over on reset', () => {
    const tl = new Timeline();
    tl.setSize(800, 300, 1);
    const evs = interrupts();
    tl.append(batch(evs.slice(0, 8), 0));
    tl.noteGap(8, 100);
    tl.append(batch(evs.slice(8), 100));
    expect(tl.store.gaps).toHaveLength(1);
    expect(tl.store.gaps[0]).toMatchObject({ fromSeq: 8, toSeq: 100, timeBefore: 1_800, timeAfter: 11_000 });
    const ctx = new FakeContext();
    tl.viewport.zoomToFit();
    tl.render(ctx, darkTheme);
    expect(ctx.rects.some((r) => r.style === darkTheme.gap)).toBe(true);
    tl.markers.add(5_000, 'keep me');
    tl.reset();
    expect([tl.store.size, tl.measure(null).interrupts.length, tl.lanes.get('handler:11'), tl.markers.size]).toEqual([0, 0, undefined, 1]);
    expect(Number.isNaN(tl.dataEnd)).toBe(true);
    tl.append(batch(evs.slice(0, 2), 0));
    expect(tl.store.size).toBe(2);
  });
  it('keeps a storm on while its events are still arriving behind the live clock', () => {
    const tl = new Timeline({ lanes: { storm: { windowNs: 1_000, minInterrupts: 4, ackRatio: 2 } } });
    // A handler that runs every 100 ns and is never acknowledged, delivered in bounded batches while
    // the clock in each message is already far ahead.
    const entries = (from: number, n: number): Ev[] =>
      Array.from({ length: n }, (_, i) => ({ t: from + 100 * i, kind: EventKind.HandlerEnter, source: G, addr: 11, value: 11 }));
    tl.append(batch(entries(0, 6), 0));
    tl.setLiveTime(50_000);
    expect(tl.storm.active).toBe(true);
    tl.append(batch(entries(600, 6), 6));
    tl.setLiveTime(60_000);
    expect(tl.storm.active).toBe(true);
    const level = tl.lanes.stormLane.level!;
    expect([level.length, level.time(0)]).toEqual([1, 300]);
    // Clock updates with no events in between: the flood is over, the window slides on.
    tl.setLiveTime(70_000);
    expect(tl.storm.active).toBe(true);
    tl.setLiveTime(80_000);
    expect(tl.storm.active).toBe(false);
    expect([level.length, level.time(1), level.valueAt(1)]).toEqual([2, 1_800, 0]); // 800 leaves: 3 left
  });

  it('keeps a storm on through any number of clock updates while the stream says its events are still coming', () => {
    const tl = new Timeline({ lanes: { storm: { windowNs: 1_000, minInterrupts: 4, ackRatio: 2 } } });
    const entries = (from: number, n: number): Ev[] =>
      Array.from({ length: n }, (_, i) => ({ t: from + 100 * i, kind: EventKind.HandlerEnter, source: G, addr: 11, value: 11 }));
    tl.append(batch(entries(0, 6), 0));
    for (let i = 1; i <= 10; i++) tl.setLiveTime(50_000 * i, true);
    expect(tl.storm.active).toBe(true);
    expect(tl.dataEnd).toBe(500_000); // the clock still moves the data's end (follow mode)
    tl.append(batch(entries(600, 6), 6));
    expect(tl.storm.active).toBe(true);
    // Quiet from now on: after a few clock updates without events the window slides on.
    tl.setLiveTime(600_000);
    tl.setLiveTime(700_000);
    expect(tl.storm.active).toBe(true);
    tl.setLiveTime(800_000);
    expect(tl.storm.active).toBe(false);
  });
});
