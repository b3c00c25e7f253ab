import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // One copy of the engine in a worker: `@poolflow/engine` is the sources the engine's own tests import,
  // not its dist beside them (two copies would each keep a registry of custom actions and throw their
  // own EngineError class).
  resolve: {
    alias: {
      '@poolflow/engine': fileURLToPath(new URL('engine/src/index.ts', import.meta.url)),
    },
  },
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
    // The test files of one worker share their modules: each file otherwise loaded the server's modules
    // again, compiled PGlite's WebAssembly and every route's schemas again (about 2 s of CPU a file, half
    // the time of a short file; the suite took 15 min 22 s before, 11 min 57 s after: README, Tests).
    // Nothing of a test's state lives in a module: every test builds its own app on its own database;
    // what a file registers in the engine's process-wide registries it takes away again (helpers.ts,
    // customActionForFile), or test/file.setup.ts fails it; the contract record is per file.
    isolate: false,
    setupFiles: ['test/file.setup.ts'],
    // Most of a test file's time is spent waiting on a server process, PostgreSQL or Chromium, so two
    // files run side by side even on two cores (Vitest's default there is one: the suite took twice
    // as long).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // beforeAll builds an app (PGlite start, migrations, scrypt): slow when test files run in parallel.
    hookTimeout: 60_000,
  },
});
