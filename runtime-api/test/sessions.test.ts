// Sessions: logout revokes the token, a password change ends the user's other sessions, expired sessions
// are purged, and the server refuses a short admin password.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, login, type TestApp } from './helpers.js';

describe.each(backends)('sessions (%s)', (backend) => {
  let t: TestApp;
  const me = (token: string) => call(t.app, token, 'GET', '/api/me');
  const hashOf = async (username: string) =>
    (
      (await t.app.db('users').where({ username }).first('password_hash')) as {
        password_hash: string;
      }
    ).password_hash;

  beforeAll(async () => {
    t = await build(backend);
    for (const name of ['alice', 'bob', 'carol'])
      await t.app.auth.createUser({ username: name, password: `${name}-password-12` });
  });
  afterAll(() => t.close());

  it('logout revokes the token it is called with, and only that one', async () => {
    const laptop = await login(t.app, 'alice', 'alice-password-12');
    const phone = await login(t.app, 'alice', 'alice-password-12');
    const out = await call(t.app, laptop, 'POST', '/api/auth/logout');
    expect(out.status).toBe(204);
    const after = await me(laptop);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('POOL_ERR_UNAUTHENTICATED');
    expect((await call(t.app, laptop, 'POST', '/api/auth/logout')).status).toBe(401);
    expect((await me(phone)).status).toBe(200);
  });

  it('a password change needs the current password and a new one of at least 12 characters', async () => {
    const token = await login(t.app, 'bob', 'bob-password-12');
    const before = await hashOf('bob');
    const wrong = await call(t.app, token, 'POST', '/api/auth/password', {
      currentPassword: 'not-my-password',
      newPassword: 'bob-new-password',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details[0].path).toBe('/body/currentPassword');
    const short = await call(t.app, token, 'POST', '/api/auth/password', {
      currentPassword: 'bob-password-12',
      newPassword: 'short-pwd11',
    });
    expect(short.status).toBe(400);
    expect(short.body.error.details[0].path).toBe('/body/newPassword');
    expect(await hashOf('bob')).toBe(before);
  });

  it('a password change keeps the current session and ends the others', async () => {
    const here = await login(t.app, 'bob', 'bob-password-12');
    const elsewhere = await login(t.app, 'bob', 'bob-password-12');
    const changed = await call(t.app, here, 'POST', '/api/auth/password', {
      currentPassword: 'bob-password-12',
      newPassword: 'bob-new-password',
    });
    expect(changed.status).toBe(204);
    expect((await me(here)).status).toBe(200);
    expect((await me(elsewhere)).status).toBe(401);
    const old = await call(t.app, null, 'POST', '/api/auth/login', {
      username: 'bob',
      password: 'bob-password-12',
    });
    expect(old.status).toBe(401);
    expect((await me(await login(t.app, 'bob', 'bob-new-password'))).status).toBe(200);
  });

  it('counts wrong current passwords like failed logins (a stolen token cannot guess it)', async () => {
    const token = await login(t.app, 'carol', 'carol-password-12');
    for (let i = 0; i < 5; i++) {
      const guess = await call(t.app, token, 'POST', '/api/auth/password', {
        currentPassword: `guess-${i}`,
        newPassword: 'carol-new-password',
      });
      expect(guess.status).toBe(400);
    }
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { authorization: `Bearer ${token}` },
      payload: { currentPassword: 'carol-password-12', newPassword: 'carol-new-password' },
    });
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { minutes: 15 });
  });

  it('purges expired sessions and closed login windows, and keeps the rest', async () => {
    const live = await login(t.app, 'alice', 'alice-password-12');
    const userId = (await me(live)).body.id as string;
    await t.app.db('sessions').insert({
      token_hash: t.app.auth.tokenHash('pf_expired'),
      user_id: userId,
      expires_at: new Date(Date.now() - 60_000),
    });
    await call(t.app, null, 'POST', '/api/auth/login', { username: 'ghost', password: 'x' });
    const attempts = () =>
      t.app.db('login_attempts').where({ kind: 'user', key: 'ghost' }).first('attempts');
    expect(await attempts()).toBeDefined();

    const first = await t.app.auth.purgeExpired();
    expect(first.sessions).toBe(1);
    expect(await attempts()).toBeDefined(); // its window is still open
    await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { minutes: 15 });
    const second = await t.app.auth.purgeExpired();
    expect(second).toMatchObject({ sessions: 0 });
    expect(second.loginAttempts).toBeGreaterThanOrEqual(1);
    expect(await attempts()).toBeUndefined();
    expect((await me(live)).status).toBe(200);
    const left = (await t.app
      .db('sessions')
      .where({ user_id: userId })
      .pluck('token_hash')) as string[];
    expect(left).not.toContain(t.app.auth.tokenHash('pf_expired'));
  });
});

describe('server start', () => {
  it('refuses a POOLFLOW_ADMIN_PASSWORD shorter than 12 characters, saying why', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'poolflow-admin-'));
    try {
      const server = join(import.meta.dirname, '..', 'dist', 'server.js');
      const run = spawnSync(process.execPath, [server], {
        env: {
          ...process.env,
          DATABASE_URL: '',
          POOLFLOW_DATA_DIR: dataDir,
          POOLFLOW_ADMIN_PASSWORD: 'x',
          PORT: '0',
        },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('POOLFLOW_ADMIN_PASSWORD must have at least 12 characters');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
