/**
 * The two shapes a lane's data takes, kept in typed arrays that grow by doubling and shed their front
 * when the event store drops its oldest chunk:
 *
 * - InstantSeries: points in time (an MMIO access, an MSI message), each with a small class number
 *   (read / write / invalid, delivered / dropped) and running per-class counts, so the number of
 *   instants of each class between two positions is a subtraction.
 * - LevelSeries: a piecewise-constant value (a busy flag, the INTx level, the interrupt status) as its
 *   transitions; the value before the first retained transition is `initial`. A running count of the
 *   transitions to zero answers "was it high anywhere / everywhere in this range" in O(1).
 *
 * Positions are logical (0 = oldest retained); they shift when the front is trimmed, so callers keep
 * them only for the duration of one computation. Each entry also keeps the index of its event in the
 * EventStore (for hover details).
 */
import { gallopBound, lowerBound, upperBound, type SearchStats } from './search';

const INITIAL_CAPACITY = 256;
/** Compact the arrays once this many trimmed entries sit at the front (and they are half of them). */
const COMPACT_MIN = 4096;

function grow<T extends Float64Array | Uint32Array | Uint8Array>(a: T, size: number): T {
  const next = new (a.constructor as { new (n: number): T })(size);
  next.set(a);
  return next;
}

export class InstantSeries {
  /** How many classes an instant can have (0 ... classes-1). */
  readonly classes: number;
  private t = new Float64Array(INITIAL_CAPACITY);
  private ix = new Float64Array(INITIAL_CAPACITY);
  private cls = new Uint8Array(INITIAL_CAPACITY);
  /** cum[c - 1][j]: instants of class c among absolute positions [.., j] (mod 2^32). Class 0 is the rest. */
  private cum: Uint32Array[];
  /** cum value just before the first retained entry, per class >= 1. */
  private base: number[];
  private s = 0;
  private e = 0;
  /** Bumped on every change (for caches). */
  version = 0;

  constructor(classes = 1) {
    if (!Number.isInteger(classes) || classes < 1 || classes > 8) throw new RangeError(`bad class count ${classes}`);
    this.classes = classes;
    this.cum = Array.from({ length: classes - 1 }, () => new Uint32Array(INITIAL_CAPACITY));
    this.base = new Array<number>(classes - 1).fill(0);
  }

  get length(): number {
    return this.e - this.s;
  }

  time(i: number): number {
    return this.t[this.s + i]!;
  }

  classOf(i: number): number {
    return this.cls[this.s + i]!;
  }

  eventIndex(i: number): number {
    return this.ix[this.s + i]!;
  }

  get lastTime(): number {
    return this.e > this.s ? this.t[this.e - 1]! : -Infinity;
  }

  /** Appends an instant; one earlier than the last is inserted in order (rare: future deadlines). */
  push(time: number, cls: number, eventIndex: number): void {
    if (cls < 0 || cls >= this.classes) throw new RangeError(`class ${cls} out of range`);
    this.reserve();
    if (this.e > this.s && time < this.t[this.e - 1]!) {
      this.insert(time, cls, eventIndex);
      return;
    }
    const j = this.e++;
    this.t[j] = time;
    this.ix[j] = eventIndex;
    this.cls[j] = cls;
    for (let c = 1; c < this.classes; c++) {
      const prev = j > this.s ? this.cum[c - 1]![j - 1]! : this.base[c - 1]!;
      this.cum[c - 1]![j] = (prev + (cls === c ? 1 : 0)) >>> 0;
    }
    this.version++;
  }

  private insert(time: number, cls: number, eventIndex: number): void {
    const j = upperBound(this.t, time, this.s, this.e);
    this.t.copyWithin(j + 1, j, this.e);
    this.ix.copyWithin(j + 1, j, this.e);
    this.cls.copyWithin(j + 1, j, this.e);
    this.e++;
    this.t[j] = time;
    this.ix[j] = eventIndex;
    this.cls[j] = cls;
    for (let c = 1; c < this.classes; c++) {
      const cum = this.cum[c - 1]!;
      for (let k = j; k < this.e; k++) cum[k] = ((k > this.s ? cum[k - 1]! : this.base[c - 1]!) + (this.cls[k] === c ? 1 : 0)) >>> 0;
    }
    this.version++;
  }

