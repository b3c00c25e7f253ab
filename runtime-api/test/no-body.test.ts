// Routes that take no fields (claim, claim-next, distribute, logout, ...) refuse a body with fields, naming
// the field, and do nothing; no body, `{}` and `null` still work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations, takesNoBody } from '../src/api-contract.js';
import { backends, call, crmPool, type TestApp } from './helpers.js';
import { apiRoutes, buildWithRoutes, concrete, routeName, type ApiRoute } from './route-list.js';

/** The one mutating route whose body is a file (CSV or NDJSON), not JSON fields. */
const FILE_BODY = ['POST /api/pools/:pool/import'];

const operationOf = (route: ApiRoute) =>
  Object.values(operations).find((op) => op.method === route.method && op.url === route.url);

describe.each(backends)('routes without body fields (%s)', (backend) => {
  let t: TestApp;
  let routes: ApiRoute[];
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  const count = async (table: string, where: Record<string, unknown> = {}) =>
    Number(((await t.app.db(table).where(where).count({ n: '*' }).first()) as { n: unknown }).n);
  const pooledRecord = async (name: string): Promise<string> => {
    const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name },
    });
    expect(created.body.ownerId).toBeNull();
    return created.body.id as string;
  };

  beforeAll(async () => {
    ({ t, routes } = await buildWithRoutes(backend));
    ({ tokens, ids } = await crmPool(t, { alice: {}, bob: {} }));
  });
  afterAll(() => t.close());

  it('refuses claim-next with {"dryRun":true}, naming /body/dryRun, and claims nothing', async () => {
    const id = await pooledRecord('Dry Run Co');
    const history = await count('history', { record_id: id });
    const res = await call(t.app, tokens['bob']!, 'POST', '/api/pools/crm/claim-next', {
      dryRun: true,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'POOL_ERR_INVALID_PAYLOAD',
      message: '/body/dryRun is not a known field',
      details: [
        {
          path: '/body/dryRun',
          message: 'is not a known field',
          code: 'schema',
          params: { additionalProperty: 'dryRun', keyword: 'additionalProperties' },
        },
      ],
    });
    const record = await call(t.app, tokens['alice']!, 'GET', `/api/pools/crm/records/${id}`);
    expect(record.body).toMatchObject({ state: 'pool', ownerId: null });
    expect(await count('history', { record_id: id })).toBe(history);

    // No body, {} and null still claim.
    const claimed = await call(t.app, tokens['bob']!, 'POST', '/api/pools/crm/claim-next');
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ id, ownerId: ids['bob'] });
    for (const body of [{}, null]) {
      const next = await pooledRecord(`Claimed with ${JSON.stringify(body)}`);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/pools/crm/claim-next',
        headers: { authorization: `Bearer ${tokens['bob']}`, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      expect(res.statusCode, JSON.stringify(body)).toBe(200);
      expect(res.json()).toMatchObject({ id: next, ownerId: ids['bob'] });
    }
  });

  it('gives every mutating route a body schema: fields, or none at all', async () => {
    const mutating = apiRoutes(routes).filter((r) => !['GET', 'HEAD'].includes(r.method));
    expect(mutating.length).toBeGreaterThan(25);
    const without = mutating.filter((r) => !operationOf(r)?.body).map(routeName);
    expect(without).toEqual(FILE_BODY);
    const none = mutating.filter((r) => takesNoBody(operationOf(r)!)).map(routeName);
    expect(none.sort()).toEqual(
      [
        'DELETE /api/pools/:pool/members/:userId',
        'POST /api/auth/logout',
        'POST /api/deliveries/:id/retry',
        'POST /api/notifications/read',
        'POST /api/notifications/:id/read',
        'POST /api/pools/:pool/claim-next',
        'POST /api/pools/:pool/distribute',
        'POST /api/pools/:pool/records/:id/claim',
      ].sort(),
    );
    // The OpenAPI document says so: a body of no fields, which may be left out.
    const doc = (await call(t.app, null, 'GET', '/api/openapi.json')).body;
    expect(doc.paths['/api/pools/{pool}/claim-next'].post.requestBody).toEqual({
      required: false,
      content: {
        'application/json': { schema: { $ref: '#/components/schemas/api.schema.json-noBody' } },
      },
    });
    expect(doc.components.schemas['api.schema.json-noBody']).toMatchObject({
      type: ['object', 'null'],
      additionalProperties: false,
    });
  });

  it('refuses a field on every route that takes none, and does nothing', async () => {
    const id = await pooledRecord('Untouched Co');
    const before = {
      members: await count('pool_members', { pool_key: 'crm' }),
      history: await count('history'),
      sessions: await count('sessions'),
      unread: await count('notifications', { read_at: null }),
    };
    const none = apiRoutes(routes).filter((r) => {
      const op = operationOf(r);
      return op !== undefined && takesNoBody(op);
    });
    for (const route of none) {
      // A notification's id is a number (the route checks the id before the body).
      const target = route.url.startsWith('/api/notifications/') ? '1' : id;
      const url = concrete(route.url, { id: target }).replace(':userId', ids['alice']!);
      const res = await call(t.app, t.adminToken, route.method as 'POST' | 'DELETE', url, {
        unexpected: 1,
      });
      expect(res.status, routeName(route)).toBe(400);
      expect(res.body.error.details, routeName(route)).toEqual([
        {
          path: '/body/unexpected',
          message: 'is not a known field',
          code: 'schema',
          params: { additionalProperty: 'unexpected', keyword: 'additionalProperties' },
        },
      ]);
    }
    expect(none).toHaveLength(8);
    // The admin's session was not ended, alice is still a member, the record is still in the pool.
    expect((await call(t.app, t.adminToken, 'GET', '/api/me')).status).toBe(200);
    const record = await call(t.app, tokens['alice']!, 'GET', `/api/pools/crm/records/${id}`);
    expect(record.body).toMatchObject({ state: 'pool', ownerId: null });
    expect({
      members: await count('pool_members', { pool_key: 'crm' }),
      history: await count('history'),
      sessions: await count('sessions'),
      unread: await count('notifications', { read_at: null }),
    }).toEqual(before);
  });
});
