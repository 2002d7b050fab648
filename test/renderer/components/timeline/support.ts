/**
 * Mounting the timeline pane in jsdom: a recording 2D context stands in for the canvas (jsdom has
 * none), every element reports a fixed size (jsdom does no layout), and the shared session timeline
 * starts empty for each test.
 */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { expect, vi } from 'vitest';
import { nextTick } from 'vue';
import { EduReg } from '../../../../src/common/edu/datasheet';
import { EventKind, Source } from '../../../../src/common/trace/schema';
import TimelinePane from '../../../../src/renderer/src/components/TimelinePane.vue';
import type { TimelineView } from '../../../../src/renderer/src/components/timeline/controller';
import { setLanguage } from '../../../../src/renderer/src/i18n';
import { timeline, timelineChanged } from '../../../../src/renderer/src/session';
import { batch, FakeContext, type Ev } from '../../timeline/support';

export { batch, FakeContext, type Ev };

/** The plot's size in jsdom (the lane names are DOM beside it: the canvas is all plot). */
export const WIDTH = 1000;
export const HEIGHT = 300;

export interface Pane {
  readonly wrapper: VueWrapper;
  readonly view: TimelineView;
  readonly ctx: FakeContext;
  readonly canvas: HTMLCanvasElement;
  /** Runs the pending animation frame now and lets Vue re-render. */
  frame(): Promise<void>;
  /** Appends events as the stream router would, then draws. */
  feed(events: readonly Ev[]): Promise<void>;
}

let nextSeq = 0;

export async function mountPane(): Promise<Pane> {
  setLanguage('en');
  localStorage.clear();
  setActivePinia(createPinia());
  timeline.reset({ markers: true });
  for (const lane of timeline.lanes.lanes) timeline.setLaneHidden(lane.id, false);
  timeline.setTimeDisplay({ mode: 'absolute' });
  nextSeq = 0;

  const ctx = new FakeContext();
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation((() => ctx) as unknown as HTMLCanvasElement['getContext']);
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(
    () => ({ x: 0, y: 0, left: 0, top: 0, right: WIDTH, bottom: HEIGHT, width: WIDTH, height: HEIGHT, toJSON: () => ({}) }) as DOMRect,
  );

  const wrapper = mount(TimelinePane, { attachTo: document.body });
  const view = (wrapper.vm as unknown as { view: TimelineView }).view;
  const frame = async (): Promise<void> => {
    view.flush();
    await nextTick();
    await flushPromises();
  };
  await frame();
  return {
    wrapper,
    view,
    ctx,
    get canvas() {
      return wrapper.get<HTMLCanvasElement>('[data-testid=timeline-canvas]').element;
    },
    frame,
    async feed(events) {
      timeline.append(batch(events, nextSeq));
      nextSeq += events.length;
      timelineChanged();
      await frame();
    },
  };
}

/** Lets the throttled measurement run (it waits on a timer) and Vue re-render. */
export async function measured(pane: Pane): Promise<void> {
  await pane.frame();
  await vi.waitFor(() => expect(pane.view.measurePending).toBe(false), { timeout: 2_000, interval: 10 });
  await pane.frame();
}

const G = Source.Guest;
const D = Source.Device;

/**
 * Two INTx interrupts, hand-built: raise, INTx up, handler entry, status read, ack, INTx down, exit.
 * Latencies 500 and 200 ns, handler durations 300 and 700 ns, raise to ack 700 and 600 ns.
 */
export function twoInterrupts(): Ev[] {
  const one = (raise: number, enter: number, ack: number, exit: number): Ev[] => [
    { t: raise, kind: EventKind.IrqRaise, source: D, addr: 1, value: 1 },
    { t: raise, kind: EventKind.RegisterChange, source: D, addr: EduReg.IrqStatus, value: 1 },
    { t: raise, kind: EventKind.IntxLevel, source: D, addr: 11, value: 1, size: 0 },
    { t: enter, kind: EventKind.HandlerEnter, source: G, addr: 11, value: 11 },
    { t: enter + 50, kind: EventKind.MmioRead, source: G, addr: EduReg.IrqStatus, value: 1 },
    { t: ack, kind: EventKind.MmioWrite, source: G, addr: EduReg.IrqAck, value: 1 },
    { t: ack, kind: EventKind.IrqAck, source: G, addr: 0, value: 1 },
    { t: ack, kind: EventKind.IntxLevel, source: D, addr: 11, value: 0, size: 0 },
    { t: exit, kind: EventKind.HandlerExit, source: G, addr: 11, value: 1 },
  ];
  return [...one(1_000, 1_500, 1_700, 1_800), ...one(11_000, 11_200, 11_600, 11_900)];
}

/** A handler that keeps running and nobody acknowledges: `n` entries `every` ns apart from `from`. */
export function storm(from: number, n: number, every = 1_000): Ev[] {
  const out: Ev[] = [];
  for (let i = 0; i < n; i++) {
    const t = from + i * every;
    out.push({ t, kind: EventKind.HandlerEnter, source: G, addr: 11, value: 11 });
    out.push({ t: t + every / 2, kind: EventKind.HandlerExit, source: G, addr: 11, value: 1 });
  }
  return out;
}

/** A pointer event at canvas coordinates (the canvas sits at the page's origin here). */
export function pointer(type: string, x: number, y: number, init: PointerEventInit = {}): PointerEvent {
  return new PointerEvent(type, { clientX: x, clientY: y, button: 0, buttons: 1, pointerId: 1, bubbles: true, cancelable: true, ...init });
}
