// Users over HTTP: admins create and list them, everyone reads themselves, hashes never leave.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, login, type TestApp } from './helpers.js';

describe.each(backends)('users (%s)', (backend) => {
  let t: TestApp;
  const countUsers = async () =>
    Number(((await t.app.db('users').count({ n: '*' }).first()) as { n: number | string }).n);

  beforeAll(async () => {
    t = await build(backend);
  });
  afterAll(() => t.close());

  it('an admin creates a user who can log in and read themselves', async () => {
    const created = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: 'dora',
      password: 'dora-password-1',
      displayName: 'Dora Li',
      roles: ['manager'],
      attributes: { seniority: 'senior', region: 'east' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      username: 'dora',
      displayName: 'Dora Li',
      roles: ['manager'],
      attributes: { seniority: 'senior', region: 'east' },
      disabled: false,
      departmentId: null,
    });

    const token = await login(t.app, 'dora', 'dora-password-1');
    const me = await call(t.app, token, 'GET', '/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual(created.body);
  });

  it('defaults to the member role, the username as display name and no attributes', async () => {
    const created = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: 'eli',
      password: 'eli-password-1',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ displayName: 'eli', roles: ['member'], attributes: {} });
  });

  it('lists users by name and never shows a password hash', async () => {
    const list = await call(t.app, t.adminToken, 'GET', '/api/users');
    expect(list.status).toBe(200);
    expect(list.body.items.map((u: { username: string }) => u.username)).toEqual([
      'admin',
      'dora',
      'eli',
    ]);
    const raw = JSON.stringify(list.body);
    expect(raw).not.toMatch(/scrypt|password/i);
    const stored = (await t.app.db('users').pluck('password_hash')) as string[];
    for (const hash of stored) expect(raw).not.toContain(hash.split('$')[5]);
  });

  it('refuses a taken username and a short password, writing nothing', async () => {
    const before = await countUsers();
    const taken = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: 'dora',
      password: 'another-password',
    });
    expect(taken.status).toBe(400);
    expect(taken.body.error).toMatchObject({ code: 'POOL_ERR_INVALID_PAYLOAD' });
    expect(taken.body.error.details[0].path).toBe('/body/username');

    const short = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: 'fay',
      password: 'short-pwd11',
    });
    expect(short.status).toBe(400);
    expect(short.body.error.details).toEqual([
      {
        path: '/body/password',
        message: 'must NOT have fewer than 12 characters',
        code: 'schema',
        params: { limit: 12, keyword: 'minLength' },
      },
    ]);

    const role = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: 'fay',
      password: 'fay-password-1',
      roles: ['owner'],
    });
    expect(role.status).toBe(400);
    expect(role.body.error.details[0].path).toBe('/body/roles/0');
    expect(await countUsers()).toBe(before);
  });

  it('lets two parallel creations of one username make exactly one user', async () => {
    const before = await countUsers();
    const body = { username: 'gus', password: 'gus-password-1' };
    const results = await Promise.all([
      call(t.app, t.adminToken, 'POST', '/api/users', body),
      call(t.app, t.adminToken, 'POST', '/api/users', body),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 400]);
    expect(await countUsers()).toBe(before + 1);
  });

  it('keeps user management to admins', async () => {
    const token = await login(t.app, 'dora', 'dora-password-1');
    const before = await countUsers();
    const list = await call(t.app, token, 'GET', '/api/users');
    expect(list.status).toBe(403);
    const create = await call(t.app, token, 'POST', '/api/users', {
      username: 'mallory',
      password: 'mallory-password',
      roles: ['admin'],
    });
    expect(create.status).toBe(403);
    expect(create.body.error.code).toBe('POOL_ERR_FORBIDDEN');
    expect(await countUsers()).toBe(before);
  });

  describe('PATCH /api/users/:id', () => {
    const idOf = async (username: string) =>
      ((await t.app.db('users').where({ username }).first('id')) as { id: string }).id;
    const me = (token: string) => call(t.app, token, 'GET', '/api/me');
    const userRow = async (username: string) => await t.app.db('users').where({ username }).first();

    it('lets an admin change a display name, roles and attributes', async () => {
      const id = await idOf('eli');
      const patched = await call(t.app, t.adminToken, 'PATCH', `/api/users/${id}`, {
        displayName: 'Eli Wong',
        roles: ['manager'],
        attributes: { region: 'west' },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toEqual({
        id,
        username: 'eli',
        displayName: 'Eli Wong',
        roles: ['manager'],
        attributes: { region: 'west' },
        disabled: false,
        departmentId: null,
      });
      expect((await me(await login(t.app, 'eli', 'eli-password-1'))).body).toEqual(patched.body);
    });

    it('disabling stops every token of the user at once and refuses their login like a wrong password', async () => {
      const id = await idOf('gus');
      const first = await login(t.app, 'gus', 'gus-password-1');
      const second = await login(t.app, 'gus', 'gus-password-1');
      expect((await me(first)).status).toBe(200);

      const disabled = await call(t.app, t.adminToken, 'PATCH', `/api/users/${id}`, {
        disabled: true,
      });
      expect(disabled.status).toBe(200);
      expect(disabled.body.disabled).toBe(true);
      for (const token of [first, second]) {
        const refused = await me(token);
        expect(refused.status).toBe(401);
        expect(refused.body.error.code).toBe('POOL_ERR_UNAUTHENTICATED');
      }
      const right = await call(t.app, null, 'POST', '/api/auth/login', {
        username: 'gus',
        password: 'gus-password-1',
      });
      const wrong = await call(t.app, null, 'POST', '/api/auth/login', {
        username: 'gus',
        password: 'not-his-password',
      });
      expect(right).toEqual(wrong);
      expect(right.status).toBe(401);
      const list = await call(t.app, t.adminToken, 'GET', '/api/users');
      expect(list.body.items.find((u: { id: string }) => u.id === id).disabled).toBe(true);

      // Enabled again: a new login works, the old tokens stay revoked.
      const enabled = await call(t.app, t.adminToken, 'PATCH', `/api/users/${id}`, {
        disabled: false,
      });
      expect(enabled.body.disabled).toBe(false);
      expect((await me(first)).status).toBe(401);
      expect((await me(await login(t.app, 'gus', 'gus-password-1'))).status).toBe(200);
    });

    it('refuses an admin disabling themselves or dropping their own admin role, writing nothing', async () => {
      const id = await idOf('admin');
      const before = await userRow('admin');
      const disable = await call(t.app, t.adminToken, 'PATCH', `/api/users/${id}`, {
        disabled: true,
      });
      expect(disable.status).toBe(400);
      expect(disable.body.error.details[0].path).toBe('/body/disabled');
      const demote = await call(t.app, t.adminToken, 'PATCH', `/api/users/${id}`, {
        roles: ['member'],
        displayName: 'Not admin',
      });
      expect(demote.status).toBe(400);
      expect(demote.body.error.details[0].path).toBe('/body/roles');
      expect(await userRow('admin')).toEqual(before);
      expect((await me(t.adminToken)).status).toBe(200);
    });

    it('resets a password: the old one and every token of the user stop working', async () => {
      const id = await idOf('dora');
      const token = await login(t.app, 'dora', 'dora-password-1');
      const short = await call(t.app, t.adminToken, 'PATCH', `/api/users/${id}`, {
        password: 'short-pwd11',
      });
      expect(short.status).toBe(400);
      expect(short.body.error.details[0].path).toBe('/body/password');
      expect((await me(token)).status).toBe(200);

      const reset = await call(t.app, t.adminToken, 'PATCH', `/api/users/${id}`, {
        password: 'dora-new-password',
      });
      expect(reset.status).toBe(200);
      expect(JSON.stringify(reset.body)).not.toMatch(/password|scrypt/);
      expect((await me(token)).status).toBe(401);
      const old = await call(t.app, null, 'POST', '/api/auth/login', {
        username: 'dora',
        password: 'dora-password-1',
      });
      expect(old.status).toBe(401);
      expect((await me(await login(t.app, 'dora', 'dora-new-password'))).status).toBe(200);
    });

    it('names the field of a bad patch and answers 404 for an unknown user', async () => {
      const id = await idOf('eli');
      const empty = await call(t.app, t.adminToken, 'PATCH', `/api/users/${id}`, {});
      expect(empty.status).toBe(400);
      const unknown = await call(t.app, t.adminToken, 'PATCH', `/api/users/${id}`, {
        username: 'renamed',
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.details[0].path).toBe('/body/username');
      const disabled = await call(t.app, t.adminToken, 'PATCH', `/api/users/${id}`, {
        disabled: 'yes',
      });
      expect(disabled.status).toBe(400);
      expect(disabled.body.error.details[0].path).toBe('/body/disabled');
      const missing = await call(t.app, t.adminToken, 'PATCH', '/api/users/no-such-user', {
        displayName: 'Ghost',
      });
      expect(missing.status).toBe(404);
    });

    it('keeps user edits to admins', async () => {
      const token = await login(t.app, 'eli', 'eli-password-1');
      const before = await userRow('admin');
      const res = await call(t.app, token, 'PATCH', `/api/users/${await idOf('admin')}`, {
        disabled: true,
      });
      expect(res.status).toBe(403);
      expect(await userRow('admin')).toEqual(before);
    });
  });
});
