// Access control over the whole API: no token or a bad one is 401, a member on admin routes and an
// outsider on a pool's routes are 403, and a refused request writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, call, crmPool, template, type TestApp } from './helpers.js';
import { apiRoutes, buildWithRoutes, concrete, routeName, type ApiRoute } from './route-list.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Valid bodies, so a refusal can only come from the access check and not from validation. */
function validBody(route: ApiRoute, ids: Record<string, string>): unknown {
  const crm = template('crm-customer-pool');
  const bodies: Record<string, unknown> = {
    'POST /api/users': { username: 'mallory', password: 'mallory-password', roles: ['admin'] },
    'PATCH /api/users/:id': { disabled: true },
    'POST /api/policies': { document: { ...crm, id: 'evil-policy' } },
    'PUT /api/policies/:id/draft': { document: crm },
    'POST /api/policies/validate': { document: crm },
    'POST /api/pools': { key: 'evil', name: { en: 'Evil' }, policyId: 'crm-customer-pool' },
    'PATCH /api/pools/:pool': { distribution: 'roundRobin' },
    'POST /api/clock/advance': { days: 40 },
    'POST /api/pools/:pool/records': { data: { name: 'Planted' } },
    'POST /api/pools/:pool/records/:id/events': {
      type: 'FOLLOW_UP',
      payload: { channel: 'call', note: 'sneaky' },
    },
    'POST /api/pools/:pool/records/:id/assign': { userId: ids['alice'] },
    'POST /api/pools/:pool/records/:id/release': { reason: 'sneaky' },
  };
  return bodies[routeName(route)] ?? (route.method === 'GET' ? undefined : {});
}

