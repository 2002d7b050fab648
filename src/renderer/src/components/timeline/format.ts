/**
 * Words for the timeline in the UI language: lane names and descriptions (the engine's own labels are
 * English), deliveries, spans. Times stay in the engine's exact format.
 */
import { t, type MessageKey } from '../../i18n';
import { bitName, formatTime, hex, type Delivery, type Lane, type Marker } from '../../timeline';

const SOURCE_KEYS: Readonly<Record<string, MessageKey>> = {
  machine: 'timeline.sourceMachine',
  guest: 'timeline.sourceGuest',
  ui: 'timeline.sourceUi',
  test: 'timeline.sourceTest',
  device: 'timeline.sourceDevice',
  firmware: 'timeline.sourceFirmware',
};

/** An initiator's name (`guest`, `ui`, ... as SOURCE_NAMES spells them). */
export function sourceName(name: string): string {
  const key = SOURCE_KEYS[name];
  return key ? t(key) : name;
}

function suffix(lane: Lane): string {
  return lane.id.slice(lane.id.indexOf(':') + 1);
}

/** The lane's name as shown beside it. */
export function laneName(lane: Lane): string {
  switch (lane.group) {
    case 'mmio':
      return t('timeline.laneMmio', { who: sourceName(suffix(lane)) });
    case 'fact':
      return t('timeline.laneFact');
    case 'intx':
      return t('timeline.laneIntx', { gsi: suffix(lane) });
    case 'msi':
      return t('timeline.laneMsi');
    case 'irq-status':
      return t('timeline.laneIrqStatus');
    case 'irq-bit': {
      const bit = Number(suffix(lane));
      return t('timeline.laneIrqBit', { name: bitName(bit), mask: hex((1 << bit) >>> 0) });
    }
    case 'handler':
      return t('timeline.laneHandler', { irq: suffix(lane) });
    case 'dma':
      return t('timeline.laneDma');
    case 'clock':
      return t('timeline.laneClock');
    case 'storm':
      return t('timeline.laneStorm');
    default:
      return lane.label;
  }
}

/** What the lane shows (for its tooltip). */
export function laneHint(lane: Lane): string {
  switch (lane.group) {
    case 'mmio':
      return t('timeline.laneMmioHint', { who: sourceName(suffix(lane)) });
    case 'fact':
      return t('timeline.laneFactHint');
    case 'intx':
      return t('timeline.laneIntxHint', { gsi: suffix(lane) });
    case 'msi':
      return t('timeline.laneMsiHint');
    case 'irq-status':
      return t('timeline.laneIrqStatusHint');
    case 'irq-bit':
      return t('timeline.laneIrqBitHint', { mask: hex((1 << Number(suffix(lane))) >>> 0) });
    case 'handler':
      return t('timeline.laneHandlerHint', { irq: suffix(lane) });
    case 'dma':
      return t('timeline.laneDmaHint');
    case 'clock':
      return t('timeline.laneClockHint');
    case 'storm':
      return t('timeline.laneStormHint');
    default:
      return lane.description;
  }
}

/** How an interrupt reached the CPU. */
export function deliveryText(delivery: Delivery | null, gsi: number | null): string {
  switch (delivery) {
    case 'intx':
      return t('timeline.deliveryIntx', { gsi: gsi ?? '?' });
    case 'intx-held':
      return t('timeline.deliveryIntxHeld', { gsi: gsi ?? '?' });
    case 'msi':
      return t('timeline.deliveryMsi');
    case 'msi-dropped':
      return t('timeline.deliveryMsiDropped');
    case 'none':
      return t('timeline.deliveryNone');
    default:
      return t('timeline.pending');
  }
}

/** A duration, or the pending mark. */
export function duration(ns: number | null): string {
  return ns === null || !Number.isFinite(ns) ? t('timeline.pending') : formatTime(ns);
}

/** A level's value for the tooltip: high/low for 0/1 lanes, hex for multi-bit ones. */
export function levelValue(lane: Lane, value: number): string {
  if (lane.kind === 'value') return hex(value);
  return value ? t('timeline.tipHigh') : t('timeline.tipLow');
}

/** A name for a new marker that no marker has yet: M1, M2, ... */
export function nextMarkerName(markers: readonly Marker[]): string {
  const used = new Set(markers.map((m) => m.label));
  let n = markers.length + 1;
  while (used.has(t('timeline.markerDefault', { n }))) n++;
  return t('timeline.markerDefault', { n });
}
