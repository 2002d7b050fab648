import { describe, expect, it } from 'vitest';
import { makeTicks, niceStep } from '../../../src/renderer/src/timeline/ticks';
import { decimalsFor, formatFixed, formatRate, formatTime, unitFor } from '../../../src/renderer/src/timeline/time-format';
import { keyAction, Viewport } from '../../../src/renderer/src/timeline/viewport';

describe('Viewport', () => {
  it('maps time to pixels and back', () => {
    const v = new Viewport({ width: 1000, start: 0, span: 1e6 });
    expect(v.nsPerPx).toBe(1000);
    expect(v.timeToX(250_000)).toBe(250);
    expect(v.xToTime(500)).toBe(500_000);
    expect(v.end).toBe(1e6);
  });

  it('zooms around a point, keeping the time under it in place', () => {
    const v = new Viewport({ width: 1000, start: 0, span: 1e6 });
    v.zoomAt(250, 2);
    expect(v.span).toBe(500_000);
    expect(v.start).toBe(125_000);
    expect(v.xToTime(250)).toBe(250_000);
    v.zoomAt(800, 0.25);
    expect(v.span).toBe(2_000_000);
    expect(v.start).toBe(-1_075_000);
    expect(v.xToTime(800)).toBe(525_000);
  });

  it('turns a wheel notch into a zoom factor (up zooms in, capped per event)', () => {
    const v = new Viewport({ width: 1000, start: 0, span: 1e6 });
    v.wheel(-200, 500);
    expect(v.span).toBe(500_000);
    expect(v.start).toBe(250_000);
    v.wheel(200, 500);
    expect(v.span).toBe(1e6);
    v.wheel(-100_000, 0);
    expect(v.span).toBe(250_000); // at most ×4 per event
    v.wheel(-3, 0, 1); // lines: 3 × 33 px
    expect(v.span).toBeCloseTo(250_000 / 2 ** (99 / 200), 3);
  });

  it('clamps the zoom between 0.01 ns per px and the zoom-out limit', () => {
    const v = new Viewport({ width: 1000, start: 0, span: 1e6 });
    v.zoomAt(0, 1e12);
    expect(v.span).toBe(10);
    expect(v.nsPerPx).toBe(0.01);
    v.zoomAt(0, 1e-12);
    expect(v.span).toBe(1e9); // no data: 1 s
    v.setDataRange(0, 10e9);
    v.zoomAt(0, 1e-12);
    expect(v.span).toBe(40e9); // 4 × the data's 10 s
  });

  it('pans by pixels and by fractions, stopping before the data leaves the view', () => {
    const v = new Viewport({ width: 1000, start: 0, span: 1e6 });
    v.setDataRange(0, 10e6);
    v.pan(-100);
    expect(v.start).toBe(100_000);
    v.panBy(0.5);
    expect(v.start).toBe(600_000);
    v.pan(1e6); // far to the left: the data's start stays 10% from the right edge
    expect(v.start).toBe(-900_000);
    v.panBy(100); // far to the right: the data's end stays 10% from the left edge
    expect(v.start).toBe(10e6 - 100_000);
  });

  it('zooms to fit with a margin on each side', () => {
    const v = new Viewport({ width: 1000 });
    v.setDataRange(1_000, 97_000);
    v.zoomToFit();
    expect(v.span).toBe(100_000);
    expect(v.start).toBe(-1_000);
    const tight = new Viewport({ width: 500, fitMargin: 0 });
    tight.setDataRange(2_000, 7_000);
    tight.zoomToFit();
    expect([tight.start, tight.end]).toEqual([2_000, 7_000]);
  });

  it('follows live data at the right edge until panned', () => {
    const v = new Viewport({ width: 1000, span: 1e6 });
    v.setFollow(true);
    v.setDataRange(0, 5e6);
    expect([v.start, v.end]).toEqual([4e6, 5e6]);
    v.setDataRange(0, 7e6);
    expect(v.end).toBe(7e6);
    v.zoomAt(100, 2); // in follow mode the right edge is the fixed point
    expect([v.start, v.end]).toEqual([6.5e6, 7e6]);
    v.pan(50);
    expect(v.follow).toBe(false);
    v.setDataRange(0, 9e6);
    expect(v.end).toBe(7e6 - 50 * 500);
    v.apply('go-end');
    expect(v.follow).toBe(true);
    expect(v.end).toBe(9e6);
  });

  it('keeps the visible range when the width changes (and the right edge when following)', () => {
    const v = new Viewport({ width: 1000, start: 0, span: 1e6 });
    v.setWidth(500);
    expect([v.start, v.span, v.nsPerPx]).toEqual([0, 1e6, 2000]);
    v.setDataRange(0, 3e6);
    v.setFollow(true);
    v.setWidth(1000);
    expect([v.start, v.end]).toEqual([2e6, 3e6]);
  });

  it('maps keys to steps', () => {
    expect(['+', '=', '-', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'f', '0', 'x'].map((k) => keyAction(k))).toEqual([
      'zoom-in', 'zoom-in', 'zoom-out', 'pan-left', 'pan-right', 'go-start', 'go-end', 'fit', 'fit', null,
    ]);
    expect(keyAction('ArrowLeft', { shift: true })).toBe('page-left');
    const v = new Viewport({ width: 1000, start: 0, span: 1e6 });
    v.setDataRange(0, 10e6);
    v.apply('zoom-in');
    expect([v.start, v.span]).toEqual([250_000, 500_000]);
    v.apply('pan-right');
    expect(v.start).toBe(300_000);
    v.apply('page-left');
    expect(v.start).toBe(50_000);
    v.apply('zoom-out');
    expect([v.start, v.span]).toEqual([-200_000, 1e6]);
    v.apply('go-start');
    expect(v.start).toBe(-20_000);
    v.apply('fit');
    expect(v.span).toBe(10e6 / 0.96);
  });
});

