/**
 * Colours and fonts for the canvas, as plain objects (one for light, one for dark). Lane colours go by
 * lane group; `classes` colour the instant classes of a lane in order (see lanes.ts).
 */
import type { LaneGroup } from './lanes';

export interface LaneColors {
  /** A high level (filled band). */
  readonly fill: string;
  /** Transitions, dense activity, and the outline of value bands. */
  readonly edge: string;
  /** Text drawn on the lane (values). */
  readonly text: string;
  /** Instant classes, by class index. */
  readonly classes: readonly string[];
}

export interface TimelineTheme {
  readonly name: 'light' | 'dark';
  /** Font for tick labels, values and markers. */
  readonly font: string;
  readonly fontSize: number;
  readonly labelFont: string;
  readonly background: string;
  readonly rowAlt: string;
  readonly separator: string;
  readonly baseline: string;
  readonly labelBackground: string;
  readonly labelText: string;
  readonly axisBackground: string;
  readonly axisText: string;
  readonly gridMajor: string;
  readonly gridMinor: string;
  /** Where there is no data (before the first kept event, after the last). */
  readonly noData: string;
  /** Sequence-number gaps (events that never arrived). */
  readonly gap: string;
  readonly cursorA: string;
  readonly cursorB: string;
  readonly cursorBand: string;
  readonly cursorText: string;
  readonly marker: string;
  readonly markerText: string;
  readonly hover: string;
  readonly storm: string;
  readonly lanes: Readonly<Record<LaneGroup, LaneColors>>;
}

const FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';

export const lightTheme: TimelineTheme = {
  name: 'light',
  font: `11px ${FONT}`,
  fontSize: 11,
  labelFont: `12px ${FONT}`,
  background: '#ffffff',
  rowAlt: '#f6f7f9',
  separator: '#e3e5e8',
  baseline: '#9aa1ab',
  labelBackground: '#f0f1f3',
  labelText: '#1f2328',
  axisBackground: '#eceef1',
  axisText: '#3b4149',
  gridMajor: '#d5d9de',
  gridMinor: '#eceef1',
  noData: 'rgba(120, 128, 140, 0.12)',
  gap: 'rgba(207, 34, 46, 0.18)',
  cursorA: '#0969da',
  cursorB: '#8250df',
  cursorBand: 'rgba(9, 105, 218, 0.08)',
  cursorText: '#ffffff',
  marker: '#bf8700',
  markerText: '#1f2328',
  hover: 'rgba(31, 35, 40, 0.35)',
  storm: '#cf222e',
  lanes: {
    mmio: { fill: '#54aeff', edge: '#0969da', text: '#0a3069', classes: ['#0969da', '#1a7f37', '#cf222e'] },
    fact: { fill: '#a5d6a7', edge: '#2e7d32', text: '#1b5e20', classes: ['#2e7d32'] },
    intx: { fill: '#ffcc80', edge: '#e65100', text: '#7a2e00', classes: ['#e65100'] },
    msi: { fill: '#ce93d8', edge: '#8e24aa', text: '#4a148c', classes: ['#8e24aa', '#cf222e'] },
    'irq-status': { fill: '#fff3c4', edge: '#9a6700', text: '#4d2d00', classes: ['#9a6700'] },
    'irq-bit': { fill: '#ffe082', edge: '#bf8700', text: '#4d2d00', classes: ['#bf8700'] },
    handler: { fill: '#80deea', edge: '#00838f', text: '#004d54', classes: ['#cf222e'] },
    dma: { fill: '#b39ddb', edge: '#5e35b1', text: '#311b92', classes: ['#1f2328', '#cf222e'] },
    clock: { fill: '#cfd8dc', edge: '#546e7a', text: '#263238', classes: ['#546e7a'] },
    storm: { fill: '#ffaba8', edge: '#cf222e', text: '#82071e', classes: ['#82071e'] },
  },
};

export const darkTheme: TimelineTheme = {
  name: 'dark',
  font: `11px ${FONT}`,
  fontSize: 11,
  labelFont: `12px ${FONT}`,
  background: '#1e1e1e',
  rowAlt: '#242424',
  separator: '#333333',
  baseline: '#6e7681',
  labelBackground: '#252526',
  labelText: '#d4d4d4',
  axisBackground: '#2a2a2a',
  axisText: '#c8c8c8',
  gridMajor: '#3c3c3c',
  gridMinor: '#2c2c2c',
  noData: 'rgba(255, 255, 255, 0.05)',
  gap: 'rgba(248, 81, 73, 0.22)',
  cursorA: '#58a6ff',
  cursorB: '#bc8cff',
  cursorBand: 'rgba(88, 166, 255, 0.10)',
  cursorText: '#0d1117',
  marker: '#d29922',
  markerText: '#f0f0f0',
  hover: 'rgba(255, 255, 255, 0.35)',
  storm: '#f85149',
  lanes: {
    mmio: { fill: '#1f6feb', edge: '#58a6ff', text: '#cae8ff', classes: ['#58a6ff', '#3fb950', '#f85149'] },
    fact: { fill: '#2e6b34', edge: '#56d364', text: '#d2f8d2', classes: ['#56d364'] },
    intx: { fill: '#8a4b0f', edge: '#ffa657', text: '#ffdfb6', classes: ['#ffa657'] },
    msi: { fill: '#6e3a8a', edge: '#d2a8ff', text: '#f0dcff', classes: ['#d2a8ff', '#f85149'] },
    'irq-status': { fill: '#4d3800', edge: '#e3b341', text: '#f8e3a1', classes: ['#e3b341'] },
    'irq-bit': { fill: '#6b4f00', edge: '#e3b341', text: '#f8e3a1', classes: ['#e3b341'] },
    handler: { fill: '#0f5c63', edge: '#39c5cf', text: '#b3f0ff', classes: ['#f85149'] },
    dma: { fill: '#4a3a7a', edge: '#a371f7', text: '#e2d9ff', classes: ['#e6edf3', '#f85149'] },
    clock: { fill: '#3d4850', edge: '#8b949e', text: '#e6edf3', classes: ['#8b949e'] },
    storm: { fill: '#7d1f1b', edge: '#f85149', text: '#ffdcd7', classes: ['#ffa198'] },
  },
};
