import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Device threads, QEMU processes and timers make some tests wait on real time.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
