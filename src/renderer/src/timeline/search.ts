/**
 * Binary searches over sorted numeric arrays (virtual times, non-decreasing), bounded to [lo, hi).
 * All return absolute positions in the array. `SearchStats`, when passed, counts comparisons so tests
 * can check that a whole-viewport aggregation costs O(columns · log events), not O(events).
 */

export interface SearchStats {
  probes: number;
}

/** First position in [lo, hi) whose value is >= t (hi when none). */
export function lowerBound(a: ArrayLike<number>, t: number, lo = 0, hi = a.length, stats?: SearchStats): number {
  let n = 0;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    n++;
    if (a[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  if (stats) stats.probes += n;
  return lo;
}

/** First position in [lo, hi) whose value is > t (hi when none). */
export function upperBound(a: ArrayLike<number>, t: number, lo = 0, hi = a.length, stats?: SearchStats): number {
  let n = 0;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    n++;
    if (a[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  if (stats) stats.probes += n;
  return lo;
}

/**
 * lowerBound (or upperBound when `strict`) for a target known to lie at or after `from`: gallops from
 * there (1, 2, 4, ... steps) and then bisects, so walking W increasing targets across n values costs
 * O(W · log(n / W)) comparisons instead of O(W · log n).
 */
export function gallopBound(a: ArrayLike<number>, t: number, from: number, hi: number, strict: boolean, stats?: SearchStats): number {
  let lo = from;
  let step = 1;
  let probes = 0;
  // Gallop: find a window [lo, hi) that holds the answer.
  while (lo < hi) {
    const probe = lo + step - 1;
    if (probe >= hi) break;
    probes++;
    const v = a[probe]!;
    if (strict ? v > t : v >= t) {
      hi = probe + 1;
      break;
    }
    lo = probe + 1;
    step *= 2;
  }
  // Bisect it.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    probes++;
    const v = a[mid]!;
    if (strict ? v <= t : v < t) lo = mid + 1;
    else hi = mid;
  }
  if (stats) stats.probes += probes;
  return lo;
}
