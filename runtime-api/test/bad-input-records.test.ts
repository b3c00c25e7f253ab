// Bad record data, events and releases get a 4xx naming the field; the record keeps its state.
import { describe, expect, it } from 'vitest';
import { badInputApp, paths } from './bad-input-helpers.js';
import { backends, call } from './helpers.js';

describe.each(backends)('bad input (%s)', (backend) => {
  const setup = badInputApp(backend);

  it('names /body/data/<field> for record data failing the entity schema', async () => {
    const { t, tokens, count } = setup;
    const records = await count('records');
    const res = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { industry: 'space', urgency: 9 },
    });
    expect(res.status).toBe(400);
    expect(paths(res.body).sort()).toEqual([
      '/body/data/industry',
      '/body/data/name',
      '/body/data/urgency',
    ]);
    expect(await count('records')).toBe(records);
  });

  it('refuses record data with a field the pool does not define, naming it', async () => {
    const { t, tokens, count } = setup;
    const records = await count('records');
    const res = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'ACME', colour: 'red' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      {
        path: '/body/data/colour',
        message: 'colour is not a field of this pool',
        code: 'schema',
        params: { keyword: 'additionalProperties', additionalProperty: 'colour' },
      },
    ]);
    expect(await count('records')).toBe(records);
    const routed = await call(t.app, t.adminToken, 'POST', '/api/pools/crm/routing/test', {
      data: { name: 'ACME', colour: 'red' },
    });
    expect(routed.status).toBe(400);
    expect(paths(routed.body)).toEqual(['/body/data/colour']);
  });

  it('names /body/payload/<field> for an event payload failing its schema', async () => {
    const { t, tokens, recordId, count, eventsUrl } = setup;
    const history = await count('history', { record_id: recordId });
    const res = await call(t.app, tokens['alice']!, 'POST', eventsUrl(), {
      type: 'FOLLOW_UP',
      payload: { channel: 'pigeon', colour: 'red' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
    // Each detail as every other 400's: the validator's keyword and params, to word it by.
    expect(res.body.error.details).toEqual([
      {
        path: '/body/payload/note',
        message: "must have required property 'note'",
        code: 'schema',
        params: { keyword: 'required', missingProperty: 'note' },
      },
      {
        path: '/body/payload/colour',
        message: 'is not a known field',
        code: 'schema',
        params: { keyword: 'additionalProperties', additionalProperty: 'colour' },
      },
      {
        path: '/body/payload/channel',
        message: 'must be equal to one of the allowed values: call, visit, email, wechat',
        code: 'schema',
        params: { keyword: 'enum', allowedValues: ['call', 'visit', 'email', 'wechat'] },
      },
    ]);
    expect(res.body.error.message).toContain('/body/payload/colour is not a known field');
    expect(await count('history', { record_id: recordId })).toBe(history);
  });

  it('refuses a payload on an event whose policy gives it none, writing nothing', async () => {
    const { t, tokens, recordId, count, eventsUrl } = setup;
    const history = await count('history', { record_id: recordId });
    // WIN has no payload in the CRM template: a field sent with it was kept in history as sent.
    const win = await call(t.app, tokens['alice']!, 'POST', eventsUrl(), {
      type: 'WIN',
      payload: { userId: 'bob', junk: 'x'.repeat(10_000) },
    });
    expect(win.status).toBe(400);
    expect(win.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
    expect(paths(win.body)).toEqual(['/body/payload/userId', '/body/payload/junk']);
    expect(await count('history', { record_id: recordId })).toBe(history);
    const record = await call(t.app, tokens['alice']!, 'GET', eventsUrl().replace(/\/events$/, ''));
    expect(record.body.state).toBe('owned');
  });

  it('replays a retried event once and refuses its key for another body', async () => {
    const { t, tokens, recordId, count, eventsUrl } = setup;
    const headers = { 'idempotency-key': 'follow-up-1' };
    const body = { type: 'FOLLOW_UP', payload: { channel: 'call', note: 'first call' } };
    const first = await call(t.app, tokens['alice']!, 'POST', eventsUrl(), body, headers);
    expect(first.status).toBe(200);
    const retry = await t.app.inject({
      method: 'POST',
      url: eventsUrl(),
      payload: body,
      headers: { authorization: `Bearer ${tokens['alice']}`, ...headers },
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.body);
    expect(await count('history', { record_id: recordId, event_type: 'FOLLOW_UP' })).toBe(1);

    const other = await call(
      t.app,
      tokens['alice']!,
      'POST',
      eventsUrl(),
      { type: 'FOLLOW_UP', payload: { channel: 'call', note: 'second call' } },
      headers,
    );
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('POOL_ERR_IDEMPOTENCY_MISMATCH');
    expect(await count('history', { record_id: recordId, event_type: 'FOLLOW_UP' })).toBe(1);
  });

  it('names /body/type for an event the policy does not have (400, not a 409), writing nothing', async () => {
    const { t, tokens, recordId, count, eventsUrl } = setup;
    const history = await count('history', { record_id: recordId });
    const res = await call(t.app, tokens['alice']!, 'POST', eventsUrl(), { type: 'FOLLOWUP' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
    expect(res.body.error.details).toEqual([
      {
        path: '/body/type',
        message: expect.stringMatching(/^this pool has no event FOLLOWUP; its events: .*FOLLOW_UP/),
        code: 'unknown-event',
        params: { type: 'FOLLOWUP', events: expect.arrayContaining(['FOLLOW_UP', 'CLAIM']) },
      },
    ]);
    expect(await count('history', { record_id: recordId })).toBe(history);
  });

  it('refuses a release whose reason is only blanks, naming /body/reason, and keeps the record', async () => {
    const { t, tokens, ids, recordId } = setup;
    const before = await call(t.app, tokens['alice']!, 'GET', `/api/pools/crm/records/${recordId}`);
    for (const reason of ['   ', '\t\n', '\u3000']) {
      const res = await call(
        t.app,
        tokens['alice']!,
        'POST',
        `/api/pools/crm/records/${recordId}/release`,
        { reason },
      );
      expect(res.status, JSON.stringify(reason)).toBe(400);
      expect(res.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
      expect(res.body.error.details).toEqual([
        { path: '/body/reason', message: 'must not be blank', code: 'blank-reason', params: {} },
      ]);
      // The same release sent as an event: the template's reason must not be blank either.
      const event = await call(
        t.app,
        tokens['alice']!,
        'POST',
        `/api/pools/crm/records/${recordId}/events`,
        { type: 'RELEASE', payload: { reason } },
      );
      expect(event.status, JSON.stringify(reason)).toBe(400);
      expect(event.body.error.details).toEqual([
        {
          path: '/body/payload/reason',
          message: 'must not be blank',
          code: 'schema',
          params: { keyword: 'pattern', pattern: '\\S' },
        },
      ]);
    }
    const after = await call(t.app, tokens['alice']!, 'GET', `/api/pools/crm/records/${recordId}`);
    expect(after.body).toMatchObject({
      state: 'owned',
      ownerId: ids['alice'],
      seq: before.body.seq,
    });
  });
});