describe('ticks', () => {
  it('picks 1-2-5 steps', () => {
    expect([0.3, 1, 3, 20, 21, 99, 1000, 1001, 99_999].map(niceStep)).toEqual([1, 1, 5, 20, 50, 100, 1000, 2000, 100_000]);
  });

  it('labels a 1 ms view in ms with one decimal, a major tick every 100 px', () => {
    const t = makeTicks({ start: 0, span: 1e6, width: 1000 });
    expect([t.step, t.unit, t.decimals, t.minorStep]).toEqual([100_000, 'ms', 1, 20_000]);
    expect(t.major.map((m) => m.label)).toEqual(['0.0 ms', '0.1 ms', '0.2 ms', '0.3 ms', '0.4 ms', '0.5 ms', '0.6 ms', '0.7 ms', '0.8 ms', '0.9 ms', '1.0 ms']);
    expect(t.major.map((m) => m.x)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(t.minor.slice(0, 5)).toEqual([20, 40, 60, 80, 120]);
  });

  it('labels relative to an origin, with signs', () => {
    const t = makeTicks({ start: 1_234_000, span: 2_000, width: 800 }, { origin: 1_234_567 });
    expect([t.step, t.unit, t.decimals]).toEqual([500, 'us', 1]);
    expect(t.major.map((m) => [m.time, m.label])).toEqual([
      [1_234_067, '-0.5 us'],
      [1_234_567, '0.0 us'],
      [1_235_067, '0.5 us'],
      [1_235_567, '1.0 us'],
    ]);
    expect(t.major[1]!.x).toBeCloseTo(567 * 0.4, 9);
  });

  it('keeps nanosecond digits exact deep into a long capture', () => {
    const t = makeTicks({ start: 12_345_678_900, span: 1_000, width: 1000 });
    expect([t.step, t.unit, t.decimals]).toEqual([100, 's', 7]);
    expect(t.major.map((m) => m.time)).toEqual(Array.from({ length: 11 }, (_, i) => 12_345_678_900 + 100 * i));
    expect(t.major.slice(0, 2).map((m) => m.label)).toEqual(['12.3456789 s', '12.3456790 s']);
    expect(t.major.map((m) => m.x)).toEqual(Array.from({ length: 11 }, (_, i) => 100 * i));
  });

  it('goes down to 1 ns steps and no further', () => {
    const t = makeTicks({ start: 100, span: 10, width: 1000 });
    expect([t.step, t.unit, t.decimals, t.minorStep]).toEqual([1, 'ns', 0, 0]);
    expect(t.major.map((m) => m.label)).toEqual(['100 ns', '101 ns', '102 ns', '103 ns', '104 ns', '105 ns', '106 ns', '107 ns', '108 ns', '109 ns', '110 ns']);
  });
});

describe('time formatting', () => {
  it('chooses units by magnitude and prints exact digits', () => {
    expect([0, 500, 999, 1000, 1500, 1_500_000, 100_002_345, -2e9, 12.6].map((t) => formatTime(t))).toEqual([
      '0 ns', '500 ns', '999 ns', '1 us', '1.5 us', '1.5 ms', '100.002345 ms', '-2 s', '13 ns',
    ]);
    expect(formatTime(1234, 100)).toBe('1.2 us');
    expect([unitFor(999), unitFor(1e3), unitFor(-1e6), unitFor(1e9)]).toEqual(['ns', 'us', 'ms', 's']);
    expect([decimalsFor(200, 'ms'), decimalsFor(500, 'us'), decimalsFor(2e9, 's')]).toEqual([4, 1, 0]);
    expect(formatFixed(1_234_400, 'ms', 4)).toBe('1.2344 ms');
    expect(formatFixed(-0.4, 'ns', 0)).toBe('0 ns');
    expect(formatFixed(-1_500, 'us', 3)).toBe('-1.500 us');
    expect([formatRate(1250), formatRate(3), formatRate(2.5e6)]).toEqual(['1.25 k/s', '3 /s', '2.5 M/s']);
  });
});