  /** First logical position with time >= t. */
  lowerBound(t: number): number {
    return lowerBound(this.t, t, this.s, this.e) - this.s;
  }

  /** First logical position with time > t. */
  upperBound(t: number): number {
    return upperBound(this.t, t, this.s, this.e) - this.s;
  }

  /** Like lowerBound / upperBound, starting from a position known to be at or before the answer. */
  boundFrom(t: number, from: number, strict: boolean, stats?: SearchStats): number {
    return gallopBound(this.t, t, this.s + from, this.e, strict, stats) - this.s;
  }

  /** Instants of class `cls` among logical positions [lo, hi). */
  countClass(cls: number, lo: number, hi: number): number {
    if (hi <= lo) return 0;
    if (cls === 0) {
      let others = 0;
      for (let c = 1; c < this.classes; c++) others += this.countClass(c, lo, hi);
      return hi - lo - others;
    }
    const cum = this.cum[cls - 1]!;
    const base = this.base[cls - 1]!;
    const upper = hi - 1 >= 0 ? cum[this.s + hi - 1]! : base;
    const lower = lo - 1 >= 0 ? cum[this.s + lo - 1]! : base;
    return (upper - lower) >>> 0;
  }

  /** Drops entries whose event index is below `firstIndex` (the store dropped them). */
  trimBeforeIndex(firstIndex: number): void {
    let s = this.s;
    while (s < this.e && this.ix[s]! < firstIndex) s++;
    if (s === this.s) return;
    for (let c = 1; c < this.classes; c++) this.base[c - 1] = this.cum[c - 1]![s - 1]!;
    this.s = s;
    this.version++;
    if (this.s >= COMPACT_MIN && this.s * 2 >= this.e) this.compact();
  }

  clear(): void {
    this.s = this.e = 0;
    this.base.fill(0);
    this.version++;
  }

  private compact(): void {
    const { s, e } = this;
    this.t.copyWithin(0, s, e);
    this.ix.copyWithin(0, s, e);
    this.cls.copyWithin(0, s, e);
    for (const cum of this.cum) cum.copyWithin(0, s, e);
    this.s = 0;
    this.e = e - s;
  }

  private reserve(): void {
    if (this.e < this.t.length) return;
    if (this.s > 0 && this.s * 2 >= this.e) {
      this.compact();
      return;
    }
    const size = this.t.length * 2;
    this.t = grow(this.t, size);
    this.ix = grow(this.ix, size);
    this.cls = grow(this.cls, size);
    this.cum = this.cum.map((c) => grow(c, size));
  }
}

/** The span around a time in a LevelSeries: the value, when it began and when it ended (null: still on). */
export interface LevelSpan {
  readonly value: number;
  /** Time of the transition that set the value (-Infinity when it is the initial value). */
  readonly start: number;
  readonly end: number | null;
  /** Store index of the transition that began it, or -1. */
  readonly startEvent: number;
  /** Store index of the transition that ended it, or -1. */
  readonly endEvent: number;
}

export class LevelSeries {
  private t = new Float64Array(INITIAL_CAPACITY);
  private v = new Float64Array(INITIAL_CAPACITY);
  private ix = new Float64Array(INITIAL_CAPACITY);
  /** zc[j]: transitions to 0 among absolute positions [.., j] (mod 2^32). */
  private zc = new Uint32Array(INITIAL_CAPACITY);
  private zbase = 0;
  private s = 0;
  private e = 0;
  /** The value before the first retained transition. */
  initial: number;
  version = 0;

  constructor(initial = 0) {
    this.initial = initial;
  }

  get length(): number {
    return this.e - this.s;
  }

  time(i: number): number {
    return this.t[this.s + i]!;
  }

