import { describe, expect, it } from 'vitest';
import {
  aggregateInstants,
  aggregateLevels,
  columnStart,
  makeGrid,
  type ColumnGrid,
  type DataExtent,
} from '../../../src/renderer/src/timeline/aggregate';
import type { SearchStats } from '../../../src/renderer/src/timeline/search';
import { InstantSeries, LevelSeries } from '../../../src/renderer/src/timeline/series';
import { rng } from './support';

/** Column c's time range: [start(c), start(c + 1)), the last one closed. */
function inColumn(grid: ColumnGrid, c: number, t: number): boolean {
  const t0 = columnStart(grid, c);
  const t1 = columnStart(grid, c + 1);
  return t >= t0 && (c === grid.columns - 1 ? t <= t1 : t < t1);
}

/** The straightforward O(n · W) computation, from the definition. */
function naiveInstants(s: InstantSeries, grid: ColumnGrid): { count: number[]; byClass: number[] } {
  const count = new Array<number>(grid.columns).fill(0);
  const byClass = new Array<number>(grid.columns * s.classes).fill(0);
  for (let c = 0; c < grid.columns; c++) {
    for (let i = 0; i < s.length; i++) {
      if (!inColumn(grid, c, s.time(i))) continue;
      count[c]!++;
      byClass[c * s.classes + s.classOf(i)]!++;
    }
  }
  return { count, byClass };
}

/**
 * From the definition: the values a level takes in a column are the one it has coming in (unless a
 * transition happens exactly at the column's start) and every value set inside the column.
 */
function naiveLevels(l: LevelSeries, grid: ColumnGrid, extent: DataExtent) {
  const out = { first: [] as number[], last: [] as number[], transitions: [] as number[], anyHigh: [] as number[], allHigh: [] as number[], data: [] as number[] };
  for (let c = 0; c < grid.columns; c++) {
    const t0 = columnStart(grid, c);
    const t1 = columnStart(grid, c + 1);
    let before = l.initial;
    for (let i = 0; i < l.length; i++) if (l.time(i) < t0) before = l.valueAt(i);
    const inside: number[] = [];
    let atStart = false;
    for (let i = 0; i < l.length; i++) {
      if (!inColumn(grid, c, l.time(i))) continue;
      inside.push(l.valueAt(i));
      if (l.time(i) === t0) atStart = true;
    }
    const values = atStart ? inside : [before, ...inside];
    out.first.push(values[0]!);
    out.last.push(values[values.length - 1]!);
    out.transitions.push(inside.length);
    out.anyHigh.push(values.some((v) => v !== 0) ? 1 : 0);
    out.allHigh.push(values.every((v) => v !== 0) ? 1 : 0);
    out.data.push(t0 <= extent.end && t1 > extent.start ? 1 : 0);
  }
  return out;
}

function randomInstants(r: () => number, n: number, span: number, classes: number): InstantSeries {
  const times = Array.from({ length: n }, () => Math.floor(r() * span)).sort((a, b) => a - b);
  const s = new InstantSeries(classes);
  times.forEach((t, i) => s.push(t, Math.floor(r() * classes), i));
  return s;
}

function randomLevels(r: () => number, n: number, span: number): LevelSeries {
  const times = Array.from({ length: n }, () => Math.floor(r() * span)).sort((a, b) => a - b);
  const l = new LevelSeries();
  // Mostly 0/1 with some multi-bit values; repeated times make zero-width pulses.
  times.forEach((t, i) => l.set(t, r() < 0.2 ? Math.floor(r() * 4) * 0x100 : r() < 0.5 ? 1 : 0, i));
  return l;
}

function randomGrid(r: () => number, span: number): ColumnGrid {
  const columns = 1 + Math.floor(r() * 200);
  const nsPerColumn = [0.37, 1, 3, 7.5, 17, 50, span / columns][Math.floor(r() * 7)]!;
  const start = Math.floor(r() * span * 1.2) - span * 0.1;
  return { start, nsPerColumn, columns };
}

