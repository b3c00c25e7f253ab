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
    // beforeAll builds an app (PGlite start, migrations, scrypt): slow when test files run in parallel.
    hookTimeout: 60_000,
  },
});
