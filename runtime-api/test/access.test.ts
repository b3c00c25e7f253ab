// The access module over the whole API: every guarded route needs a token, pool routes need membership,
// manager routes a manager of that pool; masked fields stay hidden from non-owners; records go to members only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, call, crmPool, publishPool, template, type TestApp } from './helpers.js';
import { apiRoutes, buildWithRoutes, concrete, routeName, type ApiRoute } from './route-list.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Pool routes only the pool's managers (and admins) may use; every other pool route is any member's. */
const MANAGER_ROUTES = [
  'GET /api/pools/:pool/export',
  'GET /api/pools/:pool/import-template',
  'GET /api/pools/:pool/stats',
  'GET /api/pools/:pool/stats/reps',
  'PATCH /api/pools/:pool',
  'POST /api/pools/:pool/assign-bulk',
  'POST /api/pools/:pool/release-bulk',
  'POST /api/pools/:pool/distribute',
  'POST /api/pools/:pool/import',
  'POST /api/pools/:pool/records/:id/assign',
  'POST /api/pools/:pool/records/:id/move',
  'GET /api/pools/:pool/routing',
  'POST /api/pools/:pool/routing/test',
  'GET /api/pools/:pool/upgrades',
  'GET /api/pools/:pool/upgrades/:id',
  'GET /api/pools/:pool/audits',
  'POST /api/pools/:pool/audits/:id',
  'GET /api/pools/:pool/integrity',
].sort();

/**
 * Pool routes only admins (and the department's admins) may use: a policy-level act, or who is in the
 * pool. Refused to the pool's managers and its own pool admins too.
 */
const ADMIN_ROUTES = [
  'DELETE /api/pools/:pool/members/:userId',
  'POST /api/pools/:pool/members',
  'POST /api/pools/:pool/upgrade',
  'PUT /api/pools/:pool/routing',
];

function bodyFor(route: ApiRoute, ids: Record<string, string>, id: string): unknown {
  const bodies: Record<string, unknown> = {
    'PATCH /api/pools/:pool': { distribution: 'roundRobin' },
    'POST /api/pools/:pool/records': { data: { name: 'Planted' } },
    'POST /api/pools/:pool/records/:id/events': {
      type: 'FOLLOW_UP',
      payload: { channel: 'call', note: 'checked' },
    },
    'POST /api/pools/:pool/records/:id/assign': { userId: ids['alice'] },
    'POST /api/pools/:pool/assign-bulk': { recordIds: [id], userId: ids['alice'] },
    'POST /api/pools/:pool/release-bulk': { recordIds: [id], reason: 'checked' },
    'POST /api/pools/:pool/records/:id/release': { reason: 'checked' },
    'POST /api/pools/:pool/records/:id/move': { pool: 'crm' },
    'POST /api/pools/:pool/upgrade': { toVersion: 2, dryRun: true },
    'PUT /api/pools/:pool/routing': { rules: [] },
    'POST /api/pools/:pool/routing/test': { data: { name: 'Tried' } },
    'POST /api/pools/:pool/audits/:id': { verdict: 'confirmed' },
    'POST /api/pools/:pool/members': { userId: ids['alice'], capacity: 5 },
  };
  return bodies[routeName(route)] ?? (route.method === 'GET' ? undefined : {});
}

