// Refusals of a list's state filter, a stats breakdown and Fastify's own refusals of a body (a media type
// no route takes, a body over the limit or of another size than its Content-Length) carry a stable detail code and params beside their English
// message; each reply keeps its status and POOL_ERR_* code.
import { describe, expect, it } from 'vitest';
import { badInputApp } from './bad-input-helpers.js';
import { backends, call } from './helpers.js';

type Reply = { status: number; body: { error: { code: string; details: unknown } } };

/** A refusal with `status` and `error.code` whose one detail is `path message` with `code` and `params`. */
function expectRefusal(
  res: Reply,
  [status, errorCode]: [number, string],
  path: string,
  message: string,
  code: string,
  params: Record<string, unknown>,
) {
  expect(res.status, `${path} ${code}`).toBe(status);
  expect(res.body.error.code).toBe(errorCode);
  expect(res.body.error.details).toEqual([{ path, message, code, params }]);
}

const INVALID: [number, string] = [400, 'POOL_ERR_INVALID_PAYLOAD'];
const CRM_STATES = ['owned', 'pool', 'nurture', 'review', 'won', 'lost'];

describe.each(backends)('refusal codes: state filter, breakdown, body (%s)', (backend) => {
  const setup = badInputApp(backend);
  /** A new record's POST as alice, with the body and headers as given. */
  const post = async (payload: string, headers: Record<string, string>): Promise<Reply> => {
    const res = await setup.t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/records',
      headers: { authorization: `Bearer ${setup.tokens['alice']}`, ...headers },
      payload,
    });
    return { status: res.statusCode, body: res.json() };
  };

  it("words a state filter that is no state of the pool's policy, in the list and the export", async () => {
    const { t, tokens } = setup;
    const message = `this pool has no state closed; its states: ${CRM_STATES.join(', ')}`;
    const params = { state: 'closed', states: CRM_STATES };
    for (const [token, url] of [
      [tokens['alice']!, '/api/pools/crm/records?state=closed'],
      [t.adminToken, '/api/pools/crm/records?view=all&state=closed'],
      [t.adminToken, '/api/pools/crm/export?state=closed'],
    ] as const) {
      const res = await call(t.app, token, 'GET', url);
      expectRefusal(res, INVALID, '/querystring/state', message, 'state-not-in-policy', params);
    }
  });

  it('words a stats breakdown by a field without fixed values, naming the ones it may be by', async () => {
    const { t } = setup;
    for (const by of ['phone', 'colour']) {
      expectRefusal(
        await call(t.app, t.adminToken, 'GET', `/api/pools/crm/stats?by=${by}`),
        INVALID,
        '/querystring/by',
        `${by} is not a field with fixed values; one of: industry, level`,
        'not-breakdown-field',
        { name: by, allowed: ['industry', 'level'] },
      );
    }
  });

  it('words a body of a media type no route takes, or over the limit, and writes nothing', async () => {
    const { count } = setup;
    const records = await count('records');
    for (const [type, value, body] of [
      ['application/xml; charset=utf-8', 'application/xml', '<data name="x"/>'],
      ['', '', '<data name="x"/>'],
      // JSON sent as text is refused for its type, not as a string that "must be object".
      ['text/plain', 'text/plain', '{"data":{"name":"ACME"}}'],
    ] as const) {
      expectRefusal(
        await post(body, type ? { 'content-type': type } : {}),
        [415, 'POOL_ERR_INVALID_PAYLOAD'],
        '/headers/content-type',
        'must be application/json',
        'content-type',
        { value, allowed: ['application/json'] },
      );
    }
    const huge = JSON.stringify({ data: { name: 'x'.repeat(1024 * 1024 + 10) } });
    expectRefusal(
      await post(huge, { 'content-type': 'application/json' }),
      [413, 'POOL_ERR_TOO_LARGE'],
      '/body',
      'is larger than the limit of 1048576 bytes',
      'too-large',
      { limit: 1048576 },
    );
    expect(await count('records')).toBe(records);
  });

  it('words a body of another size than its Content-Length said, and writes nothing', async () => {
    const { count } = setup;
    const records = await count('records');
    for (const declared of ['5', '100']) {
      expectRefusal(
        await post(JSON.stringify({ data: { name: 'Sized Co' } }), {
          'content-type': 'application/json',
          'content-length': declared,
        }),
        INVALID,
        '/headers/content-length',
        'does not match the size of the body sent',
        'content-length',
        { value: declared },
      );
    }
    expect(await count('records')).toBe(records);
  });
});