  /** The value from transition i on; i = -1 gives the initial value. */
  valueAt(i: number): number {
    return i < 0 ? this.initial : this.v[this.s + i]!;
  }

  eventIndex(i: number): number {
    return i < 0 ? -1 : this.ix[this.s + i]!;
  }

  /** The current (last) value. */
  get value(): number {
    return this.e > this.s ? this.v[this.e - 1]! : this.initial;
  }

  get lastTime(): number {
    return this.e > this.s ? this.t[this.e - 1]! : -Infinity;
  }

  /**
   * Sets the value at `time`; records a transition only when it changes. Times never go back: an
   * earlier time is taken as the last transition's time. Returns whether a transition was recorded.
   */
  set(time: number, value: number, eventIndex: number): boolean {
    if (value === this.value) return false;
    if (this.e === this.t.length) this.reserve();
    const j = this.e++;
    this.t[j] = Math.max(time, j > this.s ? this.t[j - 1]! : -Infinity);
    this.v[j] = value;
    this.ix[j] = eventIndex;
    this.zc[j] = ((j > this.s ? this.zc[j - 1]! : this.zbase) + (value === 0 ? 1 : 0)) >>> 0;
    this.version++;
    return true;
  }

  /** The value at time t (after every transition at t). */
  levelAt(t: number): number {
    return this.valueAt(this.upperBound(t) - 1);
  }

  lowerBound(t: number): number {
    return lowerBound(this.t, t, this.s, this.e) - this.s;
  }

  upperBound(t: number): number {
    return upperBound(this.t, t, this.s, this.e) - this.s;
  }

  boundFrom(t: number, from: number, strict: boolean, stats?: SearchStats): number {
    return gallopBound(this.t, t, this.s + from, this.e, strict, stats) - this.s;
  }

  /** How many of the values at logical positions [k, hi) are 0 (k may be -1: the initial value). */
  zerosIn(k: number, hi: number): number {
    if (hi <= k) return 0;
    const upper = hi - 1 >= 0 ? this.zc[this.s + hi - 1]! : this.zbase;
    const lower = k - 1 >= 0 ? this.zc[this.s + k - 1]! : this.zbase;
    let n = (upper - lower) >>> 0;
    if (k < 0 && this.initial === 0) n++;
    return n;
  }

  /** The span containing time t (its value, start and end). */
  spanAt(t: number): LevelSpan {
    const i = this.upperBound(t) - 1;
    const next = i + 1 < this.length ? i + 1 : -1;
    return {
      value: this.valueAt(i),
      start: i < 0 ? -Infinity : this.time(i),
      end: next < 0 ? null : this.time(next),
      startEvent: this.eventIndex(i),
      endEvent: next < 0 ? -1 : this.eventIndex(next),
    };
  }

  trimBeforeIndex(firstIndex: number): void {
    let s = this.s;
    while (s < this.e && this.ix[s]! < firstIndex) s++;
    if (s === this.s) return;
    this.initial = this.v[s - 1]!;
    this.zbase = this.zc[s - 1]!;
    this.s = s;
    this.version++;
    if (this.s >= COMPACT_MIN && this.s * 2 >= this.e) this.compact();
  }

  clear(initial = 0): void {
    this.s = this.e = 0;
    this.zbase = 0;
    this.initial = initial;
    this.version++;
  }

  private compact(): void {
    const { s, e } = this;
    this.t.copyWithin(0, s, e);
    this.v.copyWithin(0, s, e);
    this.ix.copyWithin(0, s, e);
    this.zc.copyWithin(0, s, e);
    this.s = 0;
    this.e = e - s;
  }

  private reserve(): void {
    if (this.s > 0 && this.s * 2 >= this.e) {
      this.compact();
      return;
    }
    const size = this.t.length * 2;
    this.t = grow(this.t, size);
    this.v = grow(this.v, size);
    this.ix = grow(this.ix, size);
    this.zc = grow(this.zc, size);
  }
}
