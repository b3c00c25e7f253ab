// The generated OpenAPI document covers the whole API, and /docs serves the UI over it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, call } from './helpers.js';
import { apiRoutes, buildWithRoutes, routeName, type ApiRoute } from './route-list.js';
import type { TestApp } from './helpers.js';

describe.each(backends)('OpenAPI (%s)', (backend) => {
  let t: TestApp;
  let routes: ApiRoute[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the OpenAPI document as JSON
  let doc: any;

  beforeAll(async () => {
    ({ t, routes } = await buildWithRoutes(backend));
    const res = await call(t.app, null, 'GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(() => t.close());

  it('lists every route of the API with its method', () => {
    const documented = apiRoutes(routes).filter((r) => !r.hidden && r.method !== 'HEAD');
    expect(documented.length).toBeGreaterThan(25);
    const missing = documented.filter((r) => {
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      return !doc.paths[path]?.[r.method.toLowerCase()];
    });
    expect(missing.map(routeName)).toEqual([]);
    for (const path of ['/api/users', '/api/me', '/api/templates/{id}', '/api/simulate']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    // Only the document itself is left out of itself.
    expect(
      apiRoutes(routes)
        .filter((r) => r.hidden && r.method === 'GET')
        .map(routeName),
    ).toEqual(['GET /api/openapi.json']);
  });

  it('carries the record reply schema and uses it for record replies', () => {
    const record = doc.components.schemas['api.schema.json-record'];
    expect(Object.keys(record.properties)).toEqual(
      expect.arrayContaining([
        'id',
        'state',
        'ownerId',
        'tags',
        'score',
        'data',
        'timers',
        'availableEvents',
      ]),
    );
    const get = doc.paths['/api/pools/{pool}/records/{id}'].get;
    expect(get.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/api.schema.json-record',
    );
  });

  it('documents the bearer scheme, the user body without hashes, and the Idempotency-Key header', () => {
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.components.schemas['api.schema.json-user'].properties)).not.toContain(
      'passwordHash',
    );
    const events = doc.paths['/api/pools/{pool}/records/{id}/events'].post;
    expect(events.parameters).toContainEqual(
      expect.objectContaining({ in: 'header', name: 'idempotency-key' }),
    );
    const login = doc.paths['/api/auth/login'].post;
    expect(login.parameters ?? []).not.toContainEqual(
      expect.objectContaining({ name: 'idempotency-key' }),
    );
  });

  it('serves the docs UI without a token', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('swagger');
  });
});
