/**
 * The interrupt timeline's engine in one object, for the component that hosts it:
 *
 *   const tl = new Timeline();
 *   lab.onStream((m) => {
 *     if (m.gap) tl.noteGap(m.gap.from, m.gap.to);
 *     if (m.events) tl.append(decodeEventBatch(m.events));
 *     if (m.clock) tl.setLiveTime(m.clock.vns);
 *   });
 *   tl.setSize(cssWidth, cssHeight, devicePixelRatio);   // on resize
 *   tl.render(ctx, darkTheme, { hoverX });               // per animation frame, when tl.version changed
 *   canvas events -> tl.viewport.wheel / pan / apply(keyAction(...)), tl.placeCursor, tl.hitTest
 *   tl.measure()  -> the interrupt table and histograms (between the cursors, when both are placed)
 *
 * Nothing here knows Vue or the DOM; drawing goes through the structural TimelineContext2D.
 */
import type { DecodedBatch } from '../../../common/api/event-batch';
import { aggregateLane, makeGrid, type DataExtent, type LaneColumns } from './aggregate';
import { Cursors, findEdge, snapTime, type CursorName, type Edge, type EdgeFilter, type SnapResult } from './cursors';
import { drawTimeline, type DrawRow, type TimelineContext2D } from './draw';
import { EventStore, type AppendResult, type EventStoreOptions } from './event-store';
import { hitTest, type Hit, type HitTestOptions } from './hit-test';
import type { HistogramOptions } from './histogram';
import { LaneSet, type Lane, type LaneSetOptions } from './lanes';
import { DEFAULT_LAYOUT, layoutTimeline, visibleRows, type LayoutOptions, type TimelineLayout } from './layout';
import { MarkerSet } from './markers';
import { MeasurementTracker, measurementReport, type MeasurementOptions, type MeasurementReport, type TimeRange } from './measurements';
import type { StormState } from './storm';
import type { TimelineTheme } from './theme';
import { makeTicks, type TickSet } from './ticks';
import { formatFixed, formatTime } from './time-format';
import { Viewport, type ViewportOptions } from './viewport';

/** Clock updates without events after which the data is taken as caught up with the clock (see dataChanged). */
const QUIET_CLOCK_UPDATES = 3;

export interface TimelineOptions {
  readonly store?: EventStoreOptions;
  readonly lanes?: LaneSetOptions;
  readonly measurements?: MeasurementOptions;
  readonly viewport?: ViewportOptions;
  readonly layout?: Partial<LayoutOptions>;
  /** Cursor snapping distance (px, default 6; 0 turns snapping off). */
  readonly snapPx?: number;
}

export interface RenderOverlay {
  /** Pointer position (CSS px from the canvas' left edge), for the hover line. */
  readonly hoverX?: number | null;
}

export type TimeDisplay = { readonly mode: 'absolute' } | { readonly mode: 'relative'; readonly origin: number };

export class Timeline {
  readonly store: EventStore;
  readonly lanes: LaneSet;
  readonly measurements: MeasurementTracker;
  readonly viewport: Viewport;
  readonly cursors = new Cursors();
  readonly markers = new MarkerSet();
  snapPx: number;
  private layoutOptions: LayoutOptions;
  private hiddenLanes = new Set<string>();
  private display: TimeDisplay = { mode: 'absolute' };
  private liveTime = NaN;
  private size = { width: 1000, height: 400, dpr: 1 };
  private cache = new Map<string, LaneColumns>();
  private settingsVersion = 0;
  /** Live-time updates since events last arrived (see dataChanged). */
  private clockOnlyUpdates = 0;

  constructor(options: TimelineOptions = {}) {
    this.store = new EventStore(options.store);
    this.lanes = new LaneSet(options.lanes);
    this.measurements = new MeasurementTracker(options.measurements);
    this.viewport = new Viewport({ ...options.viewport });
    this.layoutOptions = { ...DEFAULT_LAYOUT, ...options.layout };
    this.snapPx = options.snapPx ?? 6;
    this.viewport.setFollow(true);
  }

  // ---- data ----

  /** Appends a batch from the stream: stores it and derives lanes and measurements in one pass. */
  append(batch: DecodedBatch): AppendResult {
    const result = this.store.append(batch, (e) => {
      this.lanes.process(e);
      this.measurements.process(e);
    });
    if (result.dropped > 0) this.lanes.trim(this.store.firstIndex);
    if (result.to > result.from) this.clockOnlyUpdates = 0;
    this.dataChanged();
    return result;
  }

  /** The stream says these sequence numbers are gone for good. */
  noteGap(fromSeq: number, toSeq: number): void {
    this.store.noteGap(fromSeq, toSeq);
  }

