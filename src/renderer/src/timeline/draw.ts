/**
 * Canvas drawing of the timeline from per-pixel aggregates (aggregate.ts): lane labels, levels as
 * filled bands, multi-bit values as labelled bands, instants as ticks and dense columns as bars, the
 * time axis, gaps, markers, cursors and the hover line.
 *
 * The cost is proportional to the plot's width in device pixels, never to the number of events:
 * every lane is drawn as runs of equal columns (one fillRect per run), tick labels are at least
 * `minSpacingPx` apart, value labels only go where they fit, and markers sharing a pixel are drawn once.
 *
 * The context is typed structurally (TimelineContext2D, the few members used), so a recording fake can
 * stand in for CanvasRenderingContext2D in tests; canvas.ts checks the real one fits.
 */
import type { LaneColumns, LevelColumns, InstantColumns } from './aggregate';
import { hex, type Lane } from './lanes';
import type { TimelineLayout } from './layout';
import type { Marker } from './markers';
import type { LaneColors, TimelineTheme } from './theme';
import type { TickSet } from './ticks';

/** What the drawing needs of a CanvasRenderingContext2D. */
export interface TimelineContext2D {
  fillStyle: unknown;
  font: string;
  textAlign: string;
  textBaseline: string;
  globalAlpha: number;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number, maxWidth?: number): void;
  save(): void;
  restore(): void;
  beginPath(): void;
  rect(x: number, y: number, w: number, h: number): void;
  clip(): void;
}

export interface DrawRow {
  readonly lane: Lane;
  readonly y: number;
  readonly height: number;
  readonly columns: LaneColumns;
}

export interface DrawScene {
  readonly layout: TimelineLayout;
  /** Device pixels per CSS pixel. */
  readonly dpr: number;
  /** The plot's time range. */
  readonly view: { readonly start: number; readonly span: number };
  /** Aggregate columns across the plot (normally plotWidth × dpr). */
  readonly columns: number;
  readonly rows: readonly DrawRow[];
  readonly ticks: TickSet;
  readonly theme: TimelineTheme;
  readonly cursors?: { readonly a: number | null; readonly b: number | null; readonly deltaLabel?: string };
  readonly markers?: readonly Marker[];
  /** Time ranges where events are missing. */
  readonly gaps?: readonly { readonly from: number; readonly to: number }[];
  /** The data's extent: the plot is shaded before `start` (if finite) and after `end`. */
  readonly extent?: { readonly start: number; readonly end: number };
  /** Hover line (CSS px from the canvas' left edge). */
  readonly hoverX?: number | null;
  /** Show the storm badge. */
  readonly storm?: boolean;
}

const CHAR_WIDTH = 0.62; // of the font size, roughly, for fitting labels without measuring

