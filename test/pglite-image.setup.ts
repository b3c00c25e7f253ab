// Vitest's global set-up: one migrated, empty PGlite image per test run, written to a temporary file whose
// path the tests read with inject('pgliteImage'). Each in-memory app then starts from it instead of running
// initdb (about 2.5 s of WASM per database, the most of a PGlite test app's start). The migrations still
// run at each start, and run from scratch here, once per run.
// It also makes one migrated PGlite data folder (inject('pgliteDataDir')): a real server a test starts on
// fresh PGlite storage starts from a copy of it (server-process.ts, serverStorage) instead of running
// initdb and every migration in its own process (about 3.5 s of the server's 6.5 s first start).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase, pgliteImage } from '../runtime-api/src/db/connect.js';
// Its `ProvidedContext` declares the image's key.
import type {} from '../runtime-api/test/memory-image.js';

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'poolflow-image-'));
  const file = join(dir, 'pglite-image.tar');
  writeFileSync(file, Buffer.from(await (await pgliteImage()).arrayBuffer()));
  project.provide('pgliteImage', file);
  // The product's own first start of a data folder (initdb, migrations), then closed: nothing holds it.
  const dataDir = join(dir, 'pglite-data');
  await (await openDatabase({ dataDir })).close();
  project.provide('pgliteDataDir', dataDir);
  return () => rmSync(dir, { recursive: true, force: true });
}
