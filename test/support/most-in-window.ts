/** The most of `times` (ms, ascending) that fall in any window of `windowMs`. */
export function mostInWindow(times: readonly number[], windowMs = 1000): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
