import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores in CI: forks keep native modules (better-sqlite3) isolated per file.
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
