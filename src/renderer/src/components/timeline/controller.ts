/**
 * The glue between the timeline engine (framework-free, never reactive) and the timeline's Vue
 * components. One TimelineView per pane:
 *
 * - frames: anything that may change the picture calls `invalidate()`; at most one requestAnimationFrame
 *   is pending, and a frame draws only when the engine's version moved (or a redraw was forced: hover,
 *   theme, size). Vue is not involved in drawing.
 * - the snapshot: after each frame the few values the toolbar and the lane labels show (cursors,
 *   follow, storm, markers, lanes) are copied into one shallowRef, replaced only when they changed, so
 *   a live stream redraws the canvas without re-rendering the toolbar.
 * - measurements: `measure()` is expensive with many rows, so it runs throttled (at most every
 *   max(250 ms, 5 × its last cost)) and only while a view wants it.
 */
import { computed, inject, markRaw, shallowRef, type ComputedRef, type InjectionKey, type ShallowRef } from 'vue';
import { t } from '../../i18n';
import type { CursorName, DisabledIrq, Edge, Lane, Marker, MeasurementReport, Timeline, TimeRange } from '../../timeline';
import { formatRate, formatTime } from '../../timeline';

export type MeasureScope = 'auto' | 'all';

export interface ViewSnapshot {
  readonly hasData: boolean;
  readonly follow: boolean;
  readonly relative: boolean;
  /** What times are shown relative to (0 in absolute mode). */
  readonly origin: number;
  readonly a: number | null;
  readonly b: number | null;
  /** The cursors as shown on this timeline (relative to the origin in relative mode). */
  readonly aText: string | null;
  readonly bText: string | null;
  /** B − A, e.g. "Δ 12 us". */
  readonly deltaText: string | null;
  /** The visible duration. */
  readonly spanText: string;
  readonly storm: {
    readonly warning: boolean;
    readonly active: boolean;
    readonly reason: 'rate' | 'irq-disabled' | null;
    readonly since: number | null;
    readonly ratePerSecond: number;
    readonly acks: number;
    readonly windowNs: number;
    readonly disabled: readonly DisabledIrq[];
  };
  readonly markers: readonly Marker[];
  /** Every lane, in display order, with its hidden flag. */
  readonly lanes: readonly { readonly lane: Lane; readonly hidden: boolean }[];
}

export interface ViewDrawer {
  /** Draws the engine on the canvas (called inside an animation frame). */
  draw(): void;
}

const MIN_MEASURE_INTERVAL = 250;
/** Status-bit lanes shown when they appear (the device's own bits); the others start hidden. */
const DEFAULT_BIT_LANES = new Set(['irq-bit:0', 'irq-bit:8']);

const raf: (cb: () => void) => number =
  typeof requestAnimationFrame === 'function' ? (cb) => requestAnimationFrame(cb) : (cb) => setTimeout(cb, 16) as unknown as number;
const caf: (id: number) => void = typeof cancelAnimationFrame === 'function' ? (id) => cancelAnimationFrame(id) : (id) => clearTimeout(id);

export class TimelineView {
  readonly snapshot: ShallowRef<ViewSnapshot>;
  /** The latest measurement (null until one was wanted). */
  readonly report = shallowRef<MeasurementReport | null>(null);
  /** How long the latest measurement took (ms). */
  readonly measureMs = shallowRef(0);
  /** Frames drawn and the time the last one took, for the debug attributes. */
  draws = 0;
  lastDrawMs = 0;
  private drawer: ViewDrawer | null = null;
  private frame = 0;
  private drawnVersion = -1;
  private forced = true;
  private snapshotKey = '';
  private measureWanted = 0;
  private scope: MeasureScope = 'auto';
  private measureKey = '';
  private measureTimer: ReturnType<typeof setTimeout> | null = null;
  private lastMeasureAt = -Infinity;
  private measureCost = 0;
  private relative = false;
  private disposed = false;
  private readonly frameListeners = new Set<() => void>();
  private readonly seenLanes = new Set<string>();
  private seenStructure = -1;
  private scrollTop = 0;
  private displayKey: ComputedRef<number | null> | undefined;

