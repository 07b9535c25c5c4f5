import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The Kusto language service takes ~0.4 s to load per worker; property tests run 1,000+ cases.
    testTimeout: 60_000,
  },
});
