import { describe, expect, it } from 'vitest';
import { EventKind, Source } from '../../../src/common/trace/schema';
import { aggregateLane, makeGrid } from '../../../src/renderer/src/timeline/aggregate';
import { drawTimeline } from '../../../src/renderer/src/timeline/draw';
import { EventStore } from '../../../src/renderer/src/timeline/event-store';
import { describeEvent } from '../../../src/renderer/src/timeline/hit-test';
import { LaneSet } from '../../../src/renderer/src/timeline/lanes';
import { layoutTimeline } from '../../../src/renderer/src/timeline/layout';
import { darkTheme, lightTheme } from '../../../src/renderer/src/timeline/theme';
import { makeTicks } from '../../../src/renderer/src/timeline/ticks';
import { Timeline } from '../../../src/renderer/src/timeline/timeline';
import { batch, bulkBatch, FakeContext, type Ev } from './support';

/** n events, 100 ns apart: factorial start, guest read, factorial finish, UI write, repeating. */
function capture(n: number): Timeline {
  const tl = new Timeline();
  tl.append(
    bulkBatch(n, 0, (c) => {
      const kinds = [EventKind.FactStart, EventKind.MmioRead, EventKind.FactFinish, EventKind.MmioWrite];
      for (let i = 0; i < n; i++) {
        c.vns[i] = 100 * i;
        c.kind[i] = kinds[i % 4]!;
        c.source[i] = i % 4 === 1 ? Source.Guest : i % 4 === 3 ? Source.Ui : Source.Device;
        c.addr[i] = i % 4 === 1 ? 0x20 : 0x08;
        c.size[i] = 4;
      }
    }),
  );
  return tl;
}

describe('drawTimeline', () => {
  it('draws bands, ticks, labels, markers and cursors where they belong (device-pixel aware)', () => {
    const lanes = new LaneSet();
    const evs: Ev[] = [
      { t: 250, kind: EventKind.FactStart, value: 5 },
      { t: 500, kind: EventKind.FactFinish, value: 120 },
      { t: 600, kind: EventKind.IrqRaise, addr: 0x101, value: 0x101 },
      { t: 700, kind: EventKind.MmioRead, source: Source.Guest, addr: 0x24 },
    ];
    new EventStore().append(batch(evs), (e) => lanes.process(e));
    const shown = [lanes.fact, lanes.irqStatus, lanes.get('mmio:guest')!];
    const layout = layoutTimeline(shown, 350, 120, { labelWidth: 150, axisHeight: 20, rowHeight: 20, rowGap: 0 });
    const dpr = 2;
    const columns = layout.plotWidth * dpr; // 400 columns of 2.5 ns, half a CSS px each
    const grid = makeGrid(0, 1000, columns);
    const rows = layout.rows.map((r) => ({ lane: r.lane, y: r.y, height: r.height, columns: aggregateLane(r.lane, grid, { start: -Infinity, end: 900 }) }));
    const ctx = new FakeContext();
    drawTimeline(ctx, {
      layout,
      dpr,
      view: { start: 0, span: 1000 },
      columns,
      rows,
      ticks: makeTicks({ start: 0, span: 1000, width: layout.plotWidth }),
      theme: lightTheme,
      cursors: { a: 250, b: 500, deltaLabel: 'Δ 250 ns' },
      markers: [{ id: 1, time: 600, label: 'raise' }],
    });
    expect(ctx.calls[0]).toEqual({ name: 'setTransform', args: [2, 0, 0, 2, 0, 0] });
    expect(ctx.balanced).toBe(true);
    const fact = lightTheme.lanes.fact;
    // High from 250 to 500 ns: columns 100..199, x = 150 + 100 / 2, 50 px wide; the row is 20..40.
    expect(ctx.rects).toContainEqual({ x: 200, y: 23, w: 50, h: 14, style: fact.fill });
    // Low before, as a one-device-pixel baseline.
    expect(ctx.rects).toContainEqual({ x: 150, y: 36.5, w: 50, h: 0.5, style: lightTheme.baseline });
    // Nothing after the end of data (900 ns): the last low run ends with column 360, which holds 900 ns.
    expect(ctx.rects.filter((r) => r.style === lightTheme.baseline && r.y === 36.5).map((r) => r.x + r.w)).toEqual([200, 330.5]);
    // The status value: its transition column at 600 ns, then the band with its label up to 900 ns.
    expect(ctx.rects).toContainEqual({ x: 270, y: 43, w: 0.5, h: 14, style: lightTheme.lanes['irq-status'].edge });
    expect(ctx.rects).toContainEqual({ x: 270.5, y: 43, w: 60, h: 14, style: lightTheme.lanes['irq-status'].fill });
    expect(ctx.texts).toContainEqual({ text: '0x101', x: 300.5, y: 50, style: lightTheme.lanes['irq-status'].text });
    // The read at 700 ns: a tick from the bottom of its row (60..80).
    expect(ctx.rects).toContainEqual({ x: 290, y: 77 - 8, w: 1, h: 8, style: lightTheme.lanes.mmio.classes[0] });
    const texts = ctx.texts.map((t) => t.text);
    expect(texts).toEqual(expect.arrayContaining(['factorial busy', 'IRQ_STATUS', 'MMIO guest', 'raise', 'A', 'B', 'Δ 250 ns', '0.0 us', '0.5 us']));
    expect(texts).not.toContain('1.0 us'); // it would not fit at the right edge
  });

  it('costs calls in proportion to the width, not to the number of events', () => {
    const small = capture(1_000);
    const big = capture(1_000_000);
    const calls = (tl: Timeline, width: number): number => {
      tl.setSize(width, 400, 2);
      tl.viewport.zoomToFit();
      const ctx = new FakeContext();
      tl.render(ctx, darkTheme, { hoverX: 300 });
      expect(ctx.balanced).toBe(true);
      return ctx.count();
    };
    const smallCalls = calls(small, 1_000);
    const bigCalls = calls(big, 1_000);
    const bigWide = calls(big, 2_000);
    const rows = big.visibleLanes.length;
    const columns = (1_000 - big.layout.labelWidth) * 2;
    // A handful of calls per run of columns per lane, plus labels, ticks and overlays.
    expect(bigCalls).toBeLessThan(rows * columns * 2 + 500);
    expect(bigCalls).toBeLessThan(1_000_000 / 50);
    expect(smallCalls).toBeLessThan(rows * columns * 2 + 500);
    // Twice the width: at most about twice the calls.
    expect(bigWide).toBeLessThan(bigCalls * 2.2 + 100);
    // Zoomed in on the big capture, where single events are columns of their own.
    big.viewport.setRange(50_000_000, 50_050_000);
    const ctx = new FakeContext();
    big.render(ctx, lightTheme);
    expect(ctx.count()).toBeLessThan(rows * columns * 2 + 500);
  });
});

