import type { Worker, WorkerOptions } from 'node:worker_threads';
import type { TimerQueue } from './clock/timer-queue';
import type { VirtualClock } from './clock/virtual-clock';
import type { DeviceLog } from './device-log';
import type { Tracer } from './trace';

/**
 * Starts a device thread's worker. The app passes one built by electron-vite (`?modulePath`);
 * tests pass one that runs the TypeScript source.
 */
export type WorkerFactory = (options?: WorkerOptions) => Worker;

/** The machine services a device is realized with. */
export interface DeviceHost {
  readonly clock: VirtualClock;
  readonly timers: TimerQueue;
  readonly trace: Tracer;
  readonly log: DeviceLog;
  /** Stop the machine on a device's fatal error, as QEMU's hw_error() aborts. */
  hwError(message: string): void;
  /** Starts the worker for a named device thread (e.g. 'edu-fact'). */
  spawnWorker(thread: string, options?: WorkerOptions): Worker;
}
