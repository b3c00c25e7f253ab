// Usernames are one name whatever their case: login takes any case and counts its attempts under one
// key, the database refuses a second case of a name, and a database that held such a pair keeps both.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usernameCase } from '../src/db/username-case-migration.js';
import { hashPassword } from '../src/services/auth.service.js';
import { backends, build, call, type TestApp } from './helpers.js';

describe.each(backends)('username case (%s)', (backend) => {
  let t: TestApp;
  const logIn = (username: string, password: string) =>
    call(t.app, null, 'POST', '/api/auth/login', { username, password });
  const newUser = (username: string) =>
    call(t.app, t.adminToken, 'POST', '/api/users', {
      username,
      password: `${username.toLowerCase()}-password`,
    });
  const usersNamed = async (name: string) =>
    Number(
      (
        (await t.app
          .db('users')
          .whereRaw('lower(username) = ?', [name])
          .count({ n: '*' })
          .first()) as {
          n: unknown;
        }
      ).n,
    );

  beforeAll(async () => {
    t = await build(backend);
  });
  afterAll(() => t.close());

  it('logs a user in by their username in any case, as that user', async () => {
    const created = await newUser('Grace');
    expect(created.status).toBe(201);
    for (const name of ['Grace', 'grace', 'GRACE']) {
      const reply = await logIn(name, 'grace-password');
      expect(reply.status).toBe(200);
      expect(reply.body.user).toMatchObject({ id: created.body.id, username: 'Grace' });
    }
    expect((await logIn('grace', 'wrong-password')).status).toBe(401);
  });

  it('counts login attempts against a username whatever its case', async () => {
    expect((await newUser('frank')).status).toBe(201);
    for (const name of ['frank', 'FRANK', 'Frank', 'fRANK', 'FrAnK'])
      expect((await logIn(name, 'a-guess-at-it')).status).toBe(401);
    const locked = await logIn('frank', 'frank-password');
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('POOL_ERR_RATE_LIMITED');
  });

  it('creates one of two names differing only by case sent at once, refusing the other', async () => {
    const replies = await Promise.all(['Ivy', 'IVY'].map(newUser));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 400]);
    expect(replies.find((r) => r.status === 400)!.body.error.details[0]).toMatchObject({
      path: '/body/username',
      code: 'key-taken',
    });
    expect(await usersNamed('ivy')).toBe(1);
  });

  it('keeps both accounts of a pair that differed only by case before the migration', async () => {
    const hana = await newUser('hana');
    expect(hana.status).toBe(201);
    // A database of an earlier Poolflow: no index, and a second case of the name written then.
    await usernameCase.down(t.app.db);
    const older = randomUUID();
    await t.app.db('users').insert({
      id: older,
      username: 'Hana',
      display_name: 'Hana',
      password_hash: await hashPassword('older-hana-password'),
      roles: JSON.stringify(['member']),
      attributes: JSON.stringify({}),
    });
    await usernameCase.up(t.app.db);

    // Each logs in by their exact name; another case names neither of them.
    expect((await logIn('hana', 'hana-password')).body.user.id).toBe(hana.body.id);
    expect((await logIn('Hana', 'older-hana-password')).body.user.id).toBe(older);
    expect((await logIn('HANA', 'hana-password')).status).toBe(401);
    const third = await newUser('HANA');
    expect(third.status).toBe(400);
    expect(third.body.error.details[0]).toMatchObject({ path: '/body/username' });
    expect(await usersNamed('hana')).toBe(2);
  });
});