  constructor(readonly tl: Timeline) {
    this.snapshot = shallowRef(this.takeSnapshot());
    this.snapshotKey = this.keyOf(this.snapshot.value);
  }

  // ---- frames ----

  /** The canvas registers how to draw (null when it goes). */
  attach(drawer: ViewDrawer | null): void {
    this.drawer = drawer;
    this.scrollTop = -1;
    this.redraw();
  }

  /** Something may have changed: look at it in the next animation frame. */
  invalidate(): void {
    if (this.frame || this.disposed) return;
    this.frame = raf(() => {
      this.frame = 0;
      this.runFrame();
    });
  }

  /** Draw in the next frame even if the engine's version did not move (hover, theme). */
  redraw(): void {
    this.forced = true;
    this.invalidate();
  }

  /** Runs the pending frame now (tests, and callers that need the result at once). */
  flush(): void {
    if (this.frame) {
      caf(this.frame);
      this.frame = 0;
    }
    this.runFrame();
  }

  /** Called after every frame (the canvas updates its tooltip and debug attributes). */
  onFrame(listener: () => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  private runFrame(): void {
    if (this.disposed) return;
    this.adoptNewLanes();
    this.updateOrigin();
    const version = this.tl.version;
    if (this.drawer && (this.forced || version !== this.drawnVersion)) {
      const t0 = performance.now();
      this.drawer.draw();
      this.lastDrawMs = performance.now() - t0;
      this.draws++;
      this.drawnVersion = this.tl.version;
      this.forced = false;
    }
    this.sync();
    for (const l of this.frameListeners) l();
    if (this.measureWanted > 0) this.scheduleMeasure();
  }

  dispose(): void {
    this.disposed = true;
    if (this.frame) caf(this.frame);
    this.frame = 0;
    if (this.measureTimer) clearTimeout(this.measureTimer);
    this.measureTimer = null;
    this.frameListeners.clear();
    this.drawer = null;
  }

  /**
   * Lanes that appear while recording: status bits other than FACT and DMA (a raise of 0xdeadbeef
   * makes two dozen) start hidden, as IRQ_STATUS shows them already; the lanes menu shows them.
   */
  private adoptNewLanes(): void {
    const lanes = this.tl.lanes;
    if (lanes.structureVersion === this.seenStructure) return;
    this.seenStructure = lanes.structureVersion;
    for (const lane of lanes.lanes) {
      if (this.seenLanes.has(lane.id)) continue;
      this.seenLanes.add(lane.id);
      if (lane.group === 'irq-bit' && !DEFAULT_BIT_LANES.has(lane.id)) this.tl.setLaneHidden(lane.id, true);
    }
  }

  // ---- the snapshot ----

  /** Refreshes the snapshot from the engine (replaced only when something shown changed). */
  sync(): void {
    const next = this.takeSnapshot();
    const key = this.keyOf(next);
    if (key !== this.snapshotKey) {
      this.snapshotKey = key;
      this.snapshot.value = next;
    }
  }

  /**
   * A piece of the snapshot for a view to show: it changes (re-rendering what shows it) only when its
   * own content does, not with every other part: a storm's rate or the span of a zoom does not
   * re-render the lane names. Content is compared `depth` levels deep (see sameContent).
   */
  select<T>(pick: (s: ViewSnapshot) => T, depth = 2): ComputedRef<T> {
    return computed((previous?: T) => {
      const next = pick(this.snapshot.value);
      return previous !== undefined && sameContent(previous, next, depth) ? previous : next;
    });
  }

  /** The time display as a value that changes when shown times do (absolute, or relative to which origin). */
  get timeDisplayKey(): ComputedRef<number | null> {
    return (this.displayKey ??= this.select((s) => (s.relative ? s.origin : null)));
  }

  /** A time as shown, or the pending mark for null; read in a render, it re-renders when the time display changes. */
  timeText(ns: number | null): string {
    void this.timeDisplayKey.value;
    return ns === null ? t('timeline.pending') : this.tl.formatTime(ns);
  }

  private takeSnapshot(): ViewSnapshot {
    const tl = this.tl;
    const { a, b } = tl.cursors;
    const s = tl.storm;
    return {
      hasData: Number.isFinite(tl.dataEnd),
      follow: tl.viewport.follow,
      relative: tl.timeDisplay.mode === 'relative',
      origin: tl.origin,
      a,
      b,
      aText: a === null ? null : tl.formatTime(a),
      bText: b === null ? null : tl.formatTime(b),
      deltaText: tl.cursorDelta,
      spanText: formatTime(tl.viewport.span, Math.max(1, tl.viewport.span / 1e4)),
      storm: {
        warning: s.warning,
        active: s.active,
        reason: s.reason,
        since: s.since,
        ratePerSecond: s.ratePerSecond,
        acks: s.acks,
        windowNs: s.windowNs,
        disabled: s.disabled,
      },
      markers: [...tl.markers.list],
      lanes: tl.lanes.lanes.map((lane) => ({ lane, hidden: tl.isLaneHidden(lane.id) })),
    };
  }

  private keyOf(s: ViewSnapshot): string {
    // The storm rate changes with every raise: it is in the key only as shown (3 digits), while the warning shows.
    const storm = s.storm.warning ? `${s.storm.reason}:${s.storm.since}:${formatRate(s.storm.ratePerSecond)}:${s.storm.acks}:${s.storm.disabled.length}` : '-';
    return [
      s.hasData,
      s.follow,
      s.relative,
      s.origin,
      s.aText,
      s.bText,
      s.a,
      s.b,
      s.deltaText,
      s.spanText,
      storm,
      this.tl.markers.version,
      this.tl.lanes.structureVersion,
      s.lanes.map((l) => (l.hidden ? '0' : '1')).join(''),
    ].join('|');
  }

  // ---- time display ----

  get isRelative(): boolean {
    return this.relative;
  }

  /** Relative times count from cursor A when it is placed, else from the first event. */
  setRelative(on: boolean): void {
    this.relative = on;
    if (!on) this.tl.setTimeDisplay({ mode: 'absolute' });
    this.updateOrigin();
    this.invalidate();
  }

  private updateOrigin(): void {
    if (!this.relative) return;
    const tl = this.tl;
    const start = tl.dataStart;
    const origin = tl.cursors.a ?? (Number.isFinite(start) ? start : 0);
    const d = tl.timeDisplay;
    if (d.mode !== 'relative' || d.origin !== origin) tl.setTimeDisplay({ mode: 'relative', origin });
  }

  // ---- viewport actions ----

  /** Zooms around the centre (factor > 1 zooms in). */
  zoom(factor: number): void {
    const v = this.tl.viewport;
    v.zoomAt(v.width / 2, factor);
    this.invalidate();
  }

  fit(): void {
    this.tl.viewport.zoomToFit();
    this.invalidate();
  }

  setFollow(on: boolean): void {
    this.tl.viewport.setFollow(on);
    this.invalidate();
  }

  /** Shows time t in the middle of the view (the zoom stays; follow mode ends). */
  centerOn(t: number, span?: number): void {
    const v = this.tl.viewport;
    const d = span ?? v.span;
    v.setRange(t - d / 2, t + d / 2);
    this.invalidate();
  }

  /** Brings [from, to] into view: centred at the current zoom, zoomed out if it does not fit. */
  reveal(from: number, to: number): void {
    const v = this.tl.viewport;
    const need = (to - from) * 1.2;
    this.centerOn((from + to) / 2, Math.max(v.span, need));
  }

  // ---- cursors ----

  setCursor(which: CursorName, time: number | null): void {
    this.tl.cursors.set(which, time);
    this.invalidate();
  }

  clearCursors(): void {
    this.tl.cursors.clear();
    this.invalidate();
  }

  /**
   * The next (1) or previous (-1) edge on a lane from `from` (default cursor A, else the view's centre):
   * cursor A jumps there and the view follows it.
   */
  jumpToEdge(laneId: string, direction: 1 | -1, from?: number): Edge | null {
    const edge = this.tl.findEdge(laneId, direction, 'any', { moveCursor: 'a', ...(from !== undefined ? { from } : {}) });
    this.invalidate();
    return edge;
  }

  // ---- markers ----

  addMarker(time: number, label: string): Marker {
    const m = this.tl.markers.add(time, label);
    this.invalidate();
    return m;
  }

  removeMarker(id: number): void {
    this.tl.markers.remove(id);
    this.invalidate();
  }

  renameMarker(id: number, label: string): void {
    this.tl.markers.update(id, { label });
    this.invalidate();
  }

  /** Where a new marker goes by default: cursor A, else the middle of the view. */
  get markerTime(): number {
    const v = this.tl.viewport;
    return this.tl.cursors.a ?? v.start + v.span / 2;
  }

  // ---- lanes ----

  setLaneHidden(id: string, hidden: boolean): void {
    this.tl.setLaneHidden(id, hidden);
    this.invalidate();
  }

  setScrollTop(px: number): void {
    px = Math.max(0, px);
    if (px === this.scrollTop) return;
    this.scrollTop = px;
    this.tl.setLayout({ scrollTop: px });
    this.invalidate();
  }

  // ---- measurements ----

  /** A view that shows measurements holds this while mounted (the returned function lets go). */
  wantMeasurements(): () => void {
    this.measureWanted++;
    this.measureKey = '';
    this.invalidate();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.measureWanted--;
    };
  }

