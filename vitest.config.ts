import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'engine/test/**/*.test.ts',
      'runtime-api/test/**/*.test.ts',
      'test/**/*.test.ts',
      'designer/test/**/*.test.ts?(x)',
    ],
    testTimeout: 60_000,
    // One migrated PGlite image per run: in-memory test apps start from it (test/pglite-image.setup.ts).
    globalSetup: ['test/pglite-image.setup.ts'],
    // Most of a test file's time is spent waiting on a server process, PostgreSQL or Chromium, so two
    // files run side by side even on two cores (Vitest's default there is one: the suite took twice
    // as long).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // beforeAll builds an app (PGlite start, migrations, scrypt): slow when test files run in parallel.
    hookTimeout: 60_000,
  },
});
