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
    expect(taken.body.error.details[0].path).toBe('/username');

    const short = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: 'fay',
      password: '123456789',
    });
    expect(short.status).toBe(400);
    expect(short.body.error.details).toEqual([
      { path: '/body/password', message: 'must NOT have fewer than 10 characters' },
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
});