  get measureScope(): MeasureScope {
    return this.scope;
  }

  setMeasureScope(scope: MeasureScope): void {
    this.scope = scope;
    if (this.measureWanted > 0) this.measureNow();
    this.invalidate();
  }

  /** A throttled measurement is waiting to run. */
  get measurePending(): boolean {
    return this.measureTimer !== null;
  }

  /** The range measured now: everything, between the cursors when both are placed, else the view. */
  measureRange(): TimeRange | null {
    if (this.scope === 'all') return null;
    const r = this.tl.cursors.range;
    if (r) return r;
    const v = this.tl.viewport;
    return { from: v.start, to: v.end };
  }

  private currentMeasureKey(): string {
    const r = this.measureRange();
    return `${this.tl.measurements.version}|${this.scope}|${r ? `${r.from}|${r.to}` : '*'}`;
  }

  private scheduleMeasure(): void {
    if (this.measureTimer || this.currentMeasureKey() === this.measureKey) return;
    const interval = Math.max(MIN_MEASURE_INTERVAL, 5 * this.measureCost);
    const wait = Math.max(0, this.lastMeasureAt + interval - performance.now());
    this.measureTimer = setTimeout(() => {
      this.measureTimer = null;
      if (!this.disposed && this.measureWanted > 0) this.measureNow();
    }, wait);
  }

