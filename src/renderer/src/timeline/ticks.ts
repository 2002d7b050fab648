/**
 * Time-axis ticks: steps of 1, 2 or 5 × 10^k ns (at least 1 ns) at least `minSpacingPx` apart, major
 * ticks at whole multiples of the step from the origin (0 for absolute time, a chosen instant for
 * relative time), labelled in one unit with as many decimals as the step needs.
 */
import { decimalsFor, formatFixed, unitFor, type TimeUnit } from './time-format';

export interface Tick {
  readonly time: number;
  /** Pixel position in the plot (CSS px from its left edge). */
  readonly x: number;
  readonly label: string;
}

export interface TickSet {
  readonly step: number;
  /** Minor step (0 when there are no minor ticks). */
  readonly minorStep: number;
  readonly unit: TimeUnit;
  readonly decimals: number;
  readonly major: readonly Tick[];
  /** Pixel positions of minor ticks (not at major ones). */
  readonly minor: readonly number[];
}

export interface TickView {
  readonly start: number;
  readonly span: number;
  readonly width: number;
}

export interface TickOptions {
  /** Times are labelled relative to this (0: absolute virtual time). */
  readonly origin?: number;
  /** Least distance between major ticks (default 90 px). */
  readonly minSpacingPx?: number;
}

/** The smallest 1, 2 or 5 × 10^k that is >= x (and >= 1). */
export function niceStep(x: number): number {
  if (!(x > 1)) return 1;
  let p = 10 ** Math.floor(Math.log10(x));
  // log10 can land a hair off for exact powers of ten.
  if (p * 10 <= x) p *= 10;
  if (p > x) p /= 10;
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

export function makeTicks(view: TickView, options: TickOptions = {}): TickSet {
  const origin = options.origin ?? 0;
  const spacing = options.minSpacingPx ?? 90;
  const { start, span, width } = view;
  const end = start + span;
  if (!(width > 0) || !(span > 0)) return { step: 0, minorStep: 0, unit: 'ns', decimals: 0, major: [], minor: [] };
  const step = niceStep((span / width) * spacing);
  const unit = unitFor(Math.max(Math.abs(start - origin), Math.abs(end - origin), step));
  const decimals = decimalsFor(step, unit);
  const toX = (t: number): number => ((t - start) * width) / span;

  const major: Tick[] = [];
  const k0 = Math.ceil((start - origin) / step);
  const k1 = Math.floor((end - origin) / step);
  for (let k = k0; k <= k1; k++) {
    const rel = k * step;
    major.push({ time: origin + rel, x: toX(origin + rel), label: formatFixed(rel, unit, decimals) });
  }

  const mantissa = Math.round(step / 10 ** Math.floor(Math.log10(step) + 1e-9));
  const candidate = mantissa === 2 ? step / 4 : step / 5;
  const minorStep = candidate >= 1 && Number.isInteger(candidate) ? candidate : 0;
  const minor: number[] = [];
  if (minorStep > 0) {
    const m0 = Math.ceil((start - origin) / minorStep);
    const m1 = Math.floor((end - origin) / minorStep);
    const perMajor = Math.round(step / minorStep);
    for (let m = m0; m <= m1; m++) if (m % perMajor !== 0) minor.push(toX(origin + m * minorStep));
  }
  return { step, minorStep, unit, decimals, major, minor };
}