export function drawTimeline(ctx: TimelineContext2D, scene: DrawScene): void {
  const { layout, theme } = scene;
  const dpr = scene.dpr > 0 ? scene.dpr : 1;
  const { width, height, plotX, plotWidth, axisHeight, labelWidth } = layout;
  const px = 1 / dpr;
  const timeX = (t: number): number => plotX + ((t - scene.view.start) / scene.view.span) * plotWidth;

  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.globalAlpha = 1;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, width, height);

  // ---- the plot, clipped ----
  ctx.save();
  ctx.beginPath();
  ctx.rect(plotX, axisHeight, plotWidth, height - axisHeight);
  ctx.clip();
  scene.rows.forEach((row, i) => {
    if (i % 2 === 1) {
      ctx.fillStyle = theme.rowAlt;
      ctx.fillRect(plotX, row.y, plotWidth, row.height);
    }
  });
  ctx.fillStyle = theme.gridMinor;
  for (const x of scene.ticks.minor) ctx.fillRect(plotX + x, axisHeight, px, height - axisHeight);
  ctx.fillStyle = theme.gridMajor;
  for (const tick of scene.ticks.major) ctx.fillRect(plotX + tick.x, axisHeight, px, height - axisHeight);
  if (scene.extent) shadeOutside(ctx, scene.extent, timeX, plotX, plotWidth, axisHeight, height, theme.noData);
  if (scene.gaps?.length) {
    ctx.fillStyle = theme.gap;
    let lastRight = -Infinity;
    for (const g of scene.gaps) {
      const x0 = Math.max(plotX, timeX(g.from));
      const x1 = Math.min(plotX + plotWidth, timeX(g.to));
      if (x1 < plotX || x0 > plotX + plotWidth || x1 <= lastRight) continue;
      ctx.fillRect(x0, axisHeight, Math.max(px * 2, x1 - x0), height - axisHeight);
      lastRight = Math.max(x0 + px * 2, x1);
    }
  }
  const colWidth = plotWidth / Math.max(1, scene.columns);
  for (const row of scene.rows) drawLane(ctx, row, plotX, colWidth, px, theme);
  const cur = scene.cursors;
  if (cur && cur.a !== null && cur.b !== null) {
    const x0 = timeX(Math.min(cur.a, cur.b));
    const x1 = timeX(Math.max(cur.a, cur.b));
    ctx.fillStyle = theme.cursorBand;
    ctx.fillRect(x0, axisHeight, Math.max(px, x1 - x0), height - axisHeight);
  }
  ctx.restore();

  // ---- labels (none when the host shows its own: labelWidth 0) ----
  const labels = labelWidth > 0;
  if (labels) {
    ctx.fillStyle = theme.labelBackground;
    ctx.fillRect(0, axisHeight, labelWidth, height - axisHeight);
  }
  ctx.font = theme.labelFont;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (const row of scene.rows) {
    if (row.y + row.height <= axisHeight) continue;
    if (labels) {
      ctx.fillStyle = theme.lanes[row.lane.group].edge;
      ctx.fillRect(0, row.y + 2, 3, row.height - 4);
      ctx.fillStyle = theme.labelText;
      ctx.fillText(row.lane.label, 8, row.y + row.height / 2, labelWidth - 12);
    }
    ctx.fillStyle = theme.separator;
    ctx.fillRect(0, row.y + row.height, width, px);
  }
  if (labels) {
    ctx.fillStyle = theme.separator;
    ctx.fillRect(labelWidth - px, axisHeight, px, height - axisHeight);
  }

  // ---- the axis ----
  ctx.fillStyle = theme.axisBackground;
  ctx.fillRect(0, 0, width, axisHeight);
  ctx.fillStyle = theme.baseline;
  for (const x of scene.ticks.minor) ctx.fillRect(plotX + x, axisHeight - 3, px, 3);
  ctx.font = theme.font;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  const charW = theme.fontSize * CHAR_WIDTH;
  for (const tick of scene.ticks.major) {
    ctx.fillStyle = theme.axisText;
    ctx.fillRect(plotX + tick.x, axisHeight - 7, px, 7);
    if (tick.x + 3 + tick.label.length * charW <= plotWidth && tick.x >= 0) ctx.fillText(tick.label, plotX + tick.x + 3, 4);
  }
  if (scene.storm) {
    ctx.fillStyle = theme.storm;
    ctx.fillRect(4, 4, 52, axisHeight - 8);
    ctx.fillStyle = theme.cursorText;
    ctx.textBaseline = 'middle';
    ctx.fillText('STORM', 8, axisHeight / 2, 44);
  }

  // ---- markers, cursors, hover ----
  const inPlot = (x: number): boolean => x >= plotX && x <= plotX + plotWidth;
  if (scene.markers?.length) {
    let lastCol = -Infinity;
    ctx.textBaseline = 'middle';
    for (const m of scene.markers) {
      const x = timeX(m.time);
      const col = Math.round(x * dpr);
      if (!inPlot(x) || col === lastCol) continue;
      lastCol = col;
      ctx.fillStyle = m.color ?? theme.marker;
      ctx.fillRect(x, axisHeight, px * Math.max(1, Math.round(dpr)), height - axisHeight);
      const w = Math.min(plotX + plotWidth - x, m.label.length * charW + 8);
      ctx.fillRect(x, axisHeight - 12, w, 12);
      ctx.fillStyle = theme.markerText;
      ctx.fillText(m.label, x + 4, axisHeight - 6, Math.max(0, w - 6));
    }
  }
  if (cur) {
    ctx.textBaseline = 'middle';
    for (const [name, t, color] of [['A', cur.a, theme.cursorA], ['B', cur.b, theme.cursorB]] as const) {
      if (t === null) continue;
      const x = timeX(t);
      if (!inPlot(x)) continue;
      ctx.fillStyle = color;
      ctx.fillRect(x - px / 2, axisHeight, Math.max(px, 1), height - axisHeight);
      ctx.fillRect(x - 7, 0, 14, 12);
      ctx.fillStyle = theme.cursorText;
      ctx.textAlign = 'center';
      ctx.fillText(name, x, 6);
    }
    if (cur.a !== null && cur.b !== null && cur.deltaLabel) {
      const mid = timeX((cur.a + cur.b) / 2);
      const w = cur.deltaLabel.length * charW + 10;
      const x = Math.min(plotX + plotWidth - w / 2, Math.max(plotX + w / 2, mid));
      ctx.fillStyle = theme.cursorA;
      ctx.fillRect(x - w / 2, axisHeight + 2, w, 14);
      ctx.fillStyle = theme.cursorText;
      ctx.textAlign = 'center';
      ctx.fillText(cur.deltaLabel, x, axisHeight + 9);
    }
    ctx.textAlign = 'left';
  }
  if (scene.hoverX !== undefined && scene.hoverX !== null && inPlot(scene.hoverX)) {
    ctx.fillStyle = theme.hover;
    ctx.fillRect(scene.hoverX, axisHeight, px, height - axisHeight);
  }
}

