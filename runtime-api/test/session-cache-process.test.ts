// Each server caches sessions for a few seconds, so a request costs no session query; a change made on
// another server (logout, a member removed from a pool, a user disabled) must still reach it at once,
// through the triggers' NOTIFY. Two real servers on one PostgreSQL schema; PGlite has one process.
import { afterEach, describe, expect, it } from 'vitest';
import { apiCall, freePort, ServerProcess, serverStorage } from './server-process.js';

const url = process.env['DATABASE_URL'];
/** What "at once" allows for a notice to cross from one server to the other (well under the cache's 5 s). */
const NOTICE_MS = 1000;

const tinyPolicy = {
  id: 'tiny-pool',
  version: 1,
  name: { en: 'Tiny pool' },
  entity: { schema: { type: 'object', properties: { name: { type: 'string' } } } },
  events: { RELEASE: {} },
  machine: {
    id: 'tiny',
    initial: 'pool',
    states: {
      pool: { meta: { pooled: true }, on: { CLAIM: 'owned' } },
      owned: { on: { RELEASE: 'pool' } },
    },
  },
};

const status = apiCall;

/** How long until `path` on `base` answers `expected` (polled; gives up after 5 s, the cache's life). */
async function msUntil(base: string, token: string, path: string, expected: number) {
  const started = Date.now();
  while (Date.now() - started < 5000) {
    if ((await status(base, token, 'GET', path)).status === expected) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Infinity;
}

describe.skipIf(!url)('session cache across servers (PostgreSQL only)', () => {
  const servers: ServerProcess[] = [];
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    servers.length = 0;
    await cleanup?.();
    cleanup = undefined;
  });

  it('ends a session, a pool membership and a disabled user on the other server at once', async () => {
    const storage = await serverStorage('postgres');
    cleanup = storage.cleanup;
    const a = new ServerProcess(await freePort(), storage.env);
    servers.push(a);
    await a.started();
    const b = new ServerProcess(await freePort(), storage.env);
    servers.push(b);
    await b.started();
    const admin = await a.login();
    expect(
      (await status(a.base, admin, 'POST', '/api/policies', { document: tinyPolicy })).status,
    ).toBe(201);
    expect(
      (await status(a.base, admin, 'POST', '/api/policies/tiny-pool/publish', {})).status,
    ).toBe(200);
    const users: Record<string, string> = {};
    for (const name of ['ann', 'ben', 'cid']) {
      const created = await status(a.base, admin, 'POST', '/api/users', {
        username: name,
        password: `${name}-password-123`,
        displayName: name,
        roles: ['member'],
      });
      expect(created.status).toBe(201);
      users[name] = created.body.id as string;
    }
    const pool = await status(a.base, admin, 'POST', '/api/pools', {
      key: 'tiny',
      name: { en: 'Tiny' },
      policyId: 'tiny-pool',
      members: Object.values(users).map((userId) => ({ userId })),
    });
    expect(pool.status).toBe(201);
    const token = async (name: string) => a.login(name, `${name}-password-123`);
    const [ann, ben, cid] = [await token('ann'), await token('ben'), await token('cid')];
    // A has them all cached now.
    for (const t of [ann, ben, cid])
      expect((await status(a.base, t, 'GET', '/api/pools/tiny/records')).status).toBe(200);

    // Ann logs out on B: her token stops on A.
    expect((await status(b.base, ann, 'POST', '/api/auth/logout')).status).toBeLessThan(300);
    expect(await msUntil(a.base, ann, '/api/me', 401)).toBeLessThan(NOTICE_MS);

    // Ben leaves the pool on B: A refuses him the pool's records.
    expect(
      (await status(b.base, admin, 'DELETE', `/api/pools/tiny/members/${users['ben']}`)).status,
    ).toBe(200);
    expect(await msUntil(a.base, ben, '/api/pools/tiny/records', 403)).toBeLessThan(NOTICE_MS);

    // Cid is disabled on B: every token of his stops on A.
    expect(
      (await status(b.base, admin, 'PATCH', `/api/users/${users['cid']}`, { disabled: true }))
        .status,
    ).toBe(200);
    expect(await msUntil(a.base, cid, '/api/me', 401)).toBeLessThan(NOTICE_MS);
  }, 60_000);
});
