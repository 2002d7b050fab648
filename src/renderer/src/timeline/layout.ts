/**
 * Where things go on the canvas (CSS px): the time axis along the top, lane labels down the left, one
 * row per visible lane below the axis, scrolled vertically by `scrollTop`.
 */
import type { Lane } from './lanes';

export interface LayoutOptions {
  readonly labelWidth: number;
  readonly axisHeight: number;
  readonly rowHeight: number;
  /** Space between rows. */
  readonly rowGap: number;
  /** Vertical scroll of the rows (px). */
  readonly scrollTop: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = { labelWidth: 150, axisHeight: 26, rowHeight: 24, rowGap: 2, scrollTop: 0 };

export interface RowLayout {
  readonly lane: Lane;
  /** Top of the row on the canvas (after scrolling). */
  readonly y: number;
  readonly height: number;
}

export interface TimelineLayout {
  readonly width: number;
  readonly height: number;
  readonly labelWidth: number;
  readonly axisHeight: number;
  /** The plot: x from plotX, plotWidth wide. */
  readonly plotX: number;
  readonly plotWidth: number;
  /** Every row, visible or scrolled away. */
  readonly rows: readonly RowLayout[];
  /** Height of all rows (for a scrollbar). */
  readonly contentHeight: number;
}

export function layoutTimeline(lanes: readonly Lane[], width: number, height: number, options: Partial<LayoutOptions> = {}): TimelineLayout {
  const o = { ...DEFAULT_LAYOUT, ...options };
  const labelWidth = Math.min(o.labelWidth, Math.max(0, width - 1));
  let y = o.axisHeight - o.scrollTop;
  const rows = lanes.map((lane) => {
    const row = { lane, y, height: o.rowHeight };
    y += o.rowHeight + o.rowGap;
    return row;
  });
  return {
    width,
    height,
    labelWidth,
    axisHeight: o.axisHeight,
    plotX: labelWidth,
    plotWidth: Math.max(1, width - labelWidth),
    rows,
    contentHeight: lanes.length * (o.rowHeight + o.rowGap),
  };
}

/** Rows that show at least partly below the axis and above the bottom. */
export function visibleRows(layout: TimelineLayout): RowLayout[] {
  return layout.rows.filter((r) => r.y + r.height > layout.axisHeight && r.y < layout.height);
}

/** The row at canvas y, or null. */
export function rowAt(layout: TimelineLayout, y: number): RowLayout | null {
  if (y < layout.axisHeight) return null;
  return layout.rows.find((r) => y >= r.y && y < r.y + r.height) ?? null;
}
