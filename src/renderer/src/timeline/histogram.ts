/**
 * Histograms of durations in the manner of `rtla timerlat hist`: fixed-width buckets from 0, an
 * overflow count, and min / avg / max / percentiles (nearest rank) over all values.
 */
import { niceStep } from './ticks';
import { formatTime } from './time-format';

export interface Histogram {
  readonly count: number;
  /** NaN when there are no values (so are avg, max and the percentiles). */
  readonly min: number;
  readonly avg: number;
  readonly max: number;
  readonly p50: number;
  readonly p99: number;
  /** Bucket i counts values in [i · bucketSize, (i + 1) · bucketSize). */
  readonly bucketSize: number;
  readonly buckets: readonly number[];
  /** Values at or beyond buckets.length · bucketSize. */
  readonly overflow: number;
}

export interface HistogramOptions {
  /** Bucket width in ns (default: a 1-2-5 step that fits the maximum into `buckets`). */
  readonly bucketSize?: number;
  /** Number of buckets (default 20). */
  readonly buckets?: number;
}

/** The value at percentile p (0 < p <= 100) of sorted values, by the nearest-rank method. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function histogram(values: readonly number[], options: HistogramOptions = {}): Histogram {
  const nBuckets = Math.max(1, options.buckets ?? 20);
  const sorted = Float64Array.from(values).sort();
  const count = sorted.length;
  let sum = 0;
  for (const v of sorted) sum += v;
  const min = count ? sorted[0]! : NaN;
  const max = count ? sorted[count - 1]! : NaN;
  let bucketSize = options.bucketSize ?? niceStep(count ? Math.max(max, 1) / nBuckets : 1);
  // The maximum must land inside: a max of exactly n · size needs the next step up.
  if (options.bucketSize === undefined && count && Math.floor(max / bucketSize) >= nBuckets) bucketSize = niceStep(bucketSize * 1.000001);
  const buckets = new Array<number>(nBuckets).fill(0);
  let overflow = 0;
  for (const v of sorted) {
    const i = Math.max(0, Math.floor(v / bucketSize));
    if (i >= nBuckets) overflow++;
    else buckets[i]!++;
  }
  return {
    count,
    min,
    avg: count ? sum / count : NaN,
    max,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    bucketSize,
    buckets,
    overflow,
  };
}

/** A text rendering like rtla's: one line per non-empty bucket, then the summary lines. */
export function histogramText(title: string, h: Histogram): string {
  const lines = [`# ${title}`, `# bucket size ${formatTime(h.bucketSize)}`];
  h.buckets.forEach((n, i) => {
    if (n > 0) lines.push(`${formatTime(i * h.bucketSize).padStart(14)} ${String(n).padStart(8)}`);
  });
  if (h.overflow > 0) lines.push(`${'over:'.padStart(14)} ${String(h.overflow).padStart(8)}`);
  const f = (v: number): string => (Number.isNaN(v) ? '-' : formatTime(v));
  lines.push(`count: ${h.count}`, `min: ${f(h.min)}`, `avg: ${f(h.avg)}`, `max: ${f(h.max)}`, `p99: ${f(h.p99)}`);
  return lines.join('\n');
}
