// Templates over HTTP: the gallery lists the repository's templates; one template carries its scenarios.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templatesRoot } from '../src/routes/templates/index.js';
import { backends, build, call, login, type TestApp } from './helpers.js';

const root = join(import.meta.dirname, '..', '..', 'templates');
const ids = readdirSync(root)
  .filter((d) => existsSync(join(root, d, 'policy.json')))
  .sort();
const readJson = (...parts: string[]) =>
  JSON.parse(readFileSync(join(root, ...parts), 'utf8')) as Record<string, unknown>;
const scenarioFiles = (id: string) =>
  readdirSync(join(root, id, 'scenarios'))
    .filter((f) => f.endsWith('.json'))
    .sort();

describe.each(backends)('templates (%s)', (backend) => {
  let t: TestApp;
  let member: string;

  beforeAll(async () => {
    t = await build(backend);
    await t.app.auth.createUser({ username: 'rep', password: 'rep-password', roles: ['member'] });
    member = await login(t.app, 'rep', 'rep-password');
  });
  afterAll(() => t.close());

  it('lists every template with its name, state count and scenario names, to any user', async () => {
    expect(ids).toEqual(['crm-customer-pool', 'hr-candidate-pool', 'service-ticket-pool']);
    const list = await call(t.app, member, 'GET', '/api/templates');
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual(ids);
    for (const item of list.body.items) {
      const policy = readJson(item.id, 'policy.json') as {
        name: unknown;
        description: unknown;
        machine: { states: Record<string, unknown> };
      };
      expect(item.name).toEqual(policy.name);
      expect(item.description).toEqual(policy.description);
      expect(item.stateCount).toBe(Object.keys(policy.machine.states).length);
      expect(item.scenarios).toEqual(
        scenarioFiles(item.id).map((f) => ({
          id: f.replace(/\.json$/, ''),
          name: readJson(item.id, 'scenarios', f)['name'],
        })),
      );
      expect(item).not.toHaveProperty('document');
    }
  });

  it('returns one template: the policy document as on disk, plus its scenarios', async () => {
    const res = await call(t.app, member, 'GET', '/api/templates/crm-customer-pool');
    expect(res.status).toBe(200);
    expect(res.body.document).toEqual(readJson('crm-customer-pool', 'policy.json'));
    const files = scenarioFiles('crm-customer-pool');
    expect(res.body.scenarios).toHaveLength(files.length);
    expect(res.body.scenarios[0]).toEqual({
      id: files[0]!.replace(/\.json$/, ''),
      name: readJson('crm-customer-pool', 'scenarios', files[0]!)['name'],
      scenario: readJson('crm-customer-pool', 'scenarios', files[0]!),
    });
  });

  it('answers 404 for an unknown template and 400 for a path-like id', async () => {
    const unknown = await call(t.app, member, 'GET', '/api/templates/no-such-pool');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('POOL_ERR_NOT_FOUND');
    const sneaky = await call(t.app, member, 'GET', '/api/templates/..%2F..%2Fpackage.json');
    expect(sneaky.status).toBe(400);
    expect(sneaky.body.error.details[0].path).toBe('/params/id');
  });
});

describe('templates folder', () => {
  it('is the repository templates/ folder', () => {
    expect(templatesRoot).toBe(root);
  });

  // The compiled module sits at the same depth under dist/, so it finds the same folder.
  const dist = join(import.meta.dirname, '..', 'dist', 'routes', 'templates', 'index.js');
  it.skipIf(!existsSync(dist))('is found from the built dist/ too', async () => {
    const built = (await import(pathToFileURL(dist).href)) as { templatesRoot: string };
    expect(built.templatesRoot).toBe(root);
  });
});
