import type { DecodedBatch } from '../../common/api/event-batch';

/** Most time one slice of ingestion may take before the window gets to handle input and draw. */
const SLICE_MS = 5;
/** Events handed to the consumer at a time (a few milliseconds of work). */
const STEP = 4096;

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

/**
 * Recorded events wait here and are handed to `consume` in slices of a few milliseconds, each followed
 * by `afterSlice`. During an interrupt storm the stream brings millions of events a second: taking them
 * all at once would leave the window deaf to keys and unable to draw; this way the console echo and
 * the clock stay live and the timeline catches up as fast as the machine allows.
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
  private readonly channel = new MessageChannel();

  constructor(
    private readonly consume: (batch: DecodedBatch) => void,
    private readonly afterSlice: () => void,
  ) {
    this.channel.port1.onmessage = () => this.drain();
  }

  /** Events waiting to be taken. */
  get backlog(): number {
    let n = -this.offset;
    for (const q of this.queue) n += q.batch.count;
    return n;
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
    this.channel.port2.postMessage(null); // a macrotask without setTimeout's clamping
  }

  private drain(): void {
    this.scheduled = false;
    const start = performance.now();
    while (this.queue.length > 0 && performance.now() - start < SLICE_MS) {
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
    this.afterSlice();
    if (this.queue.length > 0) this.schedule();
  }
}
