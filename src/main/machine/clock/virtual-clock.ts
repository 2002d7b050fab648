import { monotonicHostClock, type HostClock } from './host-clock';

export type ClockChange = 'pause' | 'resume' | 'speed' | 'mode' | 'warp';
export type ClockListener = (change: ClockChange) => void;

/**
 * The guest's notion of time, with QEMU_CLOCK_VIRTUAL semantics: nanoseconds that advance with the
 * host monotonic clock while the machine runs (scaled by `speed` for slow motion) and stand still while
 * it is paused. In deterministic mode the clock never follows the host: it only moves when idle time is
 * warped to the next timer deadline, so a headless run stamps the same times every time.
 *
 * Time is kept as `vBase` (virtual ns at host instant `hBase`) and derived on demand, so reading the
 * clock costs one host clock read. It never runs backwards: every rebase starts from the current value.
 */
export class VirtualClock {
  private vBase = 0;
  private hBase: number;
  private running = false;
  private rate = 1;
  private deterministicMode = false;
  private readonly listeners = new Set<ClockListener>();

  constructor(readonly host: HostClock = monotonicHostClock) {
    this.hBase = host.nowNs();
  }

  /** Virtual time in whole nanoseconds. */
  now(): number {
    return this.virtualAt(this.host.nowNs());
  }

  /**
   * The virtual time at a given host instant (for stamping events with a host time already read). A host
   * instant read before the last rebase maps to the rebase point rather than extrapolating the current
   * segment backwards: a stale reading must not stamp a time earlier than the clock has already shown.
   */
  virtualAt(hostNs: number): number {
    if (!this.running || this.deterministicMode || hostNs <= this.hBase) return this.vBase;
    return this.vBase + Math.floor((hostNs - this.hBase) * this.rate);
  }

  /**
   * The host instant at which virtual time `vns` is reached, or undefined if it never is by itself.
   * It is exact in the direction that matters: `virtualAt(hostInstantOf(v)) >= v`, so a timer woken at
   * that instant is due. Division and the large host base both round, and ceil alone can land a
   * nanosecond short, so the result is checked against `virtualAt` and nudged forward.
   */
  hostInstantOf(vns: number): number | undefined {
    if (!this.running || this.deterministicMode) return undefined;
    let h = this.hBase + Math.max(0, Math.ceil((vns - this.vBase) / this.rate));
    // Steps double so that they outgrow the spacing of doubles near h (1 ns is below it after ~100 days).
    for (let step = 1; this.virtualAt(h) < vns; step *= 2) h += step;
    return h;
  }

  get isRunning(): boolean {
    return this.running;
  }
  get speed(): number {
    return this.rate;
  }
  get deterministic(): boolean {
    return this.deterministicMode;
  }

  pause(): void {
    if (!this.running) return;
    this.rebase();
    this.running = false;
    this.emit('pause');
  }

  resume(): void {
    if (this.running) return;
    this.hBase = this.host.nowNs();
    this.running = true;
    this.emit('resume');
  }

  /** Slow motion: 1 is real time, 0.01 is a hundred times slower. */
  setSpeed(speed: number): void {
    if (!(speed > 0 && speed <= 1)) throw new RangeError(`clock speed must be in (0, 1], got ${speed}`);
    this.rebase();
    this.rate = speed;
    this.emit('speed');
  }

  setDeterministic(on: boolean): void {
    if (on === this.deterministicMode) return;
    this.rebase();
    this.deterministicMode = on;
    this.emit('mode');
  }

  /**
   * Jump forward to `vns` (a step, or a deterministic warp to the next deadline). Only allowed while
   * the clock is not following the host, so real time and warps never mix.
   */
  warpTo(vns: number): void {
    if (this.running && !this.deterministicMode) throw new Error('cannot warp a clock that follows the host');
    if (!Number.isFinite(vns)) throw new RangeError(`cannot warp to ${vns}`);
    if (vns <= this.vBase) return;
    // Time is whole nanoseconds; rounding up still reaches a fractional target.
    this.vBase = Math.ceil(vns);
    this.emit('warp');
  }

  onChange(listener: ClockListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private rebase(): void {
    const h = this.host.nowNs();
    this.vBase = this.virtualAt(h);
    this.hBase = h;
  }

  private emit(change: ClockChange): void {
    for (const l of this.listeners) l(change);
  }
}