describe.each(backends)('access (%s)', (backend) => {
  let t: TestApp;
  let routes: ApiRoute[];
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  const poolRoutes = () =>
    apiRoutes(routes).filter((r) => r.method !== 'HEAD' && r.url.startsWith('/api/pools/:pool'));
  const count = async (table: string, where: Record<string, unknown> = {}) =>
    Number(((await t.app.db(table).where(where).count({ n: '*' }).first()) as { n: unknown }).n);
  let serial = 0;
  /** A fresh record in `pool` owned by `owner`, created by the admin (the CRM's phones are unique). */
  const recordOf = async (
    owner: string | null,
    pool = 'crm',
    phone = `139${String(++serial).padStart(8, '0')}`,
  ) => {
    const res = await call(t.app, t.adminToken, 'POST', `/api/pools/${pool}/records`, {
      data: { name: `Co ${Math.random()}`, phone },
      ownerId: owner,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    ({ t, routes } = await buildWithRoutes(backend));
    ({ tokens, ids } = await crmPool(t, {
      alice: {},
      bob: {},
      boss: { roles: ['manager'] },
      carol: {},
      outsider: {},
      otherBoss: { roles: ['manager'] },
    }));
    // The crm pool: alice, bob (members), boss (manager), carol (the pool's own admin); outsider and
    // otherBoss are not members. otherBoss manages the pool "other".
    await t.app.db('pool_members').where({ pool_key: 'crm', user_id: ids['carol'] }).update({
      role: 'admin',
    });
    await t.app
      .db('pool_members')
      .where({ pool_key: 'crm' })
      .whereIn('user_id', [ids['outsider']!, ids['otherBoss']!])
      .delete();
    const other = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'other',
      name: { en: 'Other' },
      policyId: 'crm-customer-pool',
      members: [{ userId: ids['otherBoss'] }, { userId: ids['bob'] }],
    });
    expect(other.status).toBe(201);
    // Pool roles are read with the session: log in again after the membership changes.
    for (const name of ['carol', 'outsider', 'otherBoss']) {
      const res = await call(t.app, null, 'POST', '/api/auth/login', {
        username: name,
        password: `${name}-password`,
      });
      tokens[name] = res.body.token as string;
    }
  });
  afterAll(() => t.close());

  it('answers 401 on every guarded /api route without a token', async () => {
    const guarded = apiRoutes(routes).filter((r) => !r.public);
    expect(guarded.length).toBeGreaterThan(30);
    for (const route of guarded) {
      const res = await t.app.inject({
        method: route.method as Method,
        url: concrete(route.url),
        ...(route.method === 'GET' || route.method === 'HEAD' ? {} : { payload: {} }),
      });
      expect(res.statusCode, routeName(route)).toBe(401);
    }
  });

  it('answers 403 to a non-member on every pool route, 404 for a pool that does not exist', async () => {
    const records = await count('records');
    const id = await recordOf(ids['alice']!);
    for (const route of poolRoutes()) {
      for (const name of ['outsider', 'otherBoss']) {
        const res = await call(
          t.app,
          tokens[name]!,
          route.method as Method,
          concrete(route.url, { id }),
          bodyFor(route, ids, id),
        );
        expect(res.status, `${name}: ${routeName(route)}`).toBe(403);
      }
      const missing = await call(
        t.app,
        tokens['outsider']!,
        route.method as Method,
        concrete(route.url, { pool: 'no-such-pool', id }),
        bodyFor(route, ids, id),
      );
      expect(missing.status, routeName(route)).toBe(404);
    }
    expect(await count('records')).toBe(records + 1);
  });

  it("refuses a member exactly the pool's manager routes, and lets its managers and pool admins in", async () => {
    const refused = async (name: string): Promise<string[]> => {
      const out: string[] = [];
      for (const route of poolRoutes()) {
        // A record the caller owns: owners act on their own records, so only the route's level counts.
        const id = await recordOf(ids[name === 'boss' || name === 'carol' ? 'alice' : name]!);
        const body = bodyFor(route, ids, id);
        // Not every reply is JSON (export is CSV): the status is what counts here.
        const res = await t.app.inject({
          method: route.method as Method,
          url: concrete(route.url, { id }),
          headers: { authorization: `Bearer ${tokens[name]}` },
          ...(body === undefined ? {} : { payload: body as object }),
        });
        expect(res.statusCode, `${name}: ${routeName(route)} ${res.body}`).toBeLessThan(500);
        if (res.statusCode === 403) out.push(routeName(route));
      }
      return out.sort();
    };
    expect(await refused('alice')).toEqual([...MANAGER_ROUTES, ...ADMIN_ROUTES].sort());
    expect(await refused('boss')).toEqual(ADMIN_ROUTES);
    expect(await refused('carol')).toEqual(ADMIN_ROUTES);
  });

  it('hides masked fields from every member who does not own the record; owner, managers and pool admins see them', async () => {
    const owned = await recordOf(ids['alice']!, 'crm', '13800000000');
    const pooled = await recordOf(null, 'crm', '13800000001');
    const phoneOf = async (name: string, id: string) => {
      const res = await call(t.app, tokens[name]!, 'GET', `/api/pools/crm/records/${id}`);
      expect(res.status).toBe(200);
      return res.body.data.phone as string;
    };
    expect(await phoneOf('bob', owned)).toBe('***');
    expect(await phoneOf('bob', pooled)).toBe('***');
    for (const name of ['alice', 'boss', 'carol'])
      expect(await phoneOf(name, owned)).toBe('13800000000');
    const reply = await call(t.app, tokens['bob']!, 'GET', `/api/pools/crm/records/${owned}`);
    expect(reply.body.masked).toEqual(['phone']);

    // Lists: the pool view for a member, the full view for a pool admin.
    const list = await call(t.app, tokens['bob']!, 'GET', '/api/pools/crm/records?view=pool');
    const item = list.body.items.find((r: { id: string }) => r.id === pooled);
    expect(item.data.phone).toBe('***');
    // Searched by name: earlier tests filled the pool past the first page.
    const name = (await call(t.app, t.adminToken, 'GET', `/api/pools/crm/records/${owned}`)).body
      .data.name as string;
    const all = await call(
      t.app,
      tokens['carol']!,
      'GET',
      `/api/pools/crm/records?view=all&q=${encodeURIComponent(name)}`,
    );
    expect(all.body.items.find((r: { id: string }) => r.id === owned).data.phone).toBe(
      '13800000000',
    );

    // Once bob claims the pooled record he owns it and sees it whole; alice, no longer in it, does not.
    await call(t.app, tokens['bob']!, 'POST', `/api/pools/crm/records/${pooled}/claim`);
    expect(await phoneOf('bob', pooled)).toBe('13800000001');
    expect(await phoneOf('alice', pooled)).toBe('***');
  });

  it('hides a masked field carried in an event payload from the history of non-owners', async () => {
    const policy = template('crm-customer-pool') as {
      id: string;
      events: Record<string, unknown>;
      machine: { states: Record<string, { on: Record<string, unknown> }> };
      entity: { uniqueFields?: string[] };
    };
    policy.id = 'crm-phone';
    // A `set` action may not write a unique field: this policy checks names only.
    policy.entity.uniqueFields = ['name'];
    policy.events['UPDATE_PHONE'] = {
      payload: { type: 'object', properties: { phone: { type: 'string' } } },
    };
    policy.machine.states['owned']!.on['UPDATE_PHONE'] = {
      actions: [
        { type: 'set', params: { field: 'entity.phone', value: { var: 'event.payload.phone' } } },
      ],
    };
    await publishPool(t, policy, 'phones', [ids['alice']!, ids['bob']!]);
    for (const name of ['alice', 'bob'])
      tokens[name] = (
        await call(t.app, null, 'POST', '/api/auth/login', {
          username: name,
          password: `${name}-password`,
        })
      ).body.token as string;
    const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/phones/records', {
      data: { name: 'Phone Co' },
      ownerId: ids['alice'],
    });
    const url = `/api/pools/phones/records/${created.body.id}`;
    const sent = await call(t.app, tokens['alice']!, 'POST', `${url}/events`, {
      type: 'UPDATE_PHONE',
      payload: { phone: '13912345678' },
    });
    expect(sent.body.data.phone).toBe('13912345678');
    const payloadOf = async (name: string) =>
      (await call(t.app, tokens[name]!, 'GET', `${url}/history`)).body.items.find(
        (h: { event: string }) => h.event === 'UPDATE_PHONE',
      ).payload as { phone: string };
    expect(await payloadOf('alice')).toEqual({ phone: '13912345678' });
    expect(await payloadOf('bob')).toEqual({ phone: '***' });
    expect((await call(t.app, tokens['bob']!, 'GET', url)).body.data.phone).toBe('***');
  });

  it('gives records only to members of their pool, naming the field, and writes nothing otherwise', async () => {
    const pooled = await recordOf(null);
    const before = {
      records: await count('records'),
      history: await count('history', { record_id: pooled }),
    };
    // Each refusal names the field, and says who is not a member of which pool (code and params),
    // so a client words it in its own language.
    const expectRefused = (
      res: { status: number; body: { error: { code: string; details: { path: string }[] } } },
      path: string,
      user: string | undefined,
    ) => {
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
      expect(res.body.error.details).toEqual([
        {
          path,
          message: `user ${user} is not a member of pool crm`,
          code: 'not-member',
          params: { user, pool: 'crm' },
        },
      ]);
    };
    expectRefused(
      await call(t.app, tokens['boss']!, 'POST', `/api/pools/crm/records/${pooled}/assign`, {
        userId: ids['outsider'],
      }),
      '/body/userId',
      ids['outsider'],
    );
    expectRefused(
      await call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/assign-bulk', {
        recordIds: [pooled],
        userId: ids['otherBoss'],
      }),
      '/body/userId',
      ids['otherBoss'],
    );
    expectRefused(
      await call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/records', {
        data: { name: 'Outside Co' },
        ownerId: ids['outsider'],
      }),
      '/body/ownerId',
      ids['outsider'],
    );
    expectRefused(
      await call(t.app, tokens['boss']!, 'POST', `/api/pools/crm/records/${pooled}/events`, {
        type: 'ASSIGN',
        payload: { userId: ids['outsider'] },
      }),
      '/body/payload/userId',
      ids['outsider'],
    );
    const imported = await t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/import',
      headers: { authorization: `Bearer ${tokens['boss']}`, 'content-type': 'text/csv' },
      payload: `name,ownerId\nInside Co,${ids['bob']}\nOutside Co,${ids['outsider']}\n`,
    });
    expect(imported.json()).toMatchObject({
      rows: 2,
      imported: 1,
      failed: 1,
      errors: [{ line: 3, path: '/ownerId' }],
    });
    expect(imported.json().errors[0].message).toContain('not a member of pool crm');
    expect(await count('records')).toBe(before.records + 1);
    expect(await count('history', { record_id: pooled })).toBe(before.history);
    expect(
      (await t.app.db('records').where({ id: pooled }).first('owner_id'))?.owner_id,
    ).toBeNull();
  });

  it("runs distribution only for the pool in the URL, not another manager's pool", async () => {
    for (const key of ['crm', 'other']) {
      const res = await call(t.app, t.adminToken, 'PATCH', `/api/pools/${key}`, {
        distribution: 'roundRobin',
      });
      expect(res.status).toBe(200);
    }
    const mine = await recordOf(null, 'crm');
    const theirs = await recordOf(null, 'other');
    const res = await call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/distribute');
    expect(res.status).toBe(200);
    expect(res.body.assigned).toBeGreaterThan(0);
    const owner = async (id: string) =>
      ((await t.app.db('records').where({ id }).first('owner_id')) as { owner_id: string | null })
        .owner_id;
    expect(await owner(mine)).not.toBeNull();
    expect(await owner(theirs)).toBeNull();
    const other = await call(t.app, tokens['otherBoss']!, 'POST', '/api/pools/other/distribute');
    expect(other.body.assigned).toBe(1);
    expect([ids['bob'], ids['otherBoss']]).toContain(await owner(theirs));
  });

  it('lists in availableEvents only the events the caller may send to the record', async () => {
    const owned = await recordOf(ids['alice']!);
    const events = async (name: string, id: string) =>
      (await call(t.app, tokens[name]!, 'GET', `/api/pools/crm/records/${id}`)).body
        .availableEvents as string[];
    expect(await events('alice', owned)).toEqual([
      'FOLLOW_UP',
      'RELEASE',
      'NURTURE',
      'WIN',
      'LOSE',
    ]);
    expect(await events('bob', owned)).toEqual([]);
    expect(await events('boss', owned)).toContain('ASSIGN');
    // Bob is told nothing he would be refused: each of alice's events is a 403 for him.
    const follow = await call(
      t.app,
      tokens['bob']!,
      'POST',
      `/api/pools/crm/records/${owned}/events`,
      {
        type: 'FOLLOW_UP',
        payload: { channel: 'visit', note: 'dropped by their office' },
      },
    );
    expect(follow.status).toBe(403);
    const pooled = await recordOf(null);
    expect(await events('bob', pooled)).toEqual(['CLAIM']);
    expect((await events('boss', pooled)).sort()).toEqual(['ASSIGN', 'CLAIM']);
  });
});
