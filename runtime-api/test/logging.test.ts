// What the logs carry: request lines without query strings, no passwords or hashes, and database errors
// by code and constraint without the values of the failing row.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';

describe.each(backends)('logs (%s)', (backend) => {
  let t: TestApp;
  let lines: string[];
  let tokens: Record<string, string>;
  const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  // The log's strings, where a leaked value would be; its numbers are timings and ids
  // (a response time of 36.25550199999998 ms holds the digits of a phone number).
  const loggedText = () =>
    JSON.stringify(parsed(), (_key, value: unknown) => (typeof value === 'number' ? 0 : value));

  beforeAll(async () => {
    lines = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    t = await build(backend, { logger: { level: 'info', stream } });
    ({ tokens } = await crmPool(t, { alice: {} }));
  });
  afterAll(() => t.close());

  it('never logs a password, a password hash or a query string', async () => {
    await call(t.app, null, 'POST', '/api/auth/login', {
      username: 'alice',
      password: 'wrong-password-4711',
    });
    await call(t.app, null, 'POST', '/api/auth/login', {
      username: 'alice',
      password: 'alice-password',
    });
    const search = await call(
      t.app,
      tokens['alice']!,
      'GET',
      `/api/pools/crm/records?q=${encodeURIComponent('+1 555 0100')}&view=pool`,
    );
    expect(search.status).toBe(200);

    const text = lines.join('\n');
    const hash = (
      (await t.app.db('users').where({ username: 'alice' }).first('password_hash')) as {
        password_hash: string;
      }
    ).password_hash;
    for (const secret of ['wrong-password-4711', 'alice-password', hash, hash.split('$')[5]!]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/555(%20| )0100/);
    // The request is still logged, by its path.
    const urls = parsed().map((l) => (l['req'] as { url?: string } | undefined)?.url);
    expect(urls).toContain('/api/pools/crm/records');
    expect(urls).toContain('/api/auth/login');
  });

  it('logs a database error by class, code and constraint, without the values of the row', async () => {
    // A constraint the writer does not know about: creating this record fails inside PostgreSQL,
    // whose error carries the whole failing row (phone included) in its detail.
    await t.app.db.raw(
      `ALTER TABLE records ADD CONSTRAINT no_test_phone CHECK (data->>'phone' IS DISTINCT FROM '+1 555 0199')`,
    );
    try {
      const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
        data: { name: 'Leaky Ltd', phone: '+1 555 0199' },
      });
      expect(created.status).toBe(500);
      expect(JSON.stringify(created.body)).not.toContain('555 0199');
    } finally {
      await t.app.db.raw('ALTER TABLE records DROP CONSTRAINT no_test_phone');
    }
    const failed = parsed().filter((l) => l['msg'] === 'request failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!['err']).toMatchObject({ code: '23514', constraint: 'no_test_phone' });
    expect(String((failed[0]!['err'] as { message: string }).message)).toMatch(
      /violates check constraint/,
    );
    const text = loggedText();
    // The whole number, in either spelling: four digits alone turn up in stack offsets.
    expect(text).not.toContain('555 0199');
    expect(text).not.toContain('5550199');
    expect(text).not.toContain('Leaky Ltd');
  });
});
