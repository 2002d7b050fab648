import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// Device threads, QEMU processes and timers make some tests wait on real time.
const timeouts = { testTimeout: 30_000, hookTimeout: 30_000 };

export default defineConfig({
  test: {
    projects: [
      {
        // Everything that runs in Node: machine, guest, session, hosts, and the renderer's DOM-free logic.
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/renderer/components/**', 'test/e2e/**', '**/node_modules/**'],
          environment: 'node',
          ...timeouts,
        },
      },
      {
        // Vue components, mounted in jsdom.
        plugins: [vue()],
        test: {
          name: 'dom',
          include: ['test/renderer/components/**/*.test.ts'],
          environment: 'jsdom',
          ...timeouts,
        },
      },
      {
        // The built app in Debian's Chromium against the web host running the real machine.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One Chromium at a time: the machine has two cores and the tests measure what they see.
          fileParallelism: false,
        },
      },
    ],
  },
});
