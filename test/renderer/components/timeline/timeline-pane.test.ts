import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { EventKind, Source } from '../../../../src/common/trace/schema';
import { setLanguage } from '../../../../src/renderer/src/i18n';
import { timeline, timelineChanged } from '../../../../src/renderer/src/session';
import { useSettings } from '../../../../src/renderer/src/stores/settings';
import { useUi } from '../../../../src/renderer/src/stores/ui';
import { darkTheme, lightTheme } from '../../../../src/renderer/src/timeline';
import { measured, mountPane, pointer, storm, twoInterrupts, WIDTH, type Pane } from './support';

let pane: Pane | undefined;

afterEach(() => {
  pane?.wrapper.unmount();
  pane = undefined;
  vi.restoreAllMocks();
  setLanguage('en');
});

const text = (p: Pane, testid: string): string => p.wrapper.get(`[data-testid=${testid}]`).text();
const click = async (p: Pane, testid: string): Promise<void> => {
  await p.wrapper.get(`[data-testid=${testid}]`).trigger('click');
  await p.frame();
};
const key = async (p: Pane, k: string, init: KeyboardEventInit = {}): Promise<void> => {
  p.canvas.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init }));
  await p.frame();
};
/** Row i's vertical middle on the canvas (axis 26 px, rows 18 px + 2 px apart). */
const rowY = (i: number): number => 26 + 20 * i + 9;

