import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // The Kusto language service takes ~0.4 s to load per worker; property tests run 1,000+ cases.
    testTimeout: 60_000,
    // Tests never read or write the user's caches (generators/cache-dir.ts): a test that uses one names its own folder.
    env: { DETC_NO_CACHE: '1' },
  },
});
