// Departments by route: a department admin manages the users, policies, pools and members of their own
// department, is refused (403) on another's and cannot reach admin; lists show only their department.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiUser, backends, build, call, template, type TestApp } from './helpers.js';

describe.each(backends)('departments (%s)', (backend) => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const count = async (table: string) =>
    Number(((await t.app.db(table).count({ n: '*' }).first()) as { n: unknown }).n);
  const as = (name: string) => (name === 'admin' ? t.adminToken : tokens[name]!);
  const paths = (body: { error: { details?: { path: string }[] } }) =>
    (body.error.details ?? []).map((d) => d.path);

  const user = async (name: string, departmentId: string | null, roles = ['member']) => {
    ({ id: ids[name], token: tokens[name] } = await apiUser(t, name, departmentId, roles));
  };

  beforeAll(async () => {
    t = await build(backend);
    for (const [key, en, zh] of [
      ['sales', 'Sales', '销售部'],
      ['support', 'Support', '客服部'],
    ]) {
      const res = await call(t.app, t.adminToken, 'POST', '/api/departments', {
        key,
        name: { en, zh },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    await user('salesAdmin', 'sales', ['departmentAdmin']);
    await user('supportAdmin', 'support', ['departmentAdmin']);
    await user('sam', 'sales');
    await user('sue', 'support');
    // Each department admin clones the CRM template into a policy of their department and publishes it.
    for (const [name, id] of [
      ['salesAdmin', 'sales-crm'],
      ['supportAdmin', 'support-crm'],
    ] as const) {
      const created = await call(t.app, as(name), 'POST', '/api/policies', {
        document: { ...template('crm-customer-pool'), id },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.departmentId).toBe(name === 'salesAdmin' ? 'sales' : 'support');
      const published = await call(t.app, as(name), 'POST', `/api/policies/${id}/publish`, {});
      expect(published.status, JSON.stringify(published.body)).toBe(200);
    }
    const pool = await call(t.app, as('salesAdmin'), 'POST', '/api/pools', {
      key: 'sales-pool',
      name: { en: 'Sales leads', zh: '销售公海' },
      policyId: 'sales-crm',
      members: [{ userId: ids['sam'] }],
    });
    expect(pool.status, JSON.stringify(pool.body)).toBe(201);
    expect(pool.body).toMatchObject({ departmentId: 'sales', timeZone: 'Asia/Shanghai' });
    const other = await call(t.app, as('supportAdmin'), 'POST', '/api/pools', {
      key: 'support-pool',
      name: { en: 'Tickets' },
      policyId: 'support-crm',
      members: [{ userId: ids['sue'] }],
    });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
  });
  afterAll(() => t.close());

  it('lists departments to admins, only their own to a department admin, none to members', async () => {
    const all = await call(t.app, t.adminToken, 'GET', '/api/departments');
    expect(all.body.items.map((d: { key: string }) => d.key)).toEqual(['sales', 'support']);
    expect(all.body.items[0]).toEqual({
      key: 'sales',
      name: { en: 'Sales', zh: '销售部' },
      userCount: 2,
      poolCount: 1,
    });
    const own = await call(t.app, as('salesAdmin'), 'GET', '/api/departments');
    expect(own.body.items.map((d: { key: string }) => d.key)).toEqual(['sales']);
    expect((await call(t.app, as('sam'), 'GET', '/api/departments')).status).toBe(403);
    const before = await count('departments');
    const refused = await call(t.app, as('salesAdmin'), 'POST', '/api/departments', {
      key: 'mine',
      name: { en: 'Mine' },
    });
    expect(refused.status).toBe(403);
    const taken = await call(t.app, t.adminToken, 'POST', '/api/departments', {
      key: 'sales',
      name: { en: 'Again' },
    });
    expect(taken.status).toBe(400);
    expect(paths(taken.body)).toEqual(['/body/key']);
    expect(await count('departments')).toBe(before);
  });

  it("refuses a department admin another department's pool (403) and lets them manage their own", async () => {
    const sales = (name: string, method: 'GET' | 'PATCH' | 'POST', path = '', body?: unknown) =>
      call(t.app, as(name), method, `/api/pools/sales-pool${path}`, body);
    expect((await sales('supportAdmin', 'GET')).status).toBe(403);
    expect((await sales('supportAdmin', 'PATCH', '', { timeZone: 'UTC' })).status).toBe(403);
    expect((await sales('supportAdmin', 'POST', '/members', { userId: ids['sue'] })).status).toBe(
      403,
    );
    expect((await sales('supportAdmin', 'GET', '/records')).status).toBe(403);
    const missing = await call(t.app, as('supportAdmin'), 'GET', '/api/pools/no-such-pool');
    expect(missing.status).toBe(404);

    expect((await sales('salesAdmin', 'GET')).status).toBe(200);
    const renamed = await sales('salesAdmin', 'PATCH', '', {
      name: { en: 'Sales leads East', zh: '华东销售公海' },
      timeZone: 'Asia/Tokyo',
      distribution: 'roundRobin',
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({
      name: { en: 'Sales leads East' },
      timeZone: 'Asia/Tokyo',
      distribution: 'roundRobin',
    });
    const badZone = await sales('salesAdmin', 'PATCH', '', { timeZone: 'Mars/Olympus' });
    expect(badZone.status).toBe(400);
    expect(paths(badZone.body)).toEqual(['/body/timeZone']);
    expect((await sales('salesAdmin', 'GET')).body.timeZone).toBe('Asia/Tokyo');

    // Members: added, changed by naming them again (upsert), removed.
    const added = await sales('salesAdmin', 'POST', '/members', {
      userId: ids['salesAdmin'],
      role: 'admin',
      capacity: 30,
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body.memberCount).toBe(2);
    const again = await sales('salesAdmin', 'POST', '/members', {
      userId: ids['sam'],
      capacity: 12,
    });
    expect(again.body.members).toContainEqual({ userId: ids['sam'], role: 'member', capacity: 12 });
    expect(again.body.memberCount).toBe(2);
    // A user of another department does not exist for a department admin.
    const foreign = await sales('salesAdmin', 'POST', '/members', { userId: ids['sue'] });
    expect(foreign.status).toBe(400);
    expect(paths(foreign.body)).toEqual(['/body/userId']);
    const removed = await call(
      t.app,
      as('salesAdmin'),
      'DELETE',
      `/api/pools/sales-pool/members/${ids['salesAdmin']}`,
    );
    expect(removed.status).toBe(200);
    expect(removed.body.members.map((m: { userId: string }) => m.userId)).toEqual([ids['sam']]);
    const gone = await call(
      t.app,
      as('salesAdmin'),
      'DELETE',
      `/api/pools/sales-pool/members/${ids['salesAdmin']}`,
    );
    expect(gone.status).toBe(404);

    // A member of the pool works in it but does not manage who is in it.
    expect((await sales('sam', 'GET')).status).toBe(200);
    expect((await sales('sam', 'POST', '/members', { userId: ids['sam'] })).status).toBe(403);
  });

  it('lists only the pools of their department, with version, member and running-record counts', async () => {
    const created = await call(t.app, as('salesAdmin'), 'POST', '/api/pools/sales-pool/records', {
      data: { name: 'ACME Trading' },
      ownerId: ids['sam'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const mine = await call(t.app, as('salesAdmin'), 'GET', '/api/pools');
    expect(mine.body.items.map((p: { key: string }) => p.key)).toEqual(['sales-pool']);
    expect(mine.body.items[0]).toMatchObject({
      policyVersion: 1,
      memberCount: 1,
      recordCount: 1,
      departmentId: 'sales',
    });
    const all = await call(t.app, t.adminToken, 'GET', '/api/pools');
    expect(all.body.items.map((p: { key: string }) => p.key)).toEqual([
      'sales-pool',
      'support-pool',
    ]);
    // Counted for the whole page at once, each pool keeps its own members and records.
    const [salesItem, supportItem] = all.body.items;
    expect(salesItem).toMatchObject({ memberCount: 1, recordCount: 1 });
    expect(salesItem.members).toEqual([expect.objectContaining({ userId: ids['sam'] })]);
    expect(supportItem.recordCount).toBe(0);
    expect(supportItem.members.map((m: { userId: string }) => m.userId)).not.toContain(ids['sam']);
    const member = await call(t.app, as('sam'), 'GET', '/api/pools');
    expect(member.body.items.map((p: { key: string }) => p.key)).toEqual(['sales-pool']);
  });

  it("keeps a department admin to their department's policies", async () => {
    const list = await call(t.app, as('salesAdmin'), 'GET', '/api/policies');
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual(['sales-crm']);
    expect((await call(t.app, as('salesAdmin'), 'GET', '/api/policies/support-crm')).status).toBe(
      403,
    );
    const publish = await call(
      t.app,
      as('salesAdmin'),
      'POST',
      '/api/policies/support-crm/publish',
      {},
    );
    expect(publish.status).toBe(403);
    const versions = await call(
      t.app,
      as('salesAdmin'),
      'GET',
      '/api/policies/support-crm/versions',
    );
    expect(versions.status).toBe(403);
    // Pools are built from their own department's policies, in their own department.
    const pools = await count('pools');
    const fromOther = await call(t.app, as('salesAdmin'), 'POST', '/api/pools', {
      key: 'stolen',
      name: { en: 'Stolen' },
      policyId: 'support-crm',
    });
    expect(fromOther.status).toBe(403);
    const intoOther = await call(t.app, as('salesAdmin'), 'POST', '/api/pools', {
      key: 'placed',
      name: { en: 'Placed' },
      policyId: 'sales-crm',
      departmentId: 'support',
    });
    expect(intoOther.status).toBe(403);
    expect(await count('pools')).toBe(pools);
    const policies = await count('policies');
    const placed = await call(t.app, as('salesAdmin'), 'POST', '/api/policies', {
      document: { ...template('crm-customer-pool'), id: 'placed-crm' },
      departmentId: 'support',
    });
    expect(placed.status).toBe(403);
    expect(await count('policies')).toBe(policies);
    // Rolling out a new version of their policy to their pool is theirs too; the other department's is not.
    const v2 = await call(t.app, as('salesAdmin'), 'POST', '/api/policies/sales-crm/publish', {});
    expect(v2.body.version).toBe(2);
    const dryRun = { toVersion: 2, dryRun: true };
    const preview = await call(
      t.app,
      as('salesAdmin'),
      'POST',
      '/api/pools/sales-pool/upgrade',
      dryRun,
    );
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.total).toBe(1);
    const theirs = await call(
      t.app,
      as('supportAdmin'),
      'POST',
      '/api/pools/sales-pool/upgrade',
      dryRun,
    );
    expect(theirs.status).toBe(403);
    // Not even as an admin member of the pool: rolling out is the pool's department's, as PATCH is.
    const member = await call(t.app, t.adminToken, 'POST', '/api/pools/sales-pool/members', {
      userId: ids['supportAdmin'],
      role: 'admin',
    });
    expect(member.status, JSON.stringify(member.body)).toBe(200);
    const upgrades = await count('pool_upgrades');
    for (const body of [dryRun, { toVersion: 2 }]) {
      const refused = await call(
        t.app,
        as('supportAdmin'),
        'POST',
        '/api/pools/sales-pool/upgrade',
        body,
      );
      expect(refused.status, JSON.stringify(refused.body)).toBe(403);
      expect(refused.body.error.message).toContain("sales-pool's department");
    }
    const patched = await call(t.app, as('supportAdmin'), 'PATCH', '/api/pools/sales-pool', {
      policyVersion: 2,
    });
    expect(patched.status).toBe(403);
    expect(await count('pool_upgrades')).toBe(upgrades);
    await call(
      t.app,
      t.adminToken,
      'DELETE',
      `/api/pools/sales-pool/members/${ids['supportAdmin']}`,
    );
    // Members edit no policies at all.
    expect((await call(t.app, as('sam'), 'GET', '/api/policies')).status).toBe(403);
    // Admins place a policy in any department.
    const byAdmin = await call(t.app, t.adminToken, 'POST', '/api/policies', {
      document: { ...template('crm-customer-pool'), id: 'support-extra' },
      departmentId: 'support',
    });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body.departmentId).toBe('support');
    const unknown = await call(t.app, t.adminToken, 'POST', '/api/policies', {
      document: { ...template('crm-customer-pool'), id: 'nowhere-crm' },
      departmentId: 'nowhere',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([
      {
        path: '/body/departmentId',
        message: 'department nowhere does not exist',
        code: 'unknown-department',
        params: { value: 'nowhere' },
      },
    ]);
  });

  it('lets a department admin manage the users of their department only, never towards admin', async () => {
    const listed = await call(t.app, as('salesAdmin'), 'GET', '/api/users');
    expect(listed.body.items.map((u: { username: string }) => u.username).sort()).toEqual([
      'salesAdmin',
      'sam',
    ]);
    // Search by a part of the name; an admin searches everyone.
    const search = await call(t.app, t.adminToken, 'GET', '/api/users?q=SU');
    expect(search.body.items.map((u: { username: string }) => u.username)).toEqual([
      'sue',
      'supportAdmin',
    ]);
    const wildcard = await call(t.app, t.adminToken, 'GET', '/api/users?q=%25');
    expect(wildcard.body.items).toEqual([]);
    const scoped = await call(
      t.app,
      as('salesAdmin'),
      'GET',
      '/api/users?q=s&departmentId=support',
    );
    expect(scoped.body.items.map((u: { username: string }) => u.username).sort()).toEqual([
      'salesAdmin',
      'sam',
    ]);

    const users = await count('users');
    const created = await call(t.app, as('salesAdmin'), 'POST', '/api/users', {
      username: 'sid',
      password: 'sid-password-123',
      attributes: { seniority: 'senior' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ departmentId: 'sales', roles: ['member'] });
    const asAdmin = await call(t.app, as('salesAdmin'), 'POST', '/api/users', {
      username: 'eve',
      password: 'eve-password-123',
      roles: ['admin'],
    });
    expect(asAdmin.status).toBe(403);
    const elsewhere = await call(t.app, as('salesAdmin'), 'POST', '/api/users', {
      username: 'eve',
      password: 'eve-password-123',
      departmentId: 'support',
    });
    expect(elsewhere.status).toBe(403);
    const powerless = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: 'eve',
      password: 'eve-password-123',
      roles: ['departmentAdmin'],
    });
    expect(powerless.status).toBe(400);
    expect(paths(powerless.body)).toEqual(['/body/departmentId']);
    expect(await count('users')).toBe(users + 1);

    const patch = (who: string, id: string, body: unknown) =>
      call(t.app, as(who), 'PATCH', `/api/users/${id}`, body);
    expect((await patch('salesAdmin', ids['sue']!, { displayName: 'Hacked' })).status).toBe(403);
    expect(
      (await patch('salesAdmin', ids['supportAdmin']!, { password: 'x'.repeat(12) })).status,
    ).toBe(403);
    const admin = (await call(t.app, t.adminToken, 'GET', '/api/me')).body.id as string;
    expect((await patch('salesAdmin', admin, { password: 'y'.repeat(12) })).status).toBe(403);
    expect((await patch('salesAdmin', ids['sam']!, { roles: ['admin'] })).status).toBe(403);
    expect((await patch('salesAdmin', ids['salesAdmin']!, { roles: ['admin'] })).status).toBe(403);
    expect((await patch('salesAdmin', ids['sam']!, { departmentId: 'support' })).status).toBe(403);
    const edited = await patch('salesAdmin', ids['sam']!, {
      displayName: 'Sam Wu',
      roles: ['manager'],
      attributes: { seniority: 'senior' },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({
      displayName: 'Sam Wu',
      roles: ['manager'],
      attributes: { seniority: 'senior' },
      departmentId: 'sales',
    });
    const sue = (await call(t.app, t.adminToken, 'GET', '/api/users?q=sue')).body.items[0];
    expect(sue.displayName).toBe('sue');
    expect(sue.roles).toEqual(['member']);

    // Admins move users between departments; the move takes effect at once.
    const moved = await patch('admin', ids['sue']!, { departmentId: 'sales' });
    expect(moved.body.departmentId).toBe('sales');
    const nowListed = await call(t.app, as('salesAdmin'), 'GET', '/api/users?q=sue');
    expect(nowListed.body.items).toHaveLength(1);
    const bad = await patch('admin', ids['sue']!, { departmentId: 'nowhere' });
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(['/body/departmentId']);
    expect(bad.body.error.details[0]).toMatchObject({
      code: 'unknown-department',
      params: { value: 'nowhere' },
    });
    await patch('admin', ids['sue']!, { departmentId: 'support' });
  });
});