  /**
   * The machine's virtual time now (from the stream's clock state): open spans and follow mode reach it.
   * `eventsPending`: the stream is known to be still delivering events recorded before this time (the
   * window has some waiting to be taken in, or they keep coming), so the data is not caught up with
   * the clock however many clock updates come meanwhile (see dataChanged).
   */
  setLiveTime(vns: number, eventsPending = false): void {
    if (eventsPending) this.clockOnlyUpdates = 0;
    if (!Number.isFinite(vns) || vns === this.liveTime) return;
    this.liveTime = vns;
    if (!eventsPending) this.clockOnlyUpdates++;
    this.dataChanged();
  }

  /** Forgets everything (a new session). Markers stay unless `markers` is true. */
  reset(options: { markers?: boolean } = {}): void {
    this.store.clear();
    this.lanes.clear();
    this.measurements.clear();
    this.cursors.clear();
    if (options.markers) this.markers.clear();
    this.liveTime = NaN;
    this.clockOnlyUpdates = 0;
    this.cache.clear();
    this.viewport.setDataRange(NaN, NaN);
    this.viewport.setFollow(true);
    this.settingsVersion++;
  }

  /** The first time still held (NaN when empty). */
  get dataStart(): number {
    return this.store.size > 0 ? this.store.firstTime : this.liveTime;
  }

  /** The newest time: the last event or the live clock, whichever is later (NaN when neither). */
  get dataEnd(): number {
    const last = this.store.lastTime;
    if (Number.isNaN(last)) return this.liveTime;
    return Number.isNaN(this.liveTime) ? last : Math.max(last, this.liveTime);
  }

  /** Where the data is known: from the oldest kept event (if older ones were dropped) to the newest time. */
  get extent(): DataExtent {
    return { start: this.store.dropped > 0 ? this.store.firstTime : -Infinity, end: Number.isNaN(this.dataEnd) ? -Infinity : this.dataEnd };
  }

  private dataChanged(): void {
    const end = this.dataEnd;
    // The storm window slides with the events, and with the live clock only after a few clock updates
    // in a row came without events: while a flood is still being delivered (bounded batches per
    // message, ingested in slices), the clock runs ahead of the events received so far, and sliding
    // to it would end the storm and start it again (a flickering warning, and storm-lane transitions
    // recorded out of time order).
    this.lanes.advanceTo(this.clockOnlyUpdates >= QUIET_CLOCK_UPDATES ? end : this.store.lastTime);
    this.viewport.setDataRange(this.dataStart, end);
  }

  get storm(): StormState {
    return this.lanes.storm.state;
  }

  /** Changes whenever anything drawn may have changed (compare between frames). */
  get version(): number {
    return (
      this.store.version + this.lanes.dataVersion + this.lanes.structureVersion + this.viewport.version + this.cursors.version + this.markers.version + this.settingsVersion
    );
  }

  // ---- lanes and layout ----

  /** Lanes shown, in order. */
  get visibleLanes(): Lane[] {
    return this.lanes.lanes.filter((l) => !this.hiddenLanes.has(l.id));
  }

  setLaneHidden(id: string, hidden: boolean): void {
    if (hidden === this.hiddenLanes.has(id)) return;
    if (hidden) this.hiddenLanes.add(id);
    else this.hiddenLanes.delete(id);
    this.settingsVersion++;
  }

  isLaneHidden(id: string): boolean {
    return this.hiddenLanes.has(id);
  }

  setLayout(options: Partial<LayoutOptions>): void {
    this.layoutOptions = { ...this.layoutOptions, ...options };
    this.viewport.setWidth(this.layout.plotWidth);
    this.settingsVersion++;
  }

  /** The canvas' size in CSS px and its device pixel ratio. */
  setSize(width: number, height: number, dpr = 1): void {
    this.size = { width, height, dpr: dpr > 0 ? dpr : 1 };
    this.viewport.setWidth(this.layout.plotWidth);
    this.settingsVersion++;
  }

  get layout(): TimelineLayout {
    return layoutTimeline(this.visibleLanes, this.size.width, this.size.height, this.layoutOptions);
  }

  /** Pixel x on the canvas -> virtual time. */
  timeAt(x: number): number {
    return this.viewport.xToTime(x - this.layout.plotX);
  }

  /** Virtual time -> pixel x on the canvas. */
  xAt(t: number): number {
    return this.layout.plotX + this.viewport.timeToX(t);
  }

  // ---- time display ----

  get timeDisplay(): TimeDisplay {
    return this.display;
  }

  /** Absolute virtual time, or relative to an origin (a marker, a cursor, the first event). */
  setTimeDisplay(display: TimeDisplay): void {
    this.display = display;
    this.settingsVersion++;
  }

  get origin(): number {
    return this.display.mode === 'relative' ? this.display.origin : 0;
  }

  /** A time as shown on this timeline (relative to the origin in relative mode), to 1 ns. */
  formatTime(t: number): string {
    const rel = t - this.origin;
    const s = formatTime(rel);
    return this.display.mode === 'relative' && rel > 0 ? `+${s}` : s;
  }

