// TypeScript types generated from schemas/ (the engine's policy types, the API's types) must not drift from them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { generateApiTypes } from '../scripts/gen-api-types.js';
import { apiTypesPath, engineTypesPath, generateSchemaTypes } from '../scripts/gen-types.js';

it('engine/src/*.types.ts are what scripts/gen-types.ts generates from the schemas', async () => {
  for (const file of await generateSchemaTypes()) {
    const path = engineTypesPath(file.name);
    expect(readFileSync(path, 'utf8'), `${path}: run \`npx tsx scripts/gen-types.ts\``).toBe(
      file.text,
    );
    expect(file.text.split('\n').length, `${file.name} stays under 400 lines`).toBeLessThan(400);
  }
});

it('the API types are what scripts/gen-types.ts generates from schemas/api*.json', async () => {
  const generated = await generateApiTypes();
  const dir = join(import.meta.dirname, '..', 'runtime-api', 'src', 'api-types');
  expect(readdirSync(dir).sort(), 'run `npx tsx scripts/gen-types.ts`').toEqual(
    generated
      .map((f) => f.name)
      .filter((n) => n !== 'api.types.ts')
      .sort(),
  );
  for (const file of generated) {
    const path = apiTypesPath(file.name);
    expect(readFileSync(path, 'utf8'), `${path}: run \`npx tsx scripts/gen-types.ts\``).toBe(
      file.text,
    );
    expect(file.text.split('\n').length, `${file.name} stays under 400 lines`).toBeLessThan(400);
  }
});
