/**
 * Times on the timeline are virtual nanoseconds. These print them in ns / us / ms / s, exactly: the
 * digits come from integer arithmetic, not from floating-point division.
 */

export type TimeUnit = 'ns' | 'us' | 'ms' | 's';

export const UNIT_NS: Readonly<Record<TimeUnit, number>> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 };

/** The unit a magnitude (ns) reads best in: 999 ns, 1 us ... 999.999 us, 1 ms, ... */
export function unitFor(magnitudeNs: number): TimeUnit {
  const m = Math.abs(magnitudeNs);
  if (m >= 1e9) return 's';
  if (m >= 1e6) return 'ms';
  if (m >= 1e3) return 'us';
  return 'ns';
}

/** `ns` in `unit` with exactly `decimals` digits after the point (rounded half away from zero). */
export function formatFixed(ns: number, unit: TimeUnit, decimals: number): string {
  const scale = UNIT_NS[unit];
  const q = scale / 10 ** decimals;
  if (!Number.isFinite(ns)) return String(ns);
  if (q >= 1 && Number.isInteger(q)) {
    const n = Math.round(Math.abs(ns) / q);
    if (n > Number.MAX_SAFE_INTEGER) return `${(ns / scale).toFixed(decimals)} ${unit}`;
    const digits = String(n).padStart(decimals + 1, '0');
    const body = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
    return `${ns < 0 && n !== 0 ? '-' : ''}${body} ${unit}`;
  }
  return `${(ns / scale).toFixed(decimals)} ${unit}`;
}

/** Decimals needed in `unit` to show multiples of `stepNs` exactly (at most 9). */
export function decimalsFor(stepNs: number, unit: TimeUnit): number {
  const scale = UNIT_NS[unit];
  for (let d = 0; d < 9; d++) {
    const q = scale / 10 ** d;
    if (q <= stepNs && Math.abs(stepNs / q - Math.round(stepNs / q)) < 1e-9) return d;
  }
  return 9;
}

/**
 * A time or duration in the unit that suits its magnitude, to `resolutionNs` (default 1 ns), with
 * trailing zeros dropped: 500 -> "500 ns", 1_500_000 -> "1.5 ms", 100_002_345 -> "100.002345 ms".
 */
export function formatTime(ns: number, resolutionNs = 1): string {
  if (!Number.isFinite(ns)) return String(ns);
  const unit = unitFor(ns);
  let d = 0;
  while (d < 9 && UNIT_NS[unit] / 10 ** d > resolutionNs) d++;
  const fixed = formatFixed(ns, unit, d);
  if (d === 0) return fixed;
  const [num, u] = fixed.split(' ') as [string, string];
  const trimmed = num.replace(/0+$/, '').replace(/\.$/, '');
  return `${trimmed === '-0' ? '0' : trimmed} ${u}`;
}

/** Interrupts (or events) per second, e.g. "1.25 k/s". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '-';
  const a = Math.abs(perSecond);
  const [div, suffix] = a >= 1e6 ? [1e6, 'M/s'] : a >= 1e3 ? [1e3, 'k/s'] : [1, '/s'];
  const v = perSecond / div;
  return `${Number(v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2))} ${suffix}`;
}