describe('per-pixel aggregation', () => {
  it('summarises a small level exactly', () => {
    const l = new LevelSeries();
    [[12, 1], [15, 0], [15, 1], [30, 0], [50, 3], [50, 0], [50, 2], [75, 0]].forEach(([t, v], i) => l.set(t!, v!, i));
    const a = aggregateLevels(l, makeGrid(0, 100, 10), { start: -Infinity, end: 95 });
    expect(Array.from(a.transitions)).toEqual([0, 3, 0, 1, 0, 3, 0, 1, 0, 0]);
    expect(Array.from(a.anyHigh)).toEqual([0, 1, 1, 0, 0, 1, 1, 1, 0, 0]);
    expect(Array.from(a.allHigh)).toEqual([0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
    expect(Array.from(a.first)).toEqual([0, 0, 1, 0, 0, 3, 2, 2, 0, 0]);
    expect(Array.from(a.last)).toEqual([0, 1, 1, 0, 0, 2, 2, 0, 0, 0]);
    expect(Array.from(a.data)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const b = aggregateLevels(l, makeGrid(0, 100, 10), { start: 20, end: 60 });
    expect(Array.from(b.data)).toEqual([0, 0, 1, 1, 1, 1, 1, 0, 0, 0]);
  });

  it('counts instants per column and class, the last column closed', () => {
    const s = new InstantSeries(2);
    [[0, 0], [9, 1], [10, 0], [10, 1], [99, 0], [100, 1], [101, 0]].forEach(([t, c], i) => s.push(t!, c!, i));
    const a = aggregateInstants(s, makeGrid(0, 100, 10));
    expect(Array.from(a.count)).toEqual([2, 2, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(Array.from(a.byClass)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect([a.total, a.maxCount]).toEqual([6, 2]);
  });

  it('matches the naive computation on random data', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const span = 1_000;
      const inst = randomInstants(r, Math.floor(r() * 300), span, 1 + Math.floor(r() * 3));
      const lvl = randomLevels(r, Math.floor(r() * 300), span);
      for (let g = 0; g < 5; g++) {
        const grid = randomGrid(r, span);
        const extent = { start: r() < 0.5 ? -Infinity : r() * span, end: r() * span * 1.1 };
        const ai = aggregateInstants(inst, grid);
        const ni = naiveInstants(inst, grid);
        expect(Array.from(ai.count), `instants seed ${seed}`).toEqual(ni.count);
        expect(Array.from(ai.byClass), `classes seed ${seed}`).toEqual(ni.byClass);
        const al = aggregateLevels(lvl, grid, extent);
        const nl = naiveLevels(lvl, grid, extent);
        expect(
          { first: Array.from(al.first), last: Array.from(al.last), transitions: Array.from(al.transitions), anyHigh: Array.from(al.anyHigh), allHigh: Array.from(al.allHigh), data: Array.from(al.data) },
          `levels seed ${seed} grid ${JSON.stringify(grid)}`,
        ).toEqual(nl);
      }
    }
  });

  it('reuses the output arrays when the size matches', () => {
    const s = new InstantSeries(1);
    s.push(5, 0, 0);
    const grid = makeGrid(0, 10, 10);
    const a = aggregateInstants(s, grid);
    const b = aggregateInstants(s, makeGrid(5, 10, 10), a);
    expect(b).toBe(a);
    expect(Array.from(b.count)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  describe('a million events', () => {
    const N = 1_000_000;
    const W = 2_000;
    // MMIO-like instants every 1 us with some jitter, and a busy flag toggling at each of them.
    const inst = new InstantSeries(3);
    const lvl = new LevelSeries();
    const r = rng(7);
    let t = 0;
    for (let i = 0; i < N; i++) {
      t += 500 + Math.floor(r() * 1_000);
      inst.push(t, i % 3, i);
      lvl.set(t, i % 2 ? 0 : 1, i);
    }
    const end = t;

    it('aggregates the whole capture into W columns, consistent with a linear pass', () => {
      const grid = makeGrid(0, end + 1, W);
      const stats: SearchStats = { probes: 0 };
      const a = aggregateInstants(inst, grid, undefined, stats);
      expect(a.total).toBe(N);
      // The reference: one linear walk over the events, bucketed by the same boundaries.
      const ref = new Array<number>(W).fill(0);
      let c = 0;
      for (let i = 0; i < inst.length; i++) {
        while (c < W - 1 && inst.time(i) >= columnStart(grid, c + 1)) c++;
        ref[c]!++;
      }
      expect(Array.from(a.count)).toEqual(ref);
      // O(W · log(N / W)) comparisons, far fewer than N.
      expect(stats.probes).toBeLessThan(W * (2 * Math.log2(N / W) + 8));
      expect(stats.probes).toBeLessThan(N / 10);

      const lstats: SearchStats = { probes: 0 };
      const l = aggregateLevels(lvl, grid, { start: -Infinity, end }, undefined, lstats);
      expect(lstats.probes).toBeLessThan(W * (2 * Math.log2(N / W) + 8));
      let transitions = 0;
      for (let col = 0; col < W; col++) transitions += l.transitions[col]!;
      expect(transitions).toBe(lvl.length);
      // Every column holds hundreds of toggles: high somewhere, low somewhere.
      expect(l.anyHigh.every((v) => v === 1)).toBe(true);
      expect(l.allHigh.every((v) => v === 0)).toBe(true);
    });

    it('costs the same for a zoomed-in view anywhere in the capture', () => {
      const grid = makeGrid(end / 2, 5_000_000, W);
      const stats: SearchStats = { probes: 0 };
      const a = aggregateInstants(inst, grid, undefined, stats);
      const lo = inst.lowerBound(columnStart(grid, 0));
      const hi = inst.upperBound(columnStart(grid, W));
      expect(a.total).toBe(hi - lo);
      expect(stats.probes).toBeLessThan(W * 8 + 64);
    });
  });
});
