// TypeScript types generated from schemas/ (the engine's policy types, the API's types) must not drift from them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { generateApiTypes } from '../scripts/gen-api-types.js';
import { apiTypesFiles, generateSchemaTypes } from '../scripts/gen-types.js';

it('engine/src/schema.types.ts is what scripts/gen-types.ts generates from the schemas', async () => {
  const committed = readFileSync(
    join(import.meta.dirname, '..', 'engine', 'src', 'schema.types.ts'),
    'utf8',
  );
  expect(committed, 'run `npx tsx scripts/gen-types.ts` after changing a schema').toBe(
    await generateSchemaTypes(),
  );
});

it('the API types of the runtime and the designer are what scripts/gen-types.ts generates from schemas/api*.json', async () => {
  const generated = await generateApiTypes();
  for (const file of apiTypesFiles) {
    expect(readFileSync(file, 'utf8'), `${file}: run \`npx tsx scripts/gen-types.ts\``).toBe(
      generated,
    );
  }
});
