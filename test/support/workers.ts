import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import type { WorkerFactory } from '../../src/main/machine/device-host';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cacheDir = `${root}node_modules/.cache/edu-lab-test-workers`;
const built = new Map<string, string>();

/**
 * The app gets its workers from electron-vite (`?modulePath`), which vitest cannot resolve. Tests
 * bundle the same TypeScript entry with esbuild, once per test process, and start workers from that.
 */
export function workerFromSource(entry: string): WorkerFactory {
  return (options?: WorkerOptions) => {
    let file = built.get(entry);
    if (!file) {
      mkdirSync(cacheDir, { recursive: true });
      file = `${cacheDir}/${entry.replace(/[^\w.-]+/g, '_')}.${process.pid}.mjs`;
      const result = buildSync({ entryPoints: [`${root}${entry}`], bundle: true, platform: 'node', format: 'esm', write: false });
      writeFileSync(file, result.outputFiles[0]!.text);
      built.set(entry, file);
    }
    return new Worker(file, options);
  };
}

export const testWorkers: Record<string, WorkerFactory> = {
  'edu-fact': workerFromSource('src/main/machine/devices/edu/fact-worker.ts'),
};
