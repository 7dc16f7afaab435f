import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default on a 2-core machine is one worker; the suite is mostly child processes waiting on
    // each other, so two files at a time roughly halve its wall time. No test depends on wall-clock timing.
    maxWorkers: 2,
  },
});
