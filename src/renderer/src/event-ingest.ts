import type { DecodedBatch } from '../../common/api/event-batch';

/** Most time one slice of ingestion may take before the window gets to handle input, messages and frames. */
const SLICE_MS = 4;
/** Events handed to the consumer at a time (well under a millisecond of work): the slices' granularity. */
const STEP = 1024;

/** Events `from`..`from+count` of a batch, as a batch of their own (views, no copies). */
export function subBatch(b: DecodedBatch, from: number, count: number): DecodedBatch {
  const end = from + count;
  return {
    fromSeq: b.fromSeq + from,
    count,
    strings: b.strings,
    vns: b.vns.subarray(from, end),
    hns: b.hns.subarray(from, end),
    addr: b.addr.subarray(from, end),
    valueLo: b.valueLo.subarray(from, end),
    valueHi: b.valueHi.subarray(from, end),
    kind: b.kind.subarray(from, end),
    source: b.source.subarray(from, end),
    size: b.size.subarray(from, end),
    flags: b.flags.subarray(from, end),
  };
}

/** Where the queue's slices run. */
export interface SliceScheduler {
  /** Runs `slice` as a task of its own, once more urgent work (input, network messages, frames) is done. */
  post(slice: () => void): void;
  /** Input is waiting to be handled (so a slice ends early). */
  inputPending(): boolean;
}

type PostTask = (callback: () => void, options: { priority: 'background' }) => Promise<unknown>;

/**
 * The window's scheduler: tasks at background priority (scheduler.postTask), which the browser runs
 * only when no input, network message (console output among them) or frame is waiting, so ingestion
 * never delays those by more than a slice, however long the backlog; and the browser's word on
 * pending input. Without postTask (Node, jsdom), plain macrotasks.
 *
 * (Not requestIdleCallback: a window kept busy drawing a storm gets an idle period only now and
 * then, and ingestion falls far behind the stream.)
 */
export function defaultSliceScheduler(): SliceScheduler {
  const g = globalThis as { scheduler?: { postTask?: PostTask }; navigator?: { scheduling?: { isInputPending?: () => boolean } } };
  const scheduler = g.scheduler;
  const postTask = scheduler?.postTask;
  let post: (slice: () => void) => void;
  if (postTask) post = (slice) => void postTask.call(scheduler, slice, { priority: 'background' });
  else {
    const channel = new MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    // Node keeps the process alive while a port is referenced; a queue must not.
    (channel.port1 as { unref?: () => void }).unref?.();
    post = (slice) => {
      waiting.push(slice);
      channel.port2.postMessage(null); // a macrotask without setTimeout's clamping
    };
  }
  const scheduling = g.navigator?.scheduling;
  const inputPending = typeof scheduling?.isInputPending === 'function' ? () => scheduling.isInputPending!() : () => false;
  return { post, inputPending };
}

/**
 * Recorded events wait here and are handed to `consume` in slices of a few milliseconds, each followed
 * by `afterSlice`. During an interrupt storm the stream brings millions of events a second: taking them
 * all at once would leave the window deaf to keys and unable to draw; this way the console echo and
 * the clock stay live and the timeline catches up as fast as the machine allows.
 *
 * Slices run at background priority (see defaultSliceScheduler): the stream's messages (console
 * output among them) are read as they come, keys are handled at once and frames are drawn on time,
 * whatever the backlog. Batches are acknowledged once consumed, so the lab sends no faster than the
 * window takes them in.
 */
interface Queued {
  readonly batch: DecodedBatch;
  /** Called once every event of the batch has been consumed. */
  readonly taken?: () => void;
}

export class EventIngestQueue {
  private readonly queue: Queued[] = [];
  private offset = 0;
  private scheduled = false;

  constructor(
    private readonly consume: (batch: DecodedBatch) => void,
    private readonly afterSlice: () => void,
    private readonly scheduler: SliceScheduler = defaultSliceScheduler(),
  ) {}

  /** Events waiting to be taken. */
  get backlog(): number {
    let n = 0;
    for (const q of this.queue) n += q.batch.count;
    return n - this.offset;
  }

  /** Queue a batch; `taken` runs once all its events have been consumed (at once for an empty batch). */
  push(batch: DecodedBatch, taken?: () => void): void {
    if (batch.count === 0) return taken?.();
    this.queue.push({ batch, taken });
    this.schedule();
  }

  clear(): void {
    this.queue.length = 0;
    this.offset = 0;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.scheduler.post(() => this.slice());
  }

  /** Consumes steps for up to SLICE_MS (always at least one, so the backlog moves; fewer when input waits). */
  private slice(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return; // clear() emptied it meanwhile
    const end = performance.now() + SLICE_MS;
    for (;;) {
      const t0 = performance.now();
      this.step();
      const now = performance.now();
      if (this.queue.length === 0 || now + (now - t0) > end || this.scheduler.inputPending()) break;
    }
    this.afterSlice();
    if (this.queue.length > 0) this.schedule();
  }

  private step(): void {
    const { batch, taken } = this.queue[0]!;
    const count = Math.min(STEP, batch.count - this.offset);
    this.consume(this.offset === 0 && count === batch.count ? batch : subBatch(batch, this.offset, count));
    this.offset += count;
    if (this.offset >= batch.count) {
      this.queue.shift();
      this.offset = 0;
      taken?.();
    }
  }
}