describe('hover', () => {
  it('finds the lane and the decoded events under the pointer', () => {
    const tl = new Timeline({ layout: { labelWidth: 100, axisHeight: 20, rowHeight: 20, rowGap: 0 } });
    tl.append(
      batch([
        { t: 1_000, kind: EventKind.FactStart, source: Source.Ui, value: 5 },
        { t: 1_000, kind: EventKind.MmioWrite, source: Source.Ui, addr: 0x08, value: 5 },
        { t: 4_000, kind: EventKind.FactFinish, value: 120 },
        { t: 5_000, kind: EventKind.MmioRead, source: Source.Guest, addr: 0x08, value: 120 },
      ]),
    );
    tl.setSize(1_100, 400, 1);
    tl.viewport.setRange(0, 10_000); // 10 ns per px, plot from x = 100
    const lanes = tl.visibleLanes.map((l) => l.id);
    const rowY = (id: string): number => 20 + 20 * lanes.indexOf(id) + 10;

    const read = tl.hitTest(100 + 500, rowY('mmio:guest'));
    expect(read.area).toBe('plot');
    expect(read.lane?.id).toBe('mmio:guest');
    expect(read.time).toBe(5_000);
    expect(read.events.map((e) => [e.seq, e.kind, e.vns])).toEqual([[3, EventKind.MmioRead, 5_000]]);
    expect(describeEvent(read.events[0]!)).toBe('MmioRead guest FACTORIAL (0x8) -> 0x78 [4]');

    const busy = tl.hitTest(100 + 250, rowY('fact'));
    expect(busy.span).toMatchObject({ value: 1, start: 1_000, end: 4_000 });
    expect(busy.events.map((e) => e.kind)).toEqual([EventKind.FactStart, EventKind.FactFinish]);
    expect(busy.more).toBe(0);

    expect(tl.hitTest(50, rowY('fact'))).toMatchObject({ area: 'label', lane: { id: 'fact' } });
    expect(tl.hitTest(300, 5).area).toBe('axis');
    expect(tl.hitTest(300, 399)).toMatchObject({ area: 'plot', lane: null });
    expect(tl.hitTest(-1, 30).area).toBe('none');
  });

  it('decodes at most a few events and counts the rest', () => {
    const tl = new Timeline({ layout: { labelWidth: 100, axisHeight: 20, rowHeight: 20, rowGap: 0 } });
    tl.append(batch(Array.from({ length: 50 }, (_, i) => ({ t: 1_000 + i, kind: EventKind.MmioRead, source: Source.Guest }))));
    tl.setSize(1_100, 400, 1);
    tl.viewport.setRange(0, 10_000);
    const hit = tl.hitTest(100 + 102, 30, { maxEvents: 3 });
    expect(hit.events.map((e) => e.vns)).toEqual([1_000, 1_001, 1_002]);
    expect(hit.more).toBe(47);
  });
});
