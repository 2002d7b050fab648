/**
 * The visible time range and its mapping to pixels, with the usual logic-analyzer moves: zoom around a
 * point (wheel), pan (drag), keyboard steps, zoom to fit, and follow-live (the newest data stays at the
 * right edge). Positions are CSS pixels from the plot's left edge; times are virtual ns.
 *
 * Limits: at most `1 / minNsPerPx` px per ns when zoomed in; zoomed out, at most the larger of
 * `minMaxSpan` and `maxSpanFactor` × the data's duration; when there is data, panning stops before it
 * leaves the view (its start stays left of 90% of the width, its end right of 10%; follow mode pins the
 * right edge to the newest time).
 */

export interface ViewportOptions {
  /** Plot width in CSS px (default 1000). */
  readonly width?: number;
  readonly start?: number;
  /** Visible duration in ns (default 1 ms). */
  readonly span?: number;
  /** Deepest zoom, in ns per px (default 0.01: 1 ns is 100 px). */
  readonly minNsPerPx?: number;
  /** The zoom-out limit never goes below this many ns (default 1 s). */
  readonly minMaxSpan?: number;
  /** Zoomed out, the view spans at most this many times the data's duration (default 4). */
  readonly maxSpanFactor?: number;
  /** Zoom to fit leaves this fraction of the view empty on each side (default 0.02). */
  readonly fitMargin?: number;
}

export interface ViewportState {
  readonly start: number;
  readonly end: number;
  readonly span: number;
  readonly width: number;
  readonly nsPerPx: number;
  readonly follow: boolean;
}

export type ViewAction =
  | 'zoom-in'
  | 'zoom-out'
  | 'pan-left'
  | 'pan-right'
  | 'page-left'
  | 'page-right'
  | 'go-start'
  | 'go-end'
  | 'fit';

/** The usual keys: + / - zoom, arrows pan (shift: a page), Home / End, F or 0 to fit. */
export function keyAction(key: string, modifiers: { shift?: boolean } = {}): ViewAction | null {
  switch (key) {
    case '+':
    case '=':
      return 'zoom-in';
    case '-':
    case '_':
      return 'zoom-out';
    case 'ArrowLeft':
      return modifiers.shift ? 'page-left' : 'pan-left';
    case 'ArrowRight':
      return modifiers.shift ? 'page-right' : 'pan-right';
    case 'Home':
      return 'go-start';
    case 'End':
      return 'go-end';
    case 'f':
    case 'F':
    case '0':
      return 'fit';
    default:
      return null;
  }
}

/** Panning stops when the data's start is this fraction of the view from the right edge, or its end from the left. */
export const KEEP_IN_VIEW = 0.1;

/** Keyboard steps: zoom ×2, pan a tenth of the view, a page is half of it. */
export const KEY_ZOOM_FACTOR = 2;
export const KEY_PAN_FRACTION = 0.1;
export const KEY_PAGE_FRACTION = 0.5;

export class Viewport {
  private w: number;
  private s: number;
  private d: number;
  private following = false;
  private hasData = false;
  private dataStart = 0;
  private dataEnd = 0;
  readonly minNsPerPx: number;
  readonly minMaxSpan: number;
  readonly maxSpanFactor: number;
  readonly fitMargin: number;
  /** Bumped on every change. */
  version = 0;

  constructor(options: ViewportOptions = {}) {
    this.w = Math.max(1, options.width ?? 1000);
    this.s = options.start ?? 0;
    this.d = options.span ?? 1e6;
    this.minNsPerPx = options.minNsPerPx ?? 0.01;
    this.minMaxSpan = options.minMaxSpan ?? 1e9;
    this.maxSpanFactor = options.maxSpanFactor ?? 4;
    this.fitMargin = options.fitMargin ?? 0.02;
    this.d = this.clampSpan(this.d);
  }

  get start(): number {
    return this.s;
  }

  get span(): number {
    return this.d;
  }

  get end(): number {
    return this.s + this.d;
  }

  get width(): number {
    return this.w;
  }

  get nsPerPx(): number {
    return this.d / this.w;
  }

  get follow(): boolean {
    return this.following;
  }

  get state(): ViewportState {
    return { start: this.s, end: this.end, span: this.d, width: this.w, nsPerPx: this.nsPerPx, follow: this.following };
  }

  /** The data's extent (first and last event times), for limits, fit and follow. */
  get dataRange(): { start: number; end: number } | null {
    return this.hasData ? { start: this.dataStart, end: this.dataEnd } : null;
  }

  timeToX(t: number): number {
    return ((t - this.s) * this.w) / this.d;
  }

  xToTime(x: number): number {
    return this.s + (x * this.d) / this.w;
  }

  get minSpan(): number {
    return this.w * this.minNsPerPx;
  }

