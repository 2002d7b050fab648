/** The host's monotonic clock, in nanoseconds (a float with sub-microsecond resolution). */
export interface HostClock {
  nowNs(): number;
}

export const monotonicHostClock: HostClock = {
  nowNs: () => performance.now() * 1e6,
};
