// Login attempts are limited per username and per client address (429 with Retry-After), without telling
// which usernames exist; time moves on the app's manual clock.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { backends, build, call, type TestApp } from './helpers.js';

interface Attempt {
  status: number;
  body: { error?: { code: string; message: string }; token?: string };
  retryAfter: string | undefined;
}

async function attempt(
  app: FastifyInstance,
  username: string,
  password: string,
  address = '198.51.100.1',
): Promise<Attempt> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
    remoteAddress: address,
  });
  return {
    status: res.statusCode,
    body: res.json(),
    retryAfter: res.headers['retry-after'] as string | undefined,
  };
}

describe.each(backends)('login limits (%s)', (backend) => {
  let t: TestApp;
  const advance = (minutes: number) =>
    call(t.app, t.adminToken, 'POST', '/api/clock/advance', { minutes });

  beforeAll(async () => {
    t = await build(backend);
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin'])
      await t.app.auth.createUser({ username: name, password: `${name}-password-12` });
  });
  afterAll(() => t.close());

  it('refuses a username after 5 failures with 429 and Retry-After, even with the right password, until 15 minutes pass', async () => {
    for (let i = 0; i < 5; i++) {
      const wrong = await attempt(t.app, 'alice', `guess-${i}`);
      expect(wrong.status).toBe(401);
    }
    const locked = await attempt(t.app, 'alice', 'alice-password-12');
    expect(locked.status).toBe(429);
    expect(locked.body.error?.code).toBe('POOL_ERR_RATE_LIMITED');
    expect(locked.body.token).toBeUndefined();
    expect(Number(locked.retryAfter)).toBeGreaterThan(14 * 60);
    expect(Number(locked.retryAfter)).toBeLessThanOrEqual(15 * 60);
    // Another address does not help: the count is the username's.
    expect((await attempt(t.app, 'alice', 'alice-password-12', '203.0.113.9')).status).toBe(429);

    await advance(10);
    const later = await attempt(t.app, 'alice', 'alice-password-12');
    expect(later.status).toBe(429);
    expect(Number(later.retryAfter)).toBeLessThanOrEqual(5 * 60);
    await advance(5);
    const open = await attempt(t.app, 'alice', 'alice-password-12');
    expect(open.status).toBe(200);
    expect(open.body.token).toMatch(/^pf_/);
  });

  it('answers an unknown username exactly like a wrong password, and locks it the same way', async () => {
    const replies: Attempt[] = [];
    for (let i = 0; i < 6; i++) {
      replies.push(await attempt(t.app, 'bob', `guess-${i}`, '198.51.100.2'));
      replies.push(await attempt(t.app, 'nobody-here', `guess-${i}`, '198.51.100.3'));
    }
    const shape = (a: Attempt) => [a.status, a.body, a.retryAfter === undefined];
    for (let i = 0; i < replies.length; i += 2) {
      expect(shape(replies[i + 1]!)).toEqual(shape(replies[i]!));
    }
    expect(replies.map((r) => r.status)).toEqual([...Array<number>(10).fill(401), 429, 429]);
    expect(replies[0]!.body.error?.message).toBe('wrong username or password');
  });

  it('takes as long (scrypt) for an unknown username as for a wrong password', async () => {
    await advance(15);
    // The process's CPU time (scrypt runs on libuv's threads, counted too), not the wall clock: on a
    // loaded machine the wall time of one login swings by more than the ratio checked below.
    const time = async (username: string) => {
      const started = process.cpuUsage();
      const reply = await attempt(t.app, username, 'not-the-password', '198.51.100.4');
      expect(reply.status).toBe(401);
      const { user, system } = process.cpuUsage(started);
      return (user + system) / 1000;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time('carol'));
      unknown.push(await time(`ghost-${i}`));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
    // Without the dummy hash an unknown name answers after one indexed read (about 1 ms), scrypt takes tens.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
  });

  it('resets the username count on a successful login', async () => {
    for (let i = 0; i < 4; i++)
      expect((await attempt(t.app, 'dave', `guess-${i}`)).status).toBe(401);
    expect((await attempt(t.app, 'dave', 'dave-password-12')).status).toBe(200);
    for (let i = 0; i < 5; i++)
      expect((await attempt(t.app, 'dave', `again-${i}`)).status).toBe(401);
    expect((await attempt(t.app, 'dave', 'dave-password-12')).status).toBe(429);
  });

  it('lets exactly 5 of 20 parallel guesses through to the password check', async () => {
    await advance(15);
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => attempt(t.app, 'erin', `burst-${i}`, `192.0.2.${i}`)),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array<number>(5).fill(401), ...Array<number>(15).fill(429)]);
  });

  it('refuses an address after 30 failures over any usernames, other addresses still log in', async () => {
    await advance(15);
    const address = '198.51.100.77';
    for (let i = 0; i < 30; i++) {
      // Every username different: only the address count can stop this.
      expect((await attempt(t.app, `spray-${i}`, 'password-spray', address)).status).toBe(401);
    }
    const locked = await attempt(t.app, 'carol', 'carol-password-12', address);
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);
    expect((await attempt(t.app, 'carol', 'carol-password-12', '198.51.100.78')).status).toBe(200);
  });

  it('counts IPv6 addresses by their /64 network', async () => {
    await advance(15);
    for (let i = 0; i < 30; i++) {
      const address = `2001:db8:aa:bb::${(i + 1).toString(16)}`;
      expect((await attempt(t.app, `spray6-${i}`, 'password-spray', address)).status).toBe(401);
    }
    const sameNetwork = await attempt(
      t.app,
      'carol',
      'carol-password-12',
      '2001:db8:aa:bb:ffff::1',
    );
    expect(sameNetwork.status).toBe(429);
    const otherNetwork = await attempt(t.app, 'carol', 'carol-password-12', '2001:db8:aa:cc::1');
    expect(otherNetwork.status).toBe(200);
  });

  it('does not count successful logins against the address', async () => {
    await advance(15);
    for (let i = 0; i < 35; i++) {
      expect((await attempt(t.app, 'carol', 'carol-password-12', '198.51.100.90')).status).toBe(
        200,
      );
    }
  });

  it('lets 40 people behind one office address log in at the same moment', async () => {
    await advance(15);
    const staff = Array.from({ length: 40 }, (_, i) => `staff${i}`);
    for (const name of staff)
      await t.app.auth.createUser({ username: name, password: `${name}-password-12` });
    const replies = await Promise.all(
      staff.map((name) => attempt(t.app, name, `${name}-password-12`, '198.51.100.91')),
    );
    expect(replies.map((r) => r.status)).toEqual(Array<number>(40).fill(200));
  });

  it.runIf(backend === 'postgres')(
    'shares the counts between processes of one database',
    async () => {
      await advance(15);
      for (let i = 0; i < 5; i++)
        expect((await attempt(t.app, 'bob', `guess-${i}`)).status).toBe(401);
      const schema = (await t.app.db.raw<{ rows: { s: string }[] }>('SELECT current_schema() AS s'))
        .rows[0]!.s;
      const other = await buildApp({
        databaseUrl: process.env['DATABASE_URL'],
        dataDir: ':memory:',
        schema,
        clock: 'manual',
        secret: 'test-secret',
      });
      try {
        expect((await attempt(other, 'bob', 'bob-password-12')).status).toBe(429);
      } finally {
        await other.close();
      }
    },
  );
});
