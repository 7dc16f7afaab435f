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
    // Each worker runs its files one after another in one process instead of a fresh process per file: starting a
    // process and importing vitest and the modules again took ~1.2 s a file (178 files). Tests that set an
    // environment variable restore it; none mocks a module. The whole suite measured 576 s → 507 s.
    isolate: false,
  },
});
