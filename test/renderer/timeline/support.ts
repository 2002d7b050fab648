/**
 * Builders for the timeline tests: DecodedBatches from readable event lists, and a recording fake of
 * the 2D canvas context.
 */
import type { DecodedBatch } from '../../../src/common/api/event-batch';
import { BYTES_PER_EVENT, columnsOf } from '../../../src/common/trace/columns';
import { EventFlag, Source, type EventKind } from '../../../src/common/trace/schema';
import type { TimelineContext2D } from '../../../src/renderer/src/timeline/draw';

export interface Ev {
  readonly t: number;
  readonly kind: EventKind;
  readonly source?: Source;
  readonly addr?: number;
  readonly value?: number | bigint;
  readonly flags?: number;
  readonly size?: number;
  readonly text?: string;
}

/** A batch of the given events with sequence numbers fromSeq, fromSeq + 1, ... */
export function batch(events: readonly Ev[], fromSeq = 0): DecodedBatch {
  const n = events.length;
  const cols = columnsOf(new ArrayBuffer(Math.max(1, n) * BYTES_PER_EVENT), n);
  const strings = new Map<number, string>();
  const ids = new Map<string, number>();
  events.forEach((e, i) => {
    cols.vns[i] = e.t;
    cols.hns[i] = e.t * 2;
    cols.kind[i] = e.kind;
    cols.source[i] = e.source ?? Source.Device;
    cols.size[i] = e.size ?? 4;
    cols.addr[i] = e.addr ?? 0;
    let flags = e.flags ?? 0;
    if (e.text !== undefined) {
      let id = ids.get(e.text);
      if (id === undefined) {
        id = 1000 + ids.size;
        ids.set(e.text, id);
        strings.set(id, e.text);
      }
      flags |= EventFlag.Text;
      cols.valueLo[i] = id;
    } else {
      const v = BigInt(e.value ?? 0);
      cols.valueLo[i] = Number(v & 0xffffffffn);
      cols.valueHi[i] = Number((v >> 32n) & 0xffffffffn);
    }
    cols.flags[i] = flags;
  });
  return { ...cols, fromSeq, count: n, strings };
}

/** A large batch filled column-wise by `fill` (fast: no per-event objects). */
export function bulkBatch(n: number, fromSeq: number, fill: (cols: ReturnType<typeof columnsOf>) => void): DecodedBatch {
  const cols = columnsOf(new ArrayBuffer(n * BYTES_PER_EVENT), n);
  fill(cols);
  return { ...cols, fromSeq, count: n, strings: new Map() };
}

/** A deterministic pseudo-random generator (mulberry32). */
export { mulberry32 as rng } from '../../support/prng';

export interface Call {
  readonly name: string;
  readonly args: readonly unknown[];
}

/** A 2D context that records every call (and the fill style in force for fills). */
export class FakeContext implements TimelineContext2D {
  fillStyle: unknown = '#000';
  font = '10px sans-serif';
  textAlign = 'start';
  textBaseline = 'alphabetic';
  globalAlpha = 1;
  readonly calls: Call[] = [];
  readonly texts: { text: string; x: number; y: number; style: unknown }[] = [];
  readonly rects: { x: number; y: number; w: number; h: number; style: unknown }[] = [];
  private depth = 0;

  private record(name: string, args: unknown[]): void {
    this.calls.push({ name, args });
  }

  count(name?: string): number {
    return name ? this.calls.filter((c) => c.name === name).length : this.calls.length;
  }

  setTransform(...args: number[]): void {
    this.record('setTransform', args);
  }
  fillRect(x: number, y: number, w: number, h: number): void {
    this.record('fillRect', [x, y, w, h]);
    this.rects.push({ x, y, w, h, style: this.fillStyle });
  }
  fillText(text: string, x: number, y: number, maxWidth?: number): void {
    this.record('fillText', [text, x, y, maxWidth]);
    this.texts.push({ text, x, y, style: this.fillStyle });
  }
  save(): void {
    this.depth++;
    this.record('save', []);
  }
  restore(): void {
    if (--this.depth < 0) throw new Error('restore without save');
    this.record('restore', []);
  }
  beginPath(): void {
    this.record('beginPath', []);
  }
  rect(...args: number[]): void {
    this.record('rect', args);
  }
  clip(): void {
    this.record('clip', []);
  }
  get balanced(): boolean {
    return this.depth === 0;
  }
}