function shadeOutside(
  ctx: TimelineContext2D,
  extent: { start: number; end: number },
  timeX: (t: number) => number,
  plotX: number,
  plotWidth: number,
  top: number,
  bottom: number,
  color: string,
): void {
  ctx.fillStyle = color;
  const right = plotX + plotWidth;
  if (Number.isFinite(extent.start)) {
    const x = Math.min(right, timeX(extent.start));
    if (x > plotX) ctx.fillRect(plotX, top, x - plotX, bottom - top);
  }
  if (Number.isFinite(extent.end)) {
    const x = Math.max(plotX, timeX(extent.end));
    if (x < right) ctx.fillRect(x, top, right - x, bottom - top);
  }
}

function drawLane(ctx: TimelineContext2D, row: DrawRow, plotX: number, colWidth: number, px: number, theme: TimelineTheme): void {
  const colors = theme.lanes[row.lane.group];
  const top = row.y + 3;
  const bottom = row.y + row.height - 3;
  const colX = (c: number): number => plotX + c * colWidth;
  const { level, instants } = row.columns;
  if (level) {
    if (row.lane.kind === 'value') drawValue(ctx, level, colX, top, bottom, px, colors, theme);
    else drawSpan(ctx, level, colX, top, bottom, px, colors, theme);
  }
  if (instants) {
    // Instants on their own fill the row from the bottom; on a span lane they are marks from the top.
    const overlay = level !== null;
    drawInstants(ctx, instants, colX, top, overlay ? top + (bottom - top) * 0.45 : bottom, overlay, colors);
  }
}

/** Runs of equal keys over columns: calls flush(from, to, key) for each run, skipping nothing. */
function runs(columns: number, key: (c: number) => number, flush: (from: number, to: number, key: number) => void): void {
  if (columns === 0) return;
  let start = 0;
  let k = key(0);
  for (let c = 1; c <= columns; c++) {
    const next = c < columns ? key(c) : NaN;
    if (next !== k) {
      flush(start, c, k);
      start = c;
      k = next;
    }
  }
}

const NO_DATA = 0;
const LOW = 1;
const HIGH = 2;
const MIXED = 3;

