import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The Kusto language service takes ~0.4 s to load per worker; property tests run 1,000+ cases.
    testTimeout: 60_000,
    // Tests never read or write the user's cache of KQL analyses (generators/kql/kql-analysis-cache.ts).
    env: { DETC_NO_CACHE: '1' },
  },
});
