// The run's migrated PGlite image (test/pglite-image.setup.ts), read once per test file: an in-memory app
// starts from it instead of an empty cluster (DatabaseOptions.image).
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The path of the migrated PGlite image file the global set-up wrote. */
    pgliteImage: string;
    /** A migrated PGlite data folder the global set-up made; servers on fresh storage start from a copy. */
    pgliteDataDir: string;
  }
}

let image: Blob | undefined;

export function memoryImage(): Blob {
  image ??= new Blob([readFileSync(inject('pgliteImage'))]);
  return image;
}