function drawSpan(ctx: TimelineContext2D, lv: LevelColumns, colX: (c: number) => number, top: number, bottom: number, px: number, colors: LaneColors, theme: TimelineTheme): void {
  const state = (c: number): number => (!lv.data[c] ? NO_DATA : lv.allHigh[c] ? HIGH : lv.anyHigh[c] ? MIXED : LOW);
  runs(lv.columns, state, (from, to, s) => {
    const x = colX(from);
    const w = colX(to) - x;
    if (s === LOW) {
      ctx.fillStyle = theme.baseline;
      ctx.fillRect(x, bottom - px, w, px);
    } else if (s === HIGH) {
      ctx.fillStyle = colors.fill;
      ctx.fillRect(x, top, w, bottom - top);
      ctx.fillStyle = colors.edge;
      ctx.fillRect(x, top, w, px);
    } else if (s === MIXED) {
      // Transitions inside the column: a full-height bar (a pulse narrower than a pixel still shows).
      ctx.fillStyle = colors.edge;
      ctx.fillRect(x, top, Math.max(w, px), bottom - top);
    }
  });
}

function drawValue(ctx: TimelineContext2D, lv: LevelColumns, colX: (c: number) => number, top: number, bottom: number, px: number, colors: LaneColors, theme: TimelineTheme): void {
  // Keys: NaN would never equal itself, so use sentinels outside the 32-bit value range.
  const NODATA_KEY = -1;
  const CHANGE_KEY = -2;
  const key = (c: number): number => (!lv.data[c] ? NODATA_KEY : lv.transitions[c]! > 0 ? CHANGE_KEY : lv.first[c]!);
  const charW = theme.fontSize * CHAR_WIDTH;
  ctx.font = theme.font;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  runs(lv.columns, key, (from, to, k) => {
    const x = colX(from);
    const w = colX(to) - x;
    if (k === NODATA_KEY) return;
    if (k === CHANGE_KEY) {
      ctx.fillStyle = colors.edge;
      ctx.fillRect(x, top, Math.max(w, px), bottom - top);
    } else if (k === 0) {
      ctx.fillStyle = theme.baseline;
      ctx.fillRect(x, bottom - px, w, px);
    } else {
      ctx.fillStyle = colors.fill;
      ctx.fillRect(x, top, w, bottom - top);
      ctx.fillStyle = colors.edge;
      ctx.fillRect(x, top, w, px);
      ctx.fillRect(x, bottom - px, w, px);
      const label = hex(k);
      if (w >= label.length * charW + 6) {
        ctx.fillStyle = colors.text;
        ctx.fillText(label, x + w / 2, (top + bottom) / 2);
      }
    }
  });
  ctx.textAlign = 'left';
}

function drawInstants(ctx: TimelineContext2D, inst: InstantColumns, colX: (c: number) => number, top: number, bottom: number, fromTop: boolean, colors: LaneColors): void {
  const k = inst.classes;
  const full = bottom - top;
  const base = 0.55;
  const logMax = Math.log2(Math.max(2, inst.maxCount));
  // Key: the most important class present (the highest index) and the bar height in whole px.
  const heightOf = (n: number): number => Math.round(full * (n <= 1 ? base : base + ((1 - base) * Math.log2(n)) / logMax));
  const key = (c: number): number => {
    const n = inst.count[c]!;
    if (n === 0) return -1;
    let cls = 0;
    for (let j = k - 1; j > 0; j--) {
      if (inst.byClass[c * k + j]! > 0) {
        cls = j;
        break;
      }
    }
    return cls * 100_000 + heightOf(n);
  };
  runs(inst.columns, key, (from, to, kk) => {
    if (kk < 0) return;
    const cls = Math.floor(kk / 100_000);
    const h = kk % 100_000;
    const x = colX(from);
    const w = Math.max(colX(to) - x, 1);
    ctx.fillStyle = colors.classes[cls] ?? colors.edge;
    ctx.fillRect(x, fromTop ? top : bottom - h, w, h);
  });
}
