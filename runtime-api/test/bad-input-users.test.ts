// Users and pool members the administration must refuse: blank passwords, unbounded attributes,
// usernames differing only by case, a member listed twice. Each a 400 naming the field; nothing written.
import { describe, expect, it } from 'vitest';
import { badInputApp } from './bad-input-helpers.js';
import { backends, call, login } from './helpers.js';

const BLANK = ' '.repeat(12);

describe.each(backends)('bad user input (%s)', (backend) => {
  const setup = badInputApp(backend);
  const hashOf = async (id: string) =>
    (await setup.t.app.db('users').where({ id }).first('password_hash'))!.password_hash;

  it('refuses a password of blanks on create, admin reset and own change, naming it', async () => {
    const { t, ids, tokens, count } = setup;
    const users = await count('users');
    const blankDetail = (path: string) => ({
      path,
      message: 'must not be blank',
      code: 'schema',
      params: { keyword: 'pattern', pattern: '\\S' },
    });
    const created = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: 'blank',
      password: BLANK,
    });
    expect(created.status).toBe(400);
    expect(created.body.error.details).toEqual([blankDetail('/body/password')]);
    expect(await count('users')).toBe(users);

    // Tabs, newlines and the ideographic space are blanks too.
    const hash = await hashOf(ids['alice']!);
    const reset = await call(t.app, t.adminToken, 'PATCH', `/api/users/${ids['alice']}`, {
      password: '\t\n\u3000'.repeat(4),
    });
    expect(reset.status).toBe(400);
    expect(reset.body.error.details).toEqual([blankDetail('/body/password')]);
    const changed = await call(t.app, tokens['alice']!, 'POST', '/api/auth/password', {
      currentPassword: 'alice-password',
      newPassword: BLANK,
    });
    expect(changed.status).toBe(400);
    expect(changed.body.error.details).toEqual([blankDetail('/body/newPassword')]);
    expect(await hashOf(ids['alice']!)).toBe(hash);

    // Blanks around other characters are a password.
    const spaced = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: 'spaced',
      password: `${BLANK}x`,
    });
    expect(spaced.status).toBe(201);
    await login(t.app, 'spaced', `${BLANK}x`);
  });

  it('bounds attribute keys at 100 characters and values at 1,000 characters of text', async () => {
    const { t, ids, count } = setup;
    const users = await count('users');
    const long = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: 'longvalue',
      password: 'longvalue-password',
      attributes: { seniority: 'x'.repeat(100_000) },
    });
    expect(long.status).toBe(400);
    expect(long.body.error.details).toEqual([
      expect.objectContaining({
        path: '/body/attributes/seniority',
        code: 'schema',
        params: { keyword: 'maxLength', limit: 1000 },
      }),
    ]);
    const key = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: 'longkey',
      password: 'longkey-password',
      attributes: { ['k'.repeat(101)]: 'senior' },
    });
    expect(key.status).toBe(400);
    expect(key.body.error.details).toContainEqual(
      expect.objectContaining({
        path: '/body/attributes',
        code: 'schema',
        params: expect.objectContaining({ keyword: 'propertyNames' }) as unknown,
      }),
    );
    expect(await count('users')).toBe(users);

    // An object or a list would be as unbounded: values are text, numbers, true, false or null.
    const before = (await t.app.db('users').where({ id: ids['alice'] }).first('attributes'))!;
    for (const value of [{ nested: 'x' }, ['x']]) {
      const patched = await call(t.app, t.adminToken, 'PATCH', `/api/users/${ids['alice']}`, {
        attributes: { team: value },
      });
      expect(patched.status).toBe(400);
      expect(patched.body.error.details[0]).toMatchObject({
        path: '/body/attributes/team',
        params: { keyword: 'type' },
      });
    }
    expect((await t.app.db('users').where({ id: ids['alice'] }).first('attributes'))!).toEqual(
      before,
    );

    const bounded = {
      ['k'.repeat(100)]: 'v'.repeat(1000),
      level: 3,
      remote: true,
      team: null,
    };
    const ok = await call(t.app, t.adminToken, 'PATCH', `/api/users/${ids['alice']}`, {
      attributes: bounded,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.attributes).toEqual(bounded);
  });

  it('refuses a username that differs from a taken one only by case, naming it', async () => {
    const { t, count } = setup;
    const users = await count('users');
    for (const username of ['Alice', 'ALICE', 'alice']) {
      const created = await call(t.app, t.adminToken, 'POST', '/api/users', {
        username,
        password: 'another-alice-password',
      });
      expect(created.status).toBe(400);
      expect(created.body.error.details).toEqual([
        expect.objectContaining({
          path: '/body/username',
          code: 'key-taken',
          params: { value: username },
        }),
      ]);
    }
    expect(await count('users')).toBe(users);
  });

  it('refuses a new pool listing one user twice, naming the second; nothing is written', async () => {
    const { t, ids, count } = setup;
    const [pools, members] = [await count('pools'), await count('pool_members')];
    const admin = (await call(t.app, t.adminToken, 'GET', '/api/me')).body.id as string;
    const cases = [
      { list: [ids['alice']!, ids['alice']!], at: 1, first: 0 },
      { list: [admin, ids['alice']!, admin], at: 2, first: 0 },
    ];
    for (const { list, at, first } of cases) {
      const created = await call(t.app, t.adminToken, 'POST', '/api/pools', {
        key: 'twice',
        name: { en: 'Twice' },
        policyId: 'crm-customer-pool',
        members: list.map((userId, i) => ({ userId, ...(i === at ? { role: 'admin' } : {}) })),
      });
      expect(created.status).toBe(400);
      expect(created.body.error.details).toEqual([
        expect.objectContaining({
          path: `/body/members/${at}/userId`,
          code: 'member-repeated',
          params: { userId: list[at], first },
        }),
      ]);
    }
    expect([await count('pools'), await count('pool_members')]).toEqual([pools, members]);

    // Adding a member again through the pool's members is a change (here none), not a second membership.
    const again = await call(t.app, t.adminToken, 'POST', '/api/pools/crm/members', {
      userId: ids['alice'],
    });
    expect(again.status).toBe(200);
    expect(again.body.members).toEqual([{ userId: ids['alice'], role: 'member', capacity: null }]);
  });
});
