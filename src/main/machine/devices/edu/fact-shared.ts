/**
 * What the edu device's main-thread side and its factorial thread share: one SharedArrayBuffer of
 * 32-bit cells, accessed only with Atomics. The status and factorial registers live here because both
 * threads touch them, as QEMU keeps `status` atomic and `fact` under the thread mutex.
 */
export const FactCell = {
  /** The status register: COMPUTING (0x01) and IRQFACT (0x80). */
  Status: 0,
  /** The factorial register: n while computing, then n! mod 2^32. */
  Value: 1,
  /** Nonzero once the device is being torn down. */
  Stop: 2,
  /** Bumped to wake the thread; it sleeps in Atomics.wait on this cell. */
  Doorbell: 3,
  /** Teaching knob: upper bound of a random delay (ms) before each computation; 0 = none. */
  DelayMs: 4,
} as const;

export const FACT_SHARED_BYTES = 8 * Int32Array.BYTES_PER_ELEMENT;

/** The thread's report of one finished computation. */
export interface FactDone {
  readonly n: number;
  readonly result: number;
  /** IRQFACT was set when the thread looked, right after clearing COMPUTING. */
  readonly irq: boolean;
}

/**
 * n! in 32-bit wrapping arithmetic, one multiplication per step from n down to 1, with no shortcut:
 * 0xffffffff really performs 4,294,967,295 multiplications. The counter is kept as an int32 whose bit
 * pattern is the unsigned counter, so the loop stays in machine integers.
 */
export function factorial(n: number): number {
  let result = 1;
  for (let i = n | 0; i !== 0; i = (i - 1) | 0) result = Math.imul(result, i);
  return result >>> 0;
}