describe.each(backends)('security (%s)', (backend) => {
  let t: TestApp;
  let routes: ApiRoute[];
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  let recordId: string;

  /** Row counts of every table a refused request might write, and the clock. */
  const snapshot = async () => {
    const counts: Record<string, unknown> = {};
    for (const table of ['users', 'policies', 'policy_versions', 'pools', 'pool_members']) {
      counts[table] = ((await t.app.db(table).count({ n: '*' }).first()) as { n: unknown }).n;
    }
    for (const table of ['records', 'history', 'timers', 'claims', 'idempotency']) {
      counts[table] = ((await t.app.db(table).count({ n: '*' }).first()) as { n: unknown }).n;
    }
    counts['clock'] = await t.app.clock.now(t.app.db);
    counts['pool'] = await t.app.db('pools').where({ key: 'crm' }).first();
    counts['record'] = await t.app.db('records').where({ id: recordId }).first('seq', 'owner_id');
    return counts;
  };

  beforeAll(async () => {
    ({ t, routes } = await buildWithRoutes(backend));
    ({ tokens, ids } = await crmPool(t, { alice: {}, bob: {} }));
    await t.app.auth.createUser({ username: 'outsider', password: 'outsider-password' });
    const login = await call(t.app, null, 'POST', '/api/auth/login', {
      username: 'outsider',
      password: 'outsider-password',
    });
    tokens['outsider'] = login.body.token as string;
    const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'ACME' },
      ownerId: ids['alice'],
    });
    recordId = created.body.id as string;
  });
  afterAll(() => t.close());

  it('has exactly two public /api routes: login and the OpenAPI document', () => {
    const open = apiRoutes(routes).filter((r) => r.public && r.method !== 'HEAD');
    expect(open.map(routeName).sort()).toEqual(['GET /api/openapi.json', 'POST /api/auth/login']);
  });

  it('answers 401 to every other /api route without a token, with a wrong one, or an expired one', async () => {
    const expired = 'expired-token-for-tests';
    await t.app.db('sessions').insert({
      token_hash: t.app.auth.tokenHash(expired),
      user_id: ids['alice'],
      expires_at: new Date(Date.now() - 1000),
    });
    const before = await snapshot();
    const guarded = apiRoutes(routes).filter((r) => !r.public);
    expect(guarded.length).toBeGreaterThan(30);
    for (const route of guarded) {
      for (const authorization of [
        undefined,
        'Bearer not-a-token',
        `Basic ${Buffer.from('admin:x').toString('base64')}`,
        `Bearer ${expired}`,
      ]) {
        const res = await t.app.inject({
          method: route.method as Method,
          url: concrete(route.url, { id: recordId }),
          headers: authorization ? { authorization } : {},
          ...(route.method === 'GET' || route.method === 'HEAD' ? {} : { payload: {} }),
        });
        const what = `${routeName(route)} with ${authorization ?? 'no token'}`;
        expect(res.statusCode, what).toBe(401);
        if (route.method !== 'HEAD') {
          expect(res.json().error.code, what).toBe('POOL_ERR_UNAUTHENTICATED');
        }
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('answers 401 to every guarded route reached through a percent-encoded path, and writes nothing', async () => {
    // The router decodes the path before matching: `/%61pi/users` is GET /api/users.
    const encodings = [
      (url: string) => url.replace('/api/', '/%61pi/'),
      (url: string) => url.replace('/api/', '/%61%70%69/'),
      (url: string) =>
        url.replace(/\/api\/(\w)/, (_m, c: string) => `/api/%${c.charCodeAt(0).toString(16)}`),
    ];
    const before = await snapshot();
    const guarded = apiRoutes(routes).filter((r) => !r.public && r.method !== 'HEAD');
    for (const route of guarded) {
      for (const encode of encodings) {
        const url = encode(concrete(route.url, { id: recordId }));
        const res = await t.app.inject({
          method: route.method as Method,
          url,
          ...(route.method === 'GET' ? {} : { payload: {} }),
        });
        const what = `${route.method} ${url}`;
        expect(res.statusCode, what).toBe(401);
        expect(res.json().error.code, what).toBe('POOL_ERR_UNAUTHENTICATED');
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('answers 403 to a member on admin routes, and writes nothing', async () => {
    const adminOnly = apiRoutes(routes).filter(
      (r) =>
        r.method !== 'HEAD' &&
        (r.url.startsWith('/api/policies') ||
          r.url.startsWith('/api/users') ||
          ['POST /api/pools', 'PATCH /api/pools/:pool', 'POST /api/clock/advance'].includes(
            routeName(r),
          )),
    );
    expect(adminOnly.length).toBe(14);
    const before = await snapshot();
    for (const route of adminOnly) {
      const res = await call(
        t.app,
        tokens['alice']!,
        route.method as Method,
        concrete(route.url, { id: 'crm-customer-pool' }),
        validBody(route, ids),
      );
      expect(res.status, routeName(route)).toBe(403);
      expect(res.body.error.code, routeName(route)).toBe('POOL_ERR_FORBIDDEN');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('answers 403 to a non-member on every route of the pool, and writes nothing', async () => {
    const poolRoutes = apiRoutes(routes).filter(
      (r) => r.method !== 'HEAD' && r.url.startsWith('/api/pools/:pool'),
    );
    expect(poolRoutes.length).toBeGreaterThanOrEqual(11);
    const before = await snapshot();
    for (const route of poolRoutes) {
      const res = await call(
        t.app,
        tokens['outsider']!,
        route.method as Method,
        concrete(route.url, { id: recordId }),
        validBody(route, ids),
      );
      expect(res.status, routeName(route)).toBe(403);
      expect(res.body.error.code, routeName(route)).toBe('POOL_ERR_FORBIDDEN');
    }
    const pools = await call(t.app, tokens['outsider']!, 'GET', '/api/pools');
    expect(pools.body.items).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('lets a member act only on records they own (other than claiming)', async () => {
    const before = await snapshot();
    const events = await call(
      t.app,
      tokens['bob']!,
      'POST',
      `/api/pools/crm/records/${recordId}/events`,
      { type: 'FOLLOW_UP', payload: { channel: 'call', note: 'not mine' } },
    );
    expect(events.status).toBe(403);
    const assign = await call(
      t.app,
      tokens['bob']!,
      'POST',
      `/api/pools/crm/records/${recordId}/assign`,
      {
        userId: ids['bob'],
      },
    );
    expect(assign.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('sends security headers on the designer, the API, the docs and error replies', async () => {
    const replies = {
      designer: await t.app.inject({ method: 'GET', url: '/' }),
      api: await t.app.inject({
        method: 'GET',
        url: '/api/me',
        headers: { authorization: `Bearer ${tokens['alice']}` },
      }),
      docs: await t.app.inject({ method: 'GET', url: '/docs' }),
      unauthenticated: await t.app.inject({ method: 'GET', url: '/api/me' }),
      badBody: await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'alice' },
      }),
      notFound: await t.app.inject({ method: 'GET', url: '/api/no-such-route' }),
    };
    expect(Object.values(replies).map((r) => r.statusCode)).toEqual([200, 200, 200, 401, 400, 404]);
    for (const [name, reply] of Object.entries(replies)) {
      expect(reply.headers, name).toMatchObject({
        'x-frame-options': 'DENY',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      const csp = String(reply.headers['content-security-policy']);
      expect(csp, name).toContain("default-src 'self'");
      expect(csp, name).toContain("script-src 'self'");
      expect(csp, name).toContain("frame-ancestors 'none'");
      // No inline script anywhere; only the designer may eval (Ajv compiles its JSON Schemas).
      expect(csp, name).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(/script-src[^;]*unsafe-eval/.test(csp), name).toBe(name === 'designer');
    }
  });
});
