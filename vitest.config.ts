import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // One migrated PGlite image per run: in-memory test apps start from it (test/pglite-image.setup.ts).
    globalSetup: ['test/pglite-image.setup.ts'],
    // Most of a test file's time is spent waiting on a server process, PostgreSQL or Chromium, so two
    // files run side by side even on two cores (Vitest's default there is one: the suite took twice
    // as long).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // beforeAll builds an app (PGlite start, migrations, scrypt): slow when test files run in parallel.
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        // One copy of the engine in a worker: the runtime's `@poolflow/engine` is the sources the engine's
        // own tests import, not its dist beside them (two copies would each keep a registry of custom
        // actions and throw their own EngineError class).
        resolve: {
          alias: {
            '@poolflow/engine': fileURLToPath(new URL('engine/src/index.ts', import.meta.url)),
          },
        },
        test: {
          name: 'node',
          include: [
            'engine/test/**/*.test.ts',
            'runtime-api/test/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          // The test files of one worker share their modules: each file otherwise loaded the server's
          // modules again, compiled PGlite's WebAssembly and every route's schemas again (about 2 s of
          // CPU a file, half the time of a short file). Nothing of a test's state lives in a module:
          // every test builds its own app on its own database; the contract record is per file
          // (test/contract.setup.ts).
          isolate: false,
          setupFiles: ['test/contract.setup.ts'],
        },
      },
      {
        extends: true,
        // React and jsdom pages: each file in a fresh module graph.
        test: { name: 'designer', include: ['designer/test/**/*.test.ts?(x)'] },
      },
    ],
  },
});
