import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: the built renderer in Debian's Chromium over browser mode. One file
 * at a time, since each starts its own server and browser on a 2-core machine.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
