// The real server (`npm start`, system clock) keeps departments apart: a department admin is refused
// another department's pool (403) and manages their own, on PGlite and on PostgreSQL.
import { afterEach, describe, expect, it } from 'vitest';
import { backends, template, type Backend } from './helpers.js';
import { freePort, ServerProcess, serverStorage } from './server-process.js';

describe.each(backends)('departments in the real server (%s)', (backend: Backend) => {
  let server: ServerProcess | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await server?.stop();
    await cleanup?.();
    server = undefined;
    cleanup = undefined;
  });

  it("refuses a department admin another department's pool and lets them manage their own", async () => {
    const storage = await serverStorage(backend, 0);
    cleanup = storage.cleanup;
    const env: Record<string, string> = { ...storage.env };
    server = new ServerProcess(await freePort(), env);
    await server.started();
    const s = server;
    const api = async (token: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${s.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON replies; tests assert on them
      return { status: res.status, body: (await res.json()) as any };
    };
    const admin = await s.login();
    const tokens: Record<string, string> = {};
    const ids: Record<string, string> = {};
    for (const key of ['sales', 'support']) {
      const department = await api(admin, 'POST', '/api/departments', {
        key,
        name: { en: key },
      });
      expect(department.status, JSON.stringify(department.body)).toBe(201);
      const name = `${key}-admin`;
      const user = await api(admin, 'POST', '/api/users', {
        username: name,
        password: `${name}-password`,
        roles: ['departmentAdmin'],
        departmentId: key,
      });
      expect(user.status, JSON.stringify(user.body)).toBe(201);
      tokens[key] = await s.login(name, `${name}-password`);
      // The department admin builds their department's pool: a rep, a policy, a pool.
      const rep = await api(tokens[key], 'POST', '/api/users', {
        username: `${key}-rep`,
        password: `${key}-rep-password`,
      });
      expect(rep.body.departmentId).toBe(key);
      ids[key] = rep.body.id as string;
      const id = `${key}-crm`;
      const document = { ...template('crm-customer-pool'), id };
      expect((await api(tokens[key], 'POST', '/api/policies', { document })).status).toBe(201);
      expect((await api(tokens[key], 'POST', `/api/policies/${id}/publish`, {})).status).toBe(200);
      const pool = await api(tokens[key], 'POST', '/api/pools', {
        key: `${key}-pool`,
        name: { en: key },
        policyId: id,
      });
      expect(pool.status, JSON.stringify(pool.body)).toBe(201);
    }

    const sales = tokens['sales']!;
    expect((await api(sales, 'GET', '/api/pools/support-pool')).status).toBe(403);
    const foreign = await api(sales, 'POST', '/api/pools/support-pool/members', {
      userId: ids['support'],
    });
    expect(foreign.status).toBe(403);
    expect((await api(admin, 'GET', '/api/pools/support-pool')).body.memberCount).toBe(0);

    expect((await api(sales, 'GET', '/api/pools/sales-pool')).status).toBe(200);
    const added = await api(sales, 'POST', '/api/pools/sales-pool/members', {
      userId: ids['sales'],
      capacity: 20,
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body.members).toEqual([{ userId: ids['sales'], role: 'member', capacity: 20 }]);
    const list = await api(sales, 'GET', '/api/pools');
    expect(list.body.items.map((p: { key: string }) => p.key)).toEqual(['sales-pool']);
  });
});
