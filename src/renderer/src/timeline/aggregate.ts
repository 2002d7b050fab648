/**
 * Per-pixel aggregation: a lane's data summarised for W pixel columns, so that a million events draw
 * as at most W columns. Column c covers the times [start + c·w, start + (c+1)·w) (w = ns per column);
 * the last column also takes its right edge, so an event exactly at the end of the view shows.
 *
 * Each column boundary is found by a galloping binary search from the previous one, so a whole
 * viewport costs O(W · log(n / W)) comparisons and O(W) memory whatever the number of events: nothing
 * here visits events one by one.
 *
 * Levels: the values a level takes in a column are the value in effect at its start and every value
 * set inside it (zero-width pulses included, so a glitch shorter than a pixel still shows). From the
 * running count of zeros, "high anywhere" and "high throughout" are O(1) per column.
 */
import type { Lane } from './lanes';
import type { SearchStats } from './search';
import type { InstantSeries, LevelSeries } from './series';

export interface ColumnGrid {
  /** Time at the left edge of column 0. */
  readonly start: number;
  readonly nsPerColumn: number;
  readonly columns: number;
}

/** The grid of `columns` columns over [start, start + span). */
export function makeGrid(start: number, span: number, columns: number): ColumnGrid {
  columns = Math.max(0, Math.floor(columns));
  return { start, nsPerColumn: columns > 0 ? span / columns : span, columns };
}

/** Left edge of column c (c = columns gives the right edge of the grid). */
export function columnStart(grid: ColumnGrid, c: number): number {
  return grid.start + c * grid.nsPerColumn;
}

/** The column a time falls in (may be < 0 or >= columns). */
export function columnOf(grid: ColumnGrid, t: number): number {
  return Math.floor((t - grid.start) / grid.nsPerColumn);
}

export interface InstantColumns {
  readonly kind: 'instants';
  readonly columns: number;
  readonly classes: number;
  /** Instants per column. */
  readonly count: Uint32Array;
  /** Instants per column and class: byClass[c · classes + k]. */
  readonly byClass: Uint32Array;
  /** Largest count of any column. */
  maxCount: number;
  /** Instants in the whole grid. */
  total: number;
}

export interface LevelColumns {
  readonly kind: 'level';
  readonly columns: number;
  /** The value in effect at the column's start. */
  readonly first: Float64Array;
  /** The value in effect at the column's end. */
  readonly last: Float64Array;
  /** Transitions inside the column. */
  readonly transitions: Uint32Array;
  /** 1 when the value is non-zero at some moment in the column. */
  readonly anyHigh: Uint8Array;
  /** 1 when the value is non-zero throughout the column. */
  readonly allHigh: Uint8Array;
  /** 1 when the column overlaps the data's extent (0: before the data held, or after its end). */
  readonly data: Uint8Array;
}

export interface DataExtent {
  /** Before this, nothing is known (the store dropped it); -Infinity when nothing was dropped. */
  readonly start: number;
  /** The end of the data (the newest time): open spans reach this far. */
  readonly end: number;
}

function instantColumns(columns: number, classes: number, out?: InstantColumns): InstantColumns {
  if (out && out.columns === columns && out.classes === classes) {
    out.count.fill(0);
    out.byClass.fill(0);
    out.maxCount = 0;
    out.total = 0;
    return out;
  }
  return { kind: 'instants', columns, classes, count: new Uint32Array(columns), byClass: new Uint32Array(columns * classes), maxCount: 0, total: 0 };
}

function levelColumns(columns: number, out?: LevelColumns): LevelColumns {
  if (out && out.columns === columns) return out;
  return {
    kind: 'level',
    columns,
    first: new Float64Array(columns),
    last: new Float64Array(columns),
    transitions: new Uint32Array(columns),
    anyHigh: new Uint8Array(columns),
    allHigh: new Uint8Array(columns),
    data: new Uint8Array(columns),
  };
}

export function aggregateInstants(series: InstantSeries, grid: ColumnGrid, out?: InstantColumns, stats?: SearchStats): InstantColumns {
  const W = grid.columns;
  const k = series.classes;
  const res = instantColumns(W, k, out);
  if (W === 0 || series.length === 0) return res;
  let lo = series.boundFrom(columnStart(grid, 0), 0, false, stats);
  for (let c = 0; c < W; c++) {
    const hi = series.boundFrom(columnStart(grid, c + 1), lo, c === W - 1, stats);
    const n = hi - lo;
    if (n > 0) {
      res.count[c] = n;
      res.total += n;
      if (n > res.maxCount) res.maxCount = n;
      if (k === 1) res.byClass[c] = n;
      else {
        let rest = n;
        for (let cls = 1; cls < k; cls++) {
          const m = series.countClass(cls, lo, hi);
          res.byClass[c * k + cls] = m;
          rest -= m;
        }
        res.byClass[c * k] = rest;
      }
    }
    lo = hi;
  }
  return res;
}

export function aggregateLevels(
  series: LevelSeries,
  grid: ColumnGrid,
  extent: DataExtent = { start: -Infinity, end: Infinity },
  out?: LevelColumns,
  stats?: SearchStats,
): LevelColumns {
  const W = grid.columns;
  const res = levelColumns(W, out);
  if (W === 0) return res;
  let lo = series.boundFrom(columnStart(grid, 0), 0, false, stats);
  for (let c = 0; c < W; c++) {
    const t0 = columnStart(grid, c);
    const t1 = columnStart(grid, c + 1);
    const hi = series.boundFrom(t1, lo, c === W - 1, stats);
    const k = lo < hi && series.time(lo) === t0 ? lo : lo - 1;
    const first = series.valueAt(k);
    res.first[c] = first;
    res.last[c] = hi > lo ? series.valueAt(hi - 1) : first;
    res.transitions[c] = hi - lo;
    const zeros = series.zerosIn(k, hi);
    const len = hi - k;
    res.anyHigh[c] = zeros < len ? 1 : 0;
    res.allHigh[c] = zeros === 0 ? 1 : 0;
    res.data[c] = t0 <= extent.end && t1 > extent.start ? 1 : 0;
    lo = hi;
  }
  return res;
}

export interface LaneColumns {
  readonly level: LevelColumns | null;
  readonly instants: InstantColumns | null;
}

/** Both parts of a lane over a grid (reusing `out`'s arrays when the sizes match). */
export function aggregateLane(lane: Lane, grid: ColumnGrid, extent?: DataExtent, out?: LaneColumns, stats?: SearchStats): LaneColumns {
  return {
    level: lane.level ? aggregateLevels(lane.level, grid, extent, out?.level ?? undefined, stats) : null,
    instants: lane.instants ? aggregateInstants(lane.instants, grid, out?.instants ?? undefined, stats) : null,
  };
}
