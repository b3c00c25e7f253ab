// Malformed input (too large, broken or deep JSON, NUL characters, forged cursors) gets a 4xx.
import { describe, expect, it } from 'vitest';
import { badInputApp, paths } from './bad-input-helpers.js';
import { backends, call } from './helpers.js';

describe.each(backends)('bad input (%s)', (backend) => {
  const setup = badInputApp(backend);

  it('refuses a body over the limit, broken JSON and prototype pollution at the body', async () => {
    const { t, tokens, count } = setup;
    const records = await count('records');
    const huge = JSON.stringify({ data: { name: 'x'.repeat(1024 * 1024 + 10) } });
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/records',
      payload: huge,
      headers: { authorization: `Bearer ${tokens['alice']}`, 'content-type': 'application/json' },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toMatchObject({
      code: 'POOL_ERR_TOO_LARGE',
      message: '/body is larger than the limit of 1048576 bytes',
      details: [{ path: '/body' }],
    });

    for (const payload of [
      '{"data": {"name": ',
      '{"data": {"name": "x"}, "__proto__": {"x": 1}}',
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/pools/crm/records',
        payload,
        headers: { authorization: `Bearer ${tokens['alice']}`, 'content-type': 'application/json' },
      });
      expect(res.statusCode, payload).toBe(400);
      expect(res.json().error.details[0].path, payload).toBe('/body');
    }
    expect(await count('records')).toBe(records);
  });

  it('refuses NUL characters in bodies, query strings, paths and headers, naming the field', async () => {
    const { t, tokens, count } = setup;
    const records = await count('records');
    const alice = { authorization: `Bearer ${tokens['alice']}` };
    const body = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'AC\u0000ME' },
    });
    expect(body.status).toBe(400);
    expect(paths(body.body)).toEqual(['/body/data/name']);
    const key = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'ACME', 'ph\u0000one': '1' },
    });
    expect(paths(key.body)).toEqual(['/body/data/ph\u0000one']);
    const query = await call(t.app, tokens['alice']!, 'GET', '/api/pools/crm/records?q=a%00b');
    expect(query.status).toBe(400);
    expect(paths(query.body)).toEqual(['/querystring/q']);
    const param = await call(t.app, tokens['alice']!, 'GET', '/api/pools/cr%00m/records');
    expect(paths(param.body)).toEqual(['/params/pool']);
    const header = await t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/records',
      headers: { ...alice, 'idempotency-key': 'k\u0000' },
      payload: { data: { name: 'ACME' } },
    });
    expect(header.statusCode).toBe(400);
    expect(header.json().error.details).toEqual([
      {
        path: '/headers/idempotency-key',
        message: 'must not contain a NUL character',
        code: 'nul-character',
        params: {},
      },
    ]);
    expect(await count('records')).toBe(records);
  });

  it('refuses JSON nested 10,000 deep and a forged list cursor with a 400', async () => {
    const { t, tokens, recordId, count } = setup;
    const records = await count('records');
    const deep = await t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/records',
      headers: { authorization: `Bearer ${tokens['alice']}`, 'content-type': 'application/json' },
      payload: `{"data":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
    });
    expect(deep.statusCode).toBe(400);
    expect(deep.json().error.details).toEqual([
      {
        path: '/body',
        message: 'nests deeper than 128 levels',
        code: 'too-deep',
        params: { limit: 128 },
      },
    ]);
    expect(await count('records')).toBe(records);
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const [sort, forged] of [
      ['updated', cursor(['0', recordId])],
      ['updated', cursor(['+010000-01-01T00:00:00.000Z', recordId])],
      ['score', cursor(['1e999', recordId])],
      ['score', cursor(['1', 'not-a-uuid'])],
      ['score', 'not base64 at all!'],
    ]) {
      const res = await call(
        t.app,
        tokens['alice']!,
        'GET',
        `/api/pools/crm/records?sort=${sort}&cursor=${encodeURIComponent(forged!)}`,
      );
      expect(res.status, forged).toBe(400);
      expect(paths(res.body)).toEqual(['/querystring/cursor']);
    }
    const clock = await t.app.clock.now(t.app.db);
    const days = await t.app.inject({
      method: 'POST',
      url: '/api/clock/advance',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
      payload: '{"days": 1e999}',
    });
    expect(days.statusCode).toBe(400);
    expect(paths(days.json())).toEqual(['/body/days']);
    expect(await t.app.clock.now(t.app.db)).toBe(clock);
    const version = await call(t.app, t.adminToken, 'PATCH', '/api/pools/crm', {
      policyVersion: 1e308,
    });
    expect(version.status).toBe(400);
    expect(paths(version.body)).toEqual(['/body/policyVersion']);
    const infinite = await call(
      t.app,
      tokens['alice']!,
      'GET',
      '/api/pools/crm/records?limit=1e999',
    );
    expect(infinite.status).toBe(400);
    expect(paths(infinite.body)[0]).toBe('/querystring/limit');
  });
});
