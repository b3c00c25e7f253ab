// The engine's TypeScript types are generated from schemas/*.schema.json and must not drift from them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { generateSchemaTypes } from '../scripts/gen-types.js';

it('engine/src/schema.types.ts is what scripts/gen-types.ts generates from the schemas', async () => {
  const committed = readFileSync(
    join(import.meta.dirname, '..', 'engine', 'src', 'schema.types.ts'),
    'utf8',
  );
  expect(committed, 'run `npx tsx scripts/gen-types.ts` after changing a schema').toBe(
    await generateSchemaTypes(),
  );
});