  /** Measures now (unthrottled). */
  measureNow(): MeasurementReport {
    const key = this.currentMeasureKey();
    const t0 = performance.now();
    const range = this.measureRange();
    const raw = this.tl.measure(range);
    // Over everything the report holds the tracker's own arrays, which keep growing: take a copy.
    const report: MeasurementReport = range
      ? raw
      : { ...raw, interrupts: raw.interrupts.slice(), factorials: raw.factorials.slice(), dma: raw.dma.slice() };
    this.lastMeasureAt = performance.now();
    this.measureCost = this.lastMeasureAt - t0;
    this.measureMs.value = this.measureCost;
    this.measureKey = key;
    this.report.value = markRaw(report);
    return report;
  }
}

/**
 * Equal content, `depth` levels deep: the same value (Object.is), or (while depth > 0) arrays / plain
 * objects of the same length / keys whose items have equal content one level less deep.
 */
export function sameContent(a: unknown, b: unknown, depth = 2): boolean {
  if (Object.is(a, b)) return true;
  if (depth === 0 || typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameContent(a[i], b[i], depth - 1)) return false;
    return true;
  }
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!sameContent((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth - 1)) return false;
  return true;
}

export const TIMELINE_VIEW: InjectionKey<TimelineView> = Symbol('timeline-view');

/** The pane's TimelineView, for its subcomponents. */
export function useTimelineView(): TimelineView {
  const view = inject(TIMELINE_VIEW);
  if (!view) throw new Error('timeline components need a TimelinePane (provide TIMELINE_VIEW)');
  return view;
}