describe('the timeline pane', () => {
  it('draws on the canvas, with the lanes named beside it, and follows the newest time', async () => {
    pane = await mountPane();
    expect(text(pane, 'timeline-fit')).toBe('Fit');
    await pane.feed(twoInterrupts());
    const labels = pane.wrapper.findAll('.lane .name').map((l) => l.text());
    expect(labels).toEqual([
      'MMIO guest', 'MMIO UI', 'factorial busy', 'INTx GSI 11', 'MSI', 'IRQ_STATUS', 'IRQ FACT 0x1', 'IRQ DMA 0x100', 'handler irq 11', 'DMA busy', 'clock paused', 'storm',
    ]);
    expect(pane.ctx.count('fillRect')).toBeGreaterThan(20);
    expect(pane.canvas.dataset.events).toBe('18');
    expect(pane.canvas.dataset.follow).toBe('1');
    expect(Number(pane.canvas.dataset.viewEnd)).toBe(11_900);
    expect(pane.wrapper.get('[data-testid=timeline-follow]').attributes('aria-pressed')).toBe('true');
  });

  it('draws at most once per animation frame, only when something changed', async () => {
    pane = await mountPane();
    await pane.feed(twoInterrupts());
    const draws = Number(pane.canvas.dataset.draws);
    for (let i = 0; i < 5; i++) timelineChanged();
    await nextTick();
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    expect(Number(pane.canvas.dataset.draws)).toBe(draws); // nothing changed: no draw
    timeline.setLiveTime(50_000);
    for (let i = 0; i < 5; i++) timelineChanged();
    await nextTick();
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    expect(Number(pane.canvas.dataset.draws)).toBe(draws + 1);
  });

  it('zooms, fits and follows from the toolbar', async () => {
    pane = await mountPane();
    await pane.feed(twoInterrupts());
    await click(pane, 'timeline-fit');
    const v = timeline.viewport;
    // The data (1 us .. 11.9 us) with 2% margins each side.
    expect(v.span).toBeCloseTo(10_900 / 0.96, 6);
    expect(v.start).toBeCloseTo(1_000 - (v.span - 10_900) / 2, 6);
    expect(v.follow).toBe(false);
    expect(pane.wrapper.get('[data-testid=timeline-follow]').attributes('aria-pressed')).toBe('false');
    const span = v.span;
    await click(pane, 'timeline-zoom-in');
    expect(v.span).toBeCloseTo(span / 2, 6);
    await click(pane, 'timeline-zoom-out');
    await click(pane, 'timeline-zoom-out');
    expect(v.span).toBeCloseTo(span * 2, 6);
    expect(text(pane, 'timeline-span')).toBe('View: 22.708 us');
    await click(pane, 'timeline-follow');
    expect(v.follow).toBe(true);
    expect(v.end).toBe(11_900);
    expect(pane.canvas.dataset.follow).toBe('1');
  });

  it('zooms with the wheel around the pointer and pans by dragging', async () => {
    pane = await mountPane();
    await pane.feed(twoInterrupts());
    timeline.viewport.setRange(0, 20_000); // 20 ns per px
    await pane.frame();
    const v = timeline.viewport;
    pane.canvas.dispatchEvent(new WheelEvent('wheel', { deltaY: -200, clientX: 250, clientY: 100, bubbles: true, cancelable: true }));
    await pane.frame();
    expect(v.span).toBeCloseTo(10_000, 6); // one step of 200 px zooms ×2
    expect(v.xToTime(250)).toBeCloseTo(5_000, 6); // the time under the pointer stays
    const start = v.start;
    pane.canvas.dispatchEvent(pointer('pointerdown', 500, 100));
    pane.canvas.dispatchEvent(pointer('pointermove', 400, 100));
    pane.canvas.dispatchEvent(pointer('pointerup', 400, 100));
    await pane.frame();
    expect(v.start).toBeCloseTo(start + 100 * 10, 6); // dragged 100 px left: 1 us later
    expect(timeline.cursors.a).toBeNull(); // a drag places no cursor
  });

  it('places cursors A and B by clicking (snapping to edges) and shows the time between them', async () => {
    pane = await mountPane();
    await pane.feed(twoInterrupts());
    timeline.viewport.setRange(0, 20_000);
    await pane.frame();
    expect(text(pane, 'timeline-cursor-delta')).toBe('—');
    // 52 px is 1040 ns: the raise at 1000 ns is 2 px away.
    pane.canvas.dispatchEvent(pointer('pointerdown', 52, rowY(3)));
    pane.canvas.dispatchEvent(pointer('pointerup', 52, rowY(3)));
    await pane.frame();
    expect(timeline.cursors.a).toBe(1_000);
    expect(text(pane, 'timeline-cursor-a')).toBe('1 us');
    // Shift+click at 578 px (11 560 ns) snaps to the ack at 11 600 ns.
    pane.canvas.dispatchEvent(pointer('pointerdown', 578, rowY(3), { shiftKey: true }));
    pane.canvas.dispatchEvent(pointer('pointerup', 578, rowY(3), { shiftKey: true }));
    await pane.frame();
    expect(text(pane, 'timeline-cursor-b')).toBe('11.6 us');
    expect(text(pane, 'timeline-cursor-delta')).toBe('Δ 10.6 us');
    expect(pane.canvas.dataset.cursorB).toBe('11600');
    // Relative time counts from cursor A.
    await click(pane, 'timeline-time-relative');
    expect(text(pane, 'timeline-cursor-a')).toBe('0 ns');
    expect(text(pane, 'timeline-cursor-b')).toBe('+10.6 us');
    await click(pane, 'timeline-time-absolute');
    await click(pane, 'timeline-clear-cursors');
    expect(text(pane, 'timeline-cursor-a')).toBe('—');
  });

  it('answers the keyboard: zoom, fit, follow, cursors at the pointer, edges of the hovered lane, markers', async () => {
    pane = await mountPane();
    await pane.feed(twoInterrupts());
    timeline.viewport.setRange(0, 20_000);
    await pane.frame();
    const v = timeline.viewport;
    await key(pane, '+');
    expect(v.span).toBeCloseTo(10_000, 6);
    await key(pane, '-');
    expect(v.span).toBeCloseTo(20_000, 6);
    await key(pane, 'ArrowRight');
    expect(v.start).toBeCloseTo(2_000, 6);
    await key(pane, 'f');
    expect(v.span).toBeCloseTo(10_900 / 0.96, 6);
    await key(pane, 'l');
    expect(v.follow).toBe(true);
    await key(pane, 'L');
    expect(v.follow).toBe(false);
    timeline.viewport.setRange(0, 20_000);
    // Hover over the handler lane (row 8) at 1 us, press A: cursor A there; N: the next edge of that lane.
    pane.canvas.dispatchEvent(pointer('pointermove', 50, rowY(8), { buttons: 0 }));
    await key(pane, 'a');
    expect(timeline.cursors.a).toBe(1_000);
    await key(pane, 'n');
    expect(timeline.cursors.a).toBe(1_500); // the handler's entry
    await key(pane, 'n');
    expect(timeline.cursors.a).toBe(1_800); // its exit
    await key(pane, 'N', { shiftKey: true });
    expect(timeline.cursors.a).toBe(1_500);
    pane.canvas.dispatchEvent(pointer('pointermove', 560, rowY(8), { buttons: 0 }));
    await key(pane, 'B');
    expect(timeline.cursors.b).toBe(11_200); // snapped to the second entry
    await key(pane, 'm');
    expect(timeline.markers.list.map((m) => [m.label, m.time])).toEqual([['M1', 11_200]]);
    await key(pane, 'Escape');
    expect([timeline.cursors.a, timeline.cursors.b]).toEqual([null, null]);
  });

  it('shows the events under the pointer in a tooltip', async () => {
    pane = await mountPane();
    await pane.feed(twoInterrupts());
    timeline.viewport.setRange(0, 20_000);
    await pane.frame();
    pane.canvas.dispatchEvent(pointer('pointermove', 75, rowY(8), { buttons: 0 })); // handler lane at 1.5 us
    await pane.frame();
    const tip = pane.wrapper.get('[data-testid=timeline-tooltip]');
    expect(tip.text()).toContain('handler irq 11');
    expect(tip.text()).toContain('HandlerEnter irq 11 (hwirq 11)');
    pane.canvas.dispatchEvent(pointer('pointermove', 82, rowY(3), { buttons: 0 })); // INTx at 1.64 us: high since 1 us
    await pane.frame();
    expect(pane.wrapper.get('[data-testid=timeline-tooltip]').text()).toContain('high from 1 us to 1.7 us (700 ns)');
    pane.canvas.dispatchEvent(new PointerEvent('pointerleave', { bubbles: true }));
    await pane.frame();
    expect(pane.wrapper.find('[data-testid=timeline-tooltip]').exists()).toBe(false);
  });

  it('measures every interrupt: the table and the histograms', async () => {
    pane = await mountPane();
    await pane.feed(twoInterrupts());
    await click(pane, 'timeline-fit');
    await pane.wrapper.get('[data-testid=timeline-measure-toggle]').setValue(true);
    await measured(pane);
    const table = pane.wrapper.get('[data-testid=interrupt-table]');
    expect(table.attributes('data-count')).toBe('2');
    const rows = table.findAll('[data-testid=interrupt-row]').map((r) => r.findAll('td').map((c) => c.text()));
    expect(rows).toEqual([
      ['1 us', '0x1', 'INTx 11', '11', '1.5 us', '500 ns', '300 ns', '700 ns'],
      ['11 us', '0x1', 'INTx 11', '11', '11.2 us', '200 ns', '700 ns', '600 ns'],
    ]);
    expect(pane.wrapper.get('[data-testid=measure-range]').text()).toMatch(/^visible: /);
    await pane.wrapper.get('[data-testid=measure-scope]').setValue('all');
    await measured(pane);
    expect(text(pane, 'interrupt-summary')).toBe('2 interrupts · 2 served · 2 acknowledged · 0 dropped · 100 k/s');
    expect(text(pane, 'measure-range')).toBe('everything recorded');

    await click(pane, 'measure-tab-histograms');
    const stats = (id: string) => {
      const h = pane!.wrapper.get(`[data-testid=${id}]`);
      return ['count', 'min', 'avg', 'max', 'p99'].map((s) => h.get(`[data-testid=hist-${s}]`).text());
    };
    expect(stats('latency-histogram')).toEqual(['2', '200 ns', '350 ns', '500 ns', '500 ns']);
    expect(stats('duration-histogram')).toEqual(['2', '300 ns', '500 ns', '700 ns', '700 ns']);
    expect(stats('ack-histogram')).toEqual(['2', '600 ns', '650 ns', '700 ns', '700 ns']);
    const bars = pane.wrapper.get('[data-testid=latency-histogram]').findAll('[data-testid=hist-bar]');
    expect(bars.reduce((n, b) => n + Number(b.attributes('data-n')), 0)).toBe(2);

    // Between the cursors only the second interrupt counts.
    timeline.cursors.set('a', 10_000);
    timeline.cursors.set('b', 12_000);
    await pane.wrapper.get('[data-testid=measure-scope]').setValue('auto');
    await measured(pane);
    expect(stats('latency-histogram')).toEqual(['1', '200 ns', '200 ns', '200 ns', '200 ns']);
    expect(text(pane, 'measure-range')).toBe('between the cursors: 10 us – 12 us');
    expect(pane.wrapper.get('[data-testid=measure-panel]').attributes('data-interrupts')).toBe('1');
  });

  it('lists factorials and DMA transfers with their timings', async () => {
    pane = await mountPane();
    await pane.feed([
      { t: 1_000, kind: EventKind.MmioWrite, source: Source.Guest, addr: 0x08, value: 5 },
      { t: 1_000, kind: EventKind.FactStart, source: Source.Guest, value: 5 },
      { t: 4_000, kind: EventKind.FactFinish, source: Source.Device, value: 120, flags: 0x40 },
      // DMA commanded at 2 ms with its deadline at 102 ms (addr in ms); the timer fires 30 us late.
      { t: 2_000_000, kind: EventKind.DmaStart, source: Source.Guest, addr: 102, value: 0x7 },
      { t: 102_030_000, kind: EventKind.TimerFire, source: Source.Device, addr: 3, value: 30_000 },
      { t: 102_030_000, kind: EventKind.DmaComplete, source: Source.Device, value: 2 },
    ]);
    await pane.wrapper.get('[data-testid=timeline-measure-toggle]').setValue(true);
    await pane.wrapper.get('[data-testid=measure-scope]').setValue('all');
    await click(pane, 'measure-tab-factorial');
    await measured(pane);
    const fact = pane.wrapper.get('[data-testid=fact-row]').findAll('td').map((c) => c.text());
    expect(fact).toEqual(['5', 'guest', '1 us', '4 us', '3 us', '120', 'yes']);
    expect(pane.wrapper.get('[data-testid=fact-histogram] [data-testid=hist-max]').text()).toBe('3 us');
    await click(pane, 'measure-tab-dma');
    await measured(pane);
    const dma = pane.wrapper.get('[data-testid=dma-row]').findAll('td').map((c) => c.text());
    expect(dma).toEqual(['2 ms', 'device → RAM', '102 ms', '102.03 ms', '30 us', '30 us', '2 bytes']);
    expect(pane.wrapper.get('[data-testid=dma-histogram] [data-testid=hist-p99]').text()).toBe('30 us');
  });

  it('warns of an interrupt storm, and of a line the kernel disabled', async () => {
    pane = await mountPane();
    await pane.feed(storm(0, 20));
    expect(pane.wrapper.find('[data-testid=timeline-storm]').exists()).toBe(false);
    await pane.feed(storm(20_000, 60));
    const badge = pane.wrapper.get('[data-testid=timeline-storm]');
    expect(badge.text()).toContain('Interrupt storm');
    expect(badge.attributes('data-reason')).toBe('rate');
    // The canvas carries the warning too.
    expect(pane.ctx.texts.some((t) => t.text === 'STORM')).toBe(true);
    timeline.viewport.setRange(0, 1e9);
    await click(pane, 'timeline-storm'); // shows where it began
    expect(timeline.viewport.start + timeline.viewport.span / 2).toBeCloseTo(timeline.storm.since!, 6);
    await pane.feed([{ t: 200_000_000, kind: EventKind.IrqDisabled, source: Source.Guest, addr: 11 }]);
    const latched = pane.wrapper.get('[data-testid=timeline-storm]');
    expect(latched.text()).toContain('IRQ 11 disabled');
    expect(latched.attributes('data-reason')).toBe('irq-disabled');
  });

  it('adds, renames, shows and removes named markers', async () => {
    pane = await mountPane();
    await pane.feed(twoInterrupts());
    timeline.viewport.setRange(0, 20_000);
    timeline.cursors.set('a', 1_500);
    await pane.frame();
    await click(pane, 'timeline-add-marker');
    expect(text(pane, 'timeline-markers')).toContain('Markers (1)');
    const name = pane.wrapper.get<HTMLInputElement>('[data-testid=marker-name]');
    expect(name.element.value).toBe('M1');
    await name.setValue('handler entry');
    await pane.frame();
    expect(timeline.markers.list.map((m) => [m.label, m.time])).toEqual([['handler entry', 1_500]]);
    timeline.viewport.setRange(100_000, 120_000);
    await click(pane, 'marker-jump');
    expect(timeline.viewport.start + timeline.viewport.span / 2).toBeCloseTo(1_500, 6);
    // Markers are drawn on the canvas with their names.
    expect(pane.ctx.texts.some((t) => t.text === 'handler entry')).toBe(true);
    await click(pane, 'marker-remove');
    expect(timeline.markers.size).toBe(0);
    expect(text(pane, 'timeline-markers')).toContain('Markers (0)');
  });

  it('hides and shows lanes from the lanes menu', async () => {
    pane = await mountPane();
    await pane.feed(twoInterrupts());
    await click(pane, 'timeline-lanes');
    await pane.wrapper.get('[data-testid=lane-toggle-fact]').setValue(false);
    await pane.frame();
    expect(timeline.isLaneHidden('fact')).toBe(true);
    expect(pane.wrapper.find('.lane[data-lane=fact]').exists()).toBe(false);
    expect(timeline.visibleLanes.map((l) => l.id)).not.toContain('fact');
    await click(pane, 'timeline-lanes-all');
    expect(pane.wrapper.find('.lane[data-lane=fact]').exists()).toBe(true);
  });

  it('starts extra status-bit lanes hidden (IRQ_STATUS shows them)', async () => {
    pane = await mountPane();
    await pane.feed([{ t: 1_000, kind: EventKind.IrqRaise, source: Source.Ui, addr: 0x1234, value: 0x1234 }]);
    expect(timeline.lanes.get('irq-bit:2')).toBeDefined();
    expect(timeline.isLaneHidden('irq-bit:2')).toBe(true);
    expect(timeline.isLaneHidden('irq-bit:0')).toBe(false);
  });

  it('centres on a moment a log line asked for, leaving follow mode', async () => {
    pane = await mountPane();
    await pane.feed(twoInterrupts());
    timeline.viewport.setRange(0, 4_000);
    timeline.viewport.setFollow(true);
    useUi().showOnTimeline(6_000);
    await pane.frame();
    const v = timeline.viewport;
    expect(v.follow).toBe(false);
    expect(v.start + v.span / 2).toBeCloseTo(6_000, 6);
  });

  it('redraws in the other theme', async () => {
    pane = await mountPane();
    await pane.feed(twoInterrupts());
    const settings = useSettings();
    settings.theme = 'light';
    await nextTick();
    await pane.frame();
    expect(pane.ctx.rects.some((r) => r.style === lightTheme.background)).toBe(true);
    const before = pane.ctx.rects.length;
    settings.theme = 'dark';
    await nextTick();
    await pane.frame();
    expect(pane.ctx.rects.slice(before).some((r) => r.style === darkTheme.background)).toBe(true);
  });

  it('speaks Chinese when asked', async () => {
    pane = await mountPane();
    await pane.feed(twoInterrupts());
    await pane.wrapper.get('[data-testid=timeline-measure-toggle]').setValue(true);
    await measured(pane);
    setLanguage('zh-CN');
    await pane.frame();
    expect(text(pane, 'timeline-fit')).toBe('适应');
    expect(text(pane, 'timeline-follow')).toBe('跟随实时');
    expect(pane.wrapper.findAll('.lane .name').map((l) => l.text())).toContain('阶乘计算中');
    expect(pane.wrapper.get('[data-testid=interrupt-table] th').text()).toBe('触发');
    expect(pane.wrapper.get('[data-testid=timeline-canvas]').attributes('aria-label')).toMatch(/^中断时间线/);
  });

  it('keeps the canvas sized to its box in device pixels', async () => {
    pane = await mountPane();
    expect([pane.canvas.width, pane.canvas.height]).toEqual([WIDTH * (window.devicePixelRatio || 1), 300 * (window.devicePixelRatio || 1)]);
    expect(timeline.layout.plotWidth).toBe(WIDTH);
  });
});
