// Every GET route of the API refuses a query parameter it does not declare (a misspelt ?limt=5 was ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, call, crmPool, type TestApp } from './helpers.js';
import { apiRoutes, buildWithRoutes, concrete, type ApiRoute } from './route-list.js';

describe.each(backends)('unknown query parameters (%s)', (backend) => {
  let t: TestApp;
  let routes: ApiRoute[];
  let recordId: string;

  beforeAll(async () => {
    ({ t, routes } = await buildWithRoutes(backend));
    const { tokens, ids } = await crmPool(t, { alice: {} });
    const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'ACME' },
      ownerId: ids['alice'],
    });
    recordId = created.body.id as string;
  });
  afterAll(() => t.close());

  it('answers a misspelt parameter on every GET route with a 400 naming it', async () => {
    const gets = apiRoutes(routes).filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThan(25);
    const answers: string[] = [];
    for (const route of gets) {
      const url = concrete(route.url, { id: recordId }).replace(
        '/api/templates/00000000-0000-4000-8000-000000000000',
        '/api/templates/crm-customer-pool',
      );
      const res = await t.app.inject({
        method: 'GET',
        url: `${url}?limt=5`,
        headers: { authorization: `Bearer ${t.adminToken}` },
      });
      // Some routes answer CSV or an empty 304 when they take the request: only errors are read.
      const details =
        res.statusCode === 400
          ? (res.json<{ error: { details: { path: string }[] } }>().error.details ?? [])
          : [];
      answers.push(`${route.url} ${res.statusCode} ${details.map((d) => d.path).join(',')}`);
    }
    expect(answers).toEqual(gets.map((r) => `${r.url} 400 /querystring/limt`));
  });

  it('still answers a declared parameter', async () => {
    const res = await call(t.app, t.adminToken, 'GET', '/api/pools/crm/records?view=all&limit=5');
    expect(res.status).toBe(200);
  });
});