  get maxSpan(): number {
    const data = this.hasData ? this.dataEnd - this.dataStart : 0;
    return Math.max(this.minMaxSpan, this.maxSpanFactor * data, this.minSpan);
  }

  /**
   * New plot width: the visible time range stays and the scale changes, so opening a panel beside the
   * canvas (or narrowing the window) never pushes what the user was looking at out of view.
   */
  setWidth(width: number): void {
    width = Math.max(1, width);
    if (width === this.w) return;
    this.w = width;
    this.settle();
  }

  /** The data now spans [start, end]; in follow mode the view moves to keep `end` at the right edge. */
  setDataRange(start: number, end: number): void {
    if (!Number.isFinite(start) || !Number.isFinite(end)) {
      this.hasData = false;
      return;
    }
    if (this.hasData && start === this.dataStart && end === this.dataEnd) return;
    this.hasData = true;
    this.dataStart = start;
    this.dataEnd = Math.max(start, end);
    this.settle();
  }

  /** Shows exactly [start, end] (clamped); leaves follow mode. */
  setRange(start: number, end: number): void {
    this.following = false;
    this.s = start;
    this.d = end - start;
    this.settle();
  }

  setFollow(on: boolean): void {
    if (on === this.following) return;
    this.following = on;
    this.settle();
  }

  /**
   * Zooms by `factor` (> 1 zooms in) keeping the time under pixel x where it is. In follow mode the
   * right edge (the newest time) is the fixed point instead.
   */
  zoomAt(x: number, factor: number): void {
    if (!(factor > 0) || factor === 1) return;
    const anchorX = this.following ? this.w : x;
    const anchorT = this.xToTime(anchorX);
    this.d = this.clampSpan(this.d / factor);
    this.s = anchorT - (anchorX * this.d) / this.w;
    this.settle();
  }

  /**
   * A wheel event (WheelEvent.deltaY and deltaMode): up zooms in around x. One notch (100 px) is about
   * ×1.4; a single event is capped at ×4 either way.
   */
  wheel(deltaY: number, x: number, deltaMode = 0): void {
    const px = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
    const factor = Math.min(4, Math.max(0.25, 2 ** (-px / 200)));
    this.zoomAt(x, factor);
  }

  /** Drag by dx px (positive: the content moves right, showing earlier times). Leaves follow mode. */
  pan(dx: number): void {
    if (dx === 0) return;
    this.following = false;
    this.s -= dx * this.nsPerPx;
    this.settle();
  }

  /** Moves the view by a fraction of its span (positive: later). Leaves follow mode. */
  panBy(fraction: number): void {
    if (fraction === 0) return;
    this.following = false;
    this.s += fraction * this.d;
    this.settle();
  }

  /** The whole data with a small margin on each side. */
  zoomToFit(): void {
    if (!this.hasData) return;
    const m = this.fitMargin;
    const range = this.dataEnd - this.dataStart;
    this.d = this.clampSpan(range / (1 - 2 * m));
    this.s = this.dataStart - (this.d - range) / 2;
    this.following = false;
    this.settle();
  }

  apply(action: ViewAction): void {
    switch (action) {
      case 'zoom-in':
        this.zoomAt(this.w / 2, KEY_ZOOM_FACTOR);
        break;
      case 'zoom-out':
        this.zoomAt(this.w / 2, 1 / KEY_ZOOM_FACTOR);
        break;
      case 'pan-left':
        this.panBy(-KEY_PAN_FRACTION);
        break;
      case 'pan-right':
        this.panBy(KEY_PAN_FRACTION);
        break;
      case 'page-left':
        this.panBy(-KEY_PAGE_FRACTION);
        break;
      case 'page-right':
        this.panBy(KEY_PAGE_FRACTION);
        break;
      case 'go-start':
        if (this.hasData) this.setRange(this.dataStart - this.fitMargin * this.d, this.dataStart + (1 - this.fitMargin) * this.d);
        break;
      case 'go-end':
        this.setFollow(true);
        break;
      case 'fit':
        this.zoomToFit();
        break;
    }
  }

  private clampSpan(span: number): number {
    if (!Number.isFinite(span) || span <= 0) return this.minSpan;
    return Math.min(this.maxSpan, Math.max(this.minSpan, span));
  }

  /** Applies the limits and follow mode after any change. */
  private settle(): void {
    this.d = this.clampSpan(this.d);
    if (this.hasData) {
      if (this.following) {
        this.s = this.dataEnd - this.d;
      } else {
        const lo = this.dataStart - (1 - KEEP_IN_VIEW) * this.d;
        const hi = this.dataEnd - KEEP_IN_VIEW * this.d;
        this.s = Math.min(hi, Math.max(lo, this.s));
      }
    }
    this.version++;
  }
}
