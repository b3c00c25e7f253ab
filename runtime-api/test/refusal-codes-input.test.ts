// Refusals of a request's form (the input guard's, an Idempotency-Key, a list's cursor, owner and field
// filters, a stats range) carry a stable detail code and params beside their English message.
import { describe, expect, it } from 'vitest';
import { badInputApp } from './bad-input-helpers.js';
import { backends, call } from './helpers.js';

type Reply = { status: number; body: { error: { code: string; details: unknown } } };

/** A 400 whose one detail is `path message` with `code` and `params`. */
function expectRefusal(
  res: Reply,
  path: string,
  message: string,
  code: string,
  params: Record<string, unknown>,
) {
  expect(res.status, `${path} ${code}`).toBe(400);
  expect(res.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
  expect(res.body.error.details).toEqual([{ path, message, code, params }]);
}

describe.each(backends)('refusal codes: request input (%s)', (backend) => {
  const setup = badInputApp(backend);
  const post = async (payload: string, headers: Record<string, string> = {}): Promise<Reply> => {
    const res = await setup.t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/records',
      headers: {
        authorization: `Bearer ${setup.tokens['alice']}`,
        'content-type': 'application/json',
        ...headers,
      },
      payload,
    });
    return { status: res.statusCode, body: res.json() };
  };

  it("words the input guard's refusals of a body, and writes nothing", async () => {
    const { t, count } = setup;
    const records = await count('records');
    // The parser's own words are its reason (they vary with Node's version).
    const broken = await post('{"data": {"name": ');
    const reason = (broken.body.error.details as { params?: { reason?: unknown } }[])[0]?.params
      ?.reason;
    expect(reason).toEqual(expect.stringMatching(/JSON/));
    // Cut short: V8 says the input ended, so it goes wrong at its last character (18).
    expectRefusal(broken, '/body', `is not JSON: ${String(reason)}`, 'body-not-json', {
      reason,
      character: 18,
    });
    // Where V8 names the position, the character is the one after it (1-based).
    const misplaced = await post('{"data": {"name": "x"} "z"}');
    const said = (misplaced.body.error.details as { params: { reason: string } }[])[0]!.params
      .reason;
    expect(said).toMatch(/at position 23/);
    expectRefusal(misplaced, '/body', `is not JSON: ${said}`, 'body-not-json', {
      reason: said,
      character: 24,
    });
    expectRefusal(
      await post('{"data": {"name": "x"}, "__proto__": {"x": 1}}'),
      '/body',
      'has a forbidden __proto__ key',
      'forbidden-key',
      { key: '__proto__' },
    );
    expectRefusal(
      await post('{"data": {"name": "x", "constructor": {"prototype": {}}}}'),
      '/body',
      'has a forbidden constructor.prototype key',
      'forbidden-key',
      { key: 'constructor.prototype' },
    );
    expectRefusal(
      await post(`{"data":${'['.repeat(200)}${']'.repeat(200)}}`),
      '/body',
      'nests deeper than 128 levels',
      'too-deep',
      { limit: 128 },
    );
    expectRefusal(
      await post('{"data": {"name": "AC\\u0000ME"}}'),
      '/body/data/name',
      'must not contain a NUL character',
      'nul-character',
      {},
    );
    expectRefusal(
      await call(t.app, setup.tokens['alice']!, 'GET', '/api/pools/crm/records?q=a%00b'),
      '/querystring/q',
      'must not contain a NUL character',
      'nul-character',
      {},
    );
    expect(await count('records')).toBe(records);
    // A query's "1e999" is coerced to Infinity, which passes an integer schema: refused after it.
    expectRefusal(
      await call(t.app, setup.tokens['alice']!, 'GET', '/api/pools/crm/records?limit=1e999'),
      '/querystring/limit',
      'must be a finite number',
      'not-finite',
      {},
    );
  });

  it('words an Idempotency-Key that is empty or too long, and takes no key', async () => {
    const { count } = setup;
    const records = await count('records');
    const keys = await count('idempotency');
    for (const key of ['', 'k'.repeat(201)]) {
      expectRefusal(
        await post('{"data": {"name": "Keyed Co"}}', { 'idempotency-key': key }),
        '/headers/idempotency-key',
        'must be 1 to 200 characters',
        'key-length',
        { min: 1, max: 200, length: key.length },
      );
    }
    expect(await count('records')).toBe(records);
    expect(await count('idempotency')).toBe(keys);
  });

  it("words a list's forged cursor, an owner filter outside view=all, and bad field filters", async () => {
    const { t, tokens } = setup;
    const list = (token: string, query: string) =>
      call(t.app, token, 'GET', `/api/pools/crm/records?${query}`);
    expectRefusal(
      await list(tokens['alice']!, 'cursor=not-a-cursor'),
      '/querystring/cursor',
      'is not a cursor from a previous page',
      'bad-cursor',
      {},
    );
    expectRefusal(
      await call(t.app, t.adminToken, 'GET', '/api/pools?cursor=x'),
      '/querystring/cursor',
      'is not a cursor from a previous page',
      'bad-cursor',
      {},
    );
    expectRefusal(
      await list(tokens['alice']!, 'view=mine&owner=someone'),
      '/querystring/owner',
      'needs view=all',
      'owner-needs-all',
      { view: 'mine' },
    );
    expectRefusal(
      await list(t.adminToken, 'owner=someone'),
      '/querystring/owner',
      'needs view=all',
      'owner-needs-all',
      { view: 'pool' },
    );
    const eleven = Array.from({ length: 11 }, () => 'level:A').join(',');
    expectRefusal(
      await list(t.adminToken, `view=all&fields=${eleven}`),
      '/querystring/fields',
      'takes at most 10 filters',
      'too-many-filters',
      { limit: 10 },
    );
    expectRefusal(
      await list(t.adminToken, 'view=all&fields=name:ACME'),
      '/querystring/fields',
      'name is not a field with fixed values',
      'not-filterable',
      { name: 'name' },
    );
    expectRefusal(
      await list(t.adminToken, 'view=all&fields=level:Z'),
      '/querystring/fields',
      'level must be one of: A, B, C',
      'value-not-allowed',
      { name: 'level', value: 'Z', allowed: ['A', 'B', 'C'] },
    );
  });

  it('words a stats range before 1970, ending before it starts, or longer than 400 days', async () => {
    const { t } = setup;
    const stats = (query: string) =>
      call(t.app, t.adminToken, 'GET', `/api/pools/crm/stats?${query}`);
    expectRefusal(
      await stats('from=1969-12-01T00:00:00Z&to=1970-01-10T00:00:00Z'),
      '/querystring/from',
      'the range starts no earlier than 1970-01-01T00:00:00Z',
      'range-floor',
      { floor: '1970-01-01T00:00:00Z' },
    );
    expectRefusal(
      await stats('from=2026-03-01T00:00:00Z&to=2026-02-01T08:00:00%2B08:00'),
      '/querystring/from',
      'must be before to',
      'from-not-before-to',
      { from: '2026-03-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' },
    );
    expectRefusal(
      await stats('from=2024-01-01T00:00:00Z&to=2025-03-01T00:00:00Z'),
      '/querystring/from',
      'the range is at most 400 days',
      'range-too-long',
      { from: '2024-01-01T00:00:00.000Z', to: '2025-03-01T00:00:00.000Z', limit: 400 },
    );
    expectRefusal(
      await call(
        t.app,
        t.adminToken,
        'GET',
        '/api/pools/crm/stats/reps?from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:00Z',
      ),
      '/querystring/from',
      'must be before to',
      'from-not-before-to',
      { from: '2026-03-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' },
    );
  });
});
