import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { WorkerFactory } from '../machine/device-host';
import factWorkerPath from '../machine/devices/edu/fact-worker?modulePath';

/**
 * Device-thread workers as electron-vite builds them: each worker is its own chunk next to the main
 * bundle. Only the built app imports this module; tests start the same sources another way.
 */
export const builtWorkers: Readonly<Record<string, WorkerFactory>> = {
  'edu-fact': (options?: WorkerOptions) => new Worker(factWorkerPath, options),
};
