/**
 * The interrupt timeline's engine (framework-free). Start from Timeline (timeline.ts); the parts are
 * exported for tests, exporters and custom views.
 */
export { Timeline, type TimelineOptions, type RenderOverlay, type TimeDisplay } from './timeline';
export { EventStore, DEFAULT_CHUNK_SIZE, DEFAULT_MAX_EVENTS, type EventStoreOptions, type RawEvent, type StoreGap, type AppendResult } from './event-store';
export { LaneSet, DEFAULT_INTX_GSI, MMIO_CLASSES, MSI_CLASSES, DMA_MARK_CLASSES, MmioClass, DmaMark, bitName, hex, type Lane, type LaneKind, type LaneGroup, type LaneSetOptions } from './lanes';
export { InstantSeries, LevelSeries, type LevelSpan } from './series';
export { StormDetector, type StormOptions, type StormState, type DisabledIrq } from './storm';
export { MarkerSet, type Marker, type MarkerData } from './markers';
export { Viewport, keyAction, KEY_ZOOM_FACTOR, KEY_PAN_FRACTION, KEY_PAGE_FRACTION, type ViewportOptions, type ViewportState, type ViewAction } from './viewport';
export { makeTicks, niceStep, type Tick, type TickSet, type TickOptions } from './ticks';
export { formatTime, formatFixed, formatRate, unitFor, decimalsFor, UNIT_NS, type TimeUnit } from './time-format';
export { Cursors, findEdge, nearestEdge, snapTime, type CursorName, type Edge, type EdgeFilter, type SnapResult } from './cursors';
export { aggregateInstants, aggregateLevels, aggregateLane, makeGrid, columnStart, columnOf, type ColumnGrid, type InstantColumns, type LevelColumns, type LaneColumns, type DataExtent } from './aggregate';
export {
  MeasurementTracker,
  measurementReport,
  summarizeInterrupts,
  type InterruptRow,
  type FactRow,
  type DmaRow,
  type Delivery,
  type InterruptSummary,
  type MeasurementReport,
  type MeasurementOptions,
  type TimeRange,
} from './measurements';
export { histogram, histogramText, percentile, type Histogram, type HistogramOptions } from './histogram';
export { drawTimeline, type TimelineContext2D, type DrawScene, type DrawRow } from './draw';
export { hitTest, describeEvent, type Hit, type HitArea, type HitTestOptions } from './hit-test';
export { layoutTimeline, visibleRows, rowAt, DEFAULT_LAYOUT, type LayoutOptions, type RowLayout, type TimelineLayout } from './layout';
export { lightTheme, darkTheme, type TimelineTheme, type LaneColors } from './theme';
