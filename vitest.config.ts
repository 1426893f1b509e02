import { defineConfig } from 'vitest/config';

// Tests import the packages' built output (dist), the same files worker threads load,
// so `pnpm test` builds first (`tsc -b`) and then runs vitest.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // Two cores: the stress suites start their own worker threads, so never run
    // more than one test file at a time.
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
