// A lone UTF-16 surrogate ("\ud800", which PostgreSQL's json refuses) anywhere in a JSON body is a 400
// naming the field, as a NUL is, and nothing is written; a user's new roles never commit without their
// activity entry. A path or query string (UTF-8) cannot carry one.
import { describe, expect, it } from 'vitest';
import { badInputApp } from './bad-input-helpers.js';
import { backends, call } from './helpers.js';

type Reply = { status: number; body: { error: { code: string; details: unknown } } };

/** A 400 whose one detail names `path` as holding an unpaired surrogate. */
function expectSurrogate(res: Reply, path: string) {
  expect(res.status, path).toBe(400);
  expect(res.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
  expect(res.body.error.details).toEqual([
    {
      path,
      message: 'must not contain an unpaired UTF-16 surrogate',
      code: 'unpaired-surrogate',
      params: {},
    },
  ]);
}

describe.each(backends)('unpaired surrogates (%s)', (backend) => {
  const setup = badInputApp(backend);
  /** Sends the JSON text as it is: `\ud800` escaped, as a client's JSON.stringify writes it. */
  const send = async (method: 'POST' | 'PATCH', url: string, json: string, token?: string) => {
    const res = await setup.t.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${token ?? setup.tokens['alice']}`,
        'content-type': 'application/json',
      },
      payload: json,
    });
    return { status: res.statusCode, body: res.json() } as Reply;
  };

  it('refuses one in a record value or key, at any depth, creating nothing', async () => {
    const { count } = setup;
    const records = await count('records');
    const url = '/api/pools/crm/records';
    expectSurrogate(await send('POST', url, '{"data":{"name":"x\\ud800"}}'), '/body/data/name');
    expectSurrogate(
      await send('POST', url, '{"data":{"name":"ACME","ph\\udc00one":"1"}}'),
      '/body/data/ph\udc00one',
    );
    expectSurrogate(
      await send('POST', url, '{"data":{"name":"ACME","tags":["ok","\\udbff"]}}'),
      '/body/data/tags/1',
    );
    // A pair is one character (an emoji), and is written.
    const pair = await send('POST', url, '{"data":{"name":"ACME \\ud83d\\ude00"}}');
    expect(pair.status).toBe(201);
    expect(await count('records')).toBe(records + 1);
  });

  it('refuses one in an event payload, writing no history', async () => {
    const { count, recordId, eventsUrl } = setup;
    const history = await count('history', { record_id: recordId });
    const res = await send(
      'POST',
      eventsUrl(),
      '{"type":"FOLLOW_UP","payload":{"channel":"call","note":"called \\ud800"}}',
    );
    expectSurrogate(res, '/body/payload/note');
    expect(await count('history', { record_id: recordId })).toBe(history);
  });

  it('refuses one in a user change, so no role is granted without an activity entry', async () => {
    const { t, ids, count } = setup;
    const user = `/api/users/${ids['alice']}`;
    const activity = await count('activity');
    const res = await send(
      'PATCH',
      user,
      '{"displayName":"Quiet \\ud800","roles":["admin"]}',
      t.adminToken,
    );
    expectSurrogate(res, '/body/displayName');
    const alice = await t.app.db('users').where({ id: ids['alice'] }).first('roles');
    expect(alice?.roles).toEqual(['member']);
    expect(await count('activity')).toBe(activity);
  });

  it('never decodes one from a path or a query string', async () => {
    const { t, tokens } = setup;
    const alice = tokens['alice']!;
    // UTF-8 cannot carry one: %ED%A0%80 in a path is a bad URL, in a query string it stays as sent.
    const path = await call(t.app, alice, 'GET', '/api/pools/cr%ED%A0%80m/records');
    expect(path.status).toBe(400);
    const query = await call(t.app, alice, 'GET', '/api/pools/crm/records?q=%ED%A0%80');
    expect(query.status).toBe(200);
    expect(query.body.items).toEqual([]);
  });
});
