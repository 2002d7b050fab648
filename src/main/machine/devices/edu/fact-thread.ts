import type { Worker } from 'node:worker_threads';
import { EduStatus } from '../../../../common/edu/datasheet';
import { FACT_SHARED_BYTES, FactCell, type FactDone } from './fact-shared';

export interface FactThreadEvents {
  /** A computation finished (delivered on the main thread, in order). */
  done(report: FactDone): void;
  /** The worker died unexpectedly. */
  failed(error: Error): void;
}

/**
 * The main-thread side of the factorial thread: owns the worker and the shared cells, and is the only
 * place the main thread touches them.
 */
export class FactThread {
  private readonly cells = new Int32Array(new SharedArrayBuffer(FACT_SHARED_BYTES));
  private worker: Worker | undefined;
  private exited: Promise<void> | undefined;

  constructor(private readonly events: FactThreadEvents) {}

  /** Start the worker and wait until it runs. */
  async start(spawn: (options: { workerData: unknown }) => Worker): Promise<void> {
    const worker = spawn({ workerData: { shared: this.cells.buffer } });
    this.worker = worker;
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (report: FactDone) => this.events.done(report));
    worker.on('error', (error) => this.events.failed(error));
    await new Promise<void>((resolve, reject) => {
      worker.once('online', resolve);
      worker.once('error', reject);
    });
  }

  get status(): number {
    return Atomics.load(this.cells, FactCell.Status) >>> 0;
  }

  get value(): number {
    return Atomics.load(this.cells, FactCell.Value) >>> 0;
  }

  get computing(): boolean {
    return (this.status & EduStatus.Computing) !== 0;
  }

  setIrqFact(on: boolean): void {
    if (on) Atomics.or(this.cells, FactCell.Status, EduStatus.IrqFact);
    else Atomics.and(this.cells, FactCell.Status, ~EduStatus.IrqFact);
  }

  /** Hand `n` to the thread. Returns false (and changes nothing) while a computation is running. */
  submit(n: number): boolean {
    if (this.computing) return false;
    Atomics.store(this.cells, FactCell.Value, n | 0);
    Atomics.or(this.cells, FactCell.Status, EduStatus.Computing);
    this.ring();
    return true;
  }

  set delayMs(ms: number) {
    Atomics.store(this.cells, FactCell.DelayMs, Math.max(0, Math.min(ms, 0x7fffffff)) | 0);
  }
  get delayMs(): number {
    return Atomics.load(this.cells, FactCell.DelayMs);
  }

  /** Power-on values for the registers the thread shares (only while it is idle). */
  clearRegisters(): void {
    Atomics.store(this.cells, FactCell.Value, 0);
    Atomics.and(this.cells, FactCell.Status, ~EduStatus.IrqFact);
  }

  /**
   * Tell the thread to stop, wake it and join it. A computation in progress cannot notice the stop
   * flag (QEMU's thread would finish it first); rather than wait seconds, the worker is terminated.
   */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    // From here on the device is going away: a late report must not act on it.
    worker.removeAllListeners('message');
    worker.removeAllListeners('error');
    worker.on('error', () => {});
    Atomics.store(this.cells, FactCell.Stop, 1);
    this.ring();
    if (this.computing) await worker.terminate();
    await this.exited;
  }

  private ring(): void {
    Atomics.add(this.cells, FactCell.Doorbell, 1);
    Atomics.notify(this.cells, FactCell.Doorbell);
  }
}