  ticks(): TickSet {
    const v = this.viewport;
    return makeTicks({ start: v.start, span: v.span, width: v.width }, { origin: this.origin });
  }

  // ---- cursors and edges ----

  /** Snaps a canvas x to the nearest edge of a visible lane or marker within snapPx. */
  snap(x: number): SnapResult {
    const t = this.timeAt(x);
    if (this.snapPx <= 0) return { time: t, snapped: false };
    return snapTime(t, this.visibleLanes, this.viewport.nsPerPx, this.snapPx, this.markers.list);
  }

  /** Places cursor A or B at canvas x (snapped unless `snap` is false). */
  placeCursor(which: CursorName, x: number, options: { snap?: boolean } = {}): SnapResult {
    const r = options.snap === false ? { time: this.timeAt(x), snapped: false } : this.snap(x);
    this.cursors.set(which, r.time);
    return r;
  }

  /**
   * The next (1) or previous (-1) edge on a lane from `from` (default: cursor A, else the view's
   * centre); with `moveCursor`, that cursor jumps there and the view follows when it leaves it.
   */
  findEdge(laneId: string, direction: 1 | -1, filter: EdgeFilter = 'any', options: { from?: number; moveCursor?: CursorName } = {}): Edge | null {
    const lane = this.lanes.get(laneId);
    if (!lane) return null;
    const from = options.from ?? (options.moveCursor ? this.cursors[options.moveCursor] : this.cursors.a) ?? this.viewport.start + this.viewport.span / 2;
    const edge = findEdge(lane, from, direction, filter);
    if (edge && options.moveCursor) {
      this.cursors.set(options.moveCursor, edge.time);
      const v = this.viewport;
      if (edge.time < v.start || edge.time > v.end) v.setRange(edge.time - v.span / 2, edge.time + v.span / 2);
    }
    return edge;
  }

  /** Cursor B − A as text, or null. */
  get cursorDelta(): string | null {
    const d = this.cursors.delta;
    return d === null ? null : `Δ ${formatTime(d)}`;
  }

  // ---- measurements ----

  /** The measured figures over a range: by default between the cursors if both are placed, else everything. */
  measure(range: TimeRange | null | 'cursors' | 'view' = 'cursors', options: HistogramOptions = {}): MeasurementReport {
    let r: TimeRange | null = null;
    if (range === 'cursors') r = this.cursors.range;
    else if (range === 'view') r = { from: this.viewport.start, to: this.viewport.end };
    else r = range;
    return measurementReport(this.measurements, r, options);
  }

  // ---- drawing and hover ----

  /**
   * Draws everything on a canvas context whose backing store is width × dpr by height × dpr device
   * pixels (see canvas.ts). Work is proportional to the width, not to the number of events.
   */
  render(ctx: TimelineContext2D, theme: TimelineTheme, overlay: RenderOverlay = {}): void {
    const layout = this.layout;
    const v = this.viewport;
    v.setWidth(layout.plotWidth);
    const columns = Math.max(1, Math.round(layout.plotWidth * this.size.dpr));
    const grid = makeGrid(v.start, v.span, columns);
    const extent = this.extent;
    const rows: DrawRow[] = visibleRows(layout).map((row) => {
      const cols = aggregateLane(row.lane, grid, extent, this.cache.get(row.lane.id));
      this.cache.set(row.lane.id, cols);
      return { lane: row.lane, y: row.y, height: row.height, columns: cols };
    });
    const gaps = this.store.gaps
      .filter((g) => Number.isFinite(g.timeBefore) && Number.isFinite(g.timeAfter))
      .map((g) => ({ from: g.timeBefore, to: g.timeAfter }));
    const delta = this.cursors.delta;
    drawTimeline(ctx, {
      layout,
      dpr: this.size.dpr,
      view: { start: v.start, span: v.span },
      columns,
      rows,
      ticks: this.ticks(),
      theme,
      cursors: { a: this.cursors.a, b: this.cursors.b, ...(delta !== null ? { deltaLabel: `Δ ${formatTime(delta)}` } : {}) },
      markers: this.markers.list,
      gaps,
      extent,
      hoverX: overlay.hoverX ?? null,
      storm: this.storm.warning,
    });
  }

  /** What is under canvas point (x, y): the lane, the time, and a few decoded events. */
  hitTest(x: number, y: number, options?: HitTestOptions): Hit {
    const v = this.viewport;
    return hitTest(x, y, this.layout, { start: v.start, span: v.span }, this.store, options);
  }

  /** The label a tick at time t would get at the current zoom (for a readout under the pointer). */
  axisLabel(t: number): string {
    const ticks = this.ticks();
    return formatFixed(t - this.origin, ticks.unit, ticks.decimals);
  }
}
