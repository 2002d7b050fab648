import type { Cpu } from '../kernel/cpu';
import { Interrupted } from '../kernel/errors';

/** Steps between yields to the host, and the most host time the shell runs without yielding. */
const STEPS_PER_YIELD = 256;
const MS_PER_YIELD = 4;

const yieldToHost = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The shell's scheduling point, called between commands and in every loop iteration: a paused machine
 * holds the shell here (CPU checkpoint), Ctrl-C ends the work, and a busy loop lets the host's event
 * loop run every few hundred steps or milliseconds (guest code runs on the host's main thread).
 */
export class Pacer {
  private steps = 0;
  private since = performance.now();

  constructor(private readonly cpu: Cpu) {}

  async tick(signal: AbortSignal): Promise<void> {
    await this.cpu.checkpoint(signal);
    if (++this.steps < STEPS_PER_YIELD && performance.now() - this.since < MS_PER_YIELD) return;
    await yieldToHost();
    this.steps = 0;
    this.since = performance.now();
    if (signal.aborted) throw new Interrupted();
  }
}
