// Idempotency-Key mechanics: per-user keys, canonical bodies, concurrent duplicates, dead requests, 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredKeys, requestHash } from '../src/plugins/idempotency.plugin.js';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';

describe.each(backends)('Idempotency-Key (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  let recordId: string;
  const key = (k: string) => ({ 'idempotency-key': k });
  // A visit: the template allows one call per customer in 48 hours, and this body is sent many times.
  const followUp = { type: 'FOLLOW_UP', payload: { channel: 'visit', note: 'sent a quote' } };
  const eventsUrl = () => `/api/pools/crm/records/${recordId}/events`;
  const followUps = async () =>
    Number(
      (
        (await t.app
          .db('history')
          .where({ record_id: recordId, event_type: 'FOLLOW_UP' })
          .count({ n: '*' })
          .first()) as { n: number | string }
      ).n,
    );
  const stored = (userId: string, k: string) =>
    t.app.db('idempotency').where({ user_id: userId, key: k }).first() as Promise<
      { status: number } | undefined
    >;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { alice: {}, bob: {} }));
    const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'ACME' },
      ownerId: ids['alice'],
    });
    recordId = created.body.id as string;
  });
  afterAll(() => t.close());

  it('treats the same body with other key order as the same request', async () => {
    const first = await call(t.app, tokens['alice']!, 'POST', eventsUrl(), followUp, key('order'));
    expect(first.status).toBe(200);
    const again = await call(
      t.app,
      tokens['alice']!,
      'POST',
      eventsUrl(),
      { payload: { note: 'sent a quote', channel: 'visit' }, type: 'FOLLOW_UP' },
      key('order'),
    );
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await followUps()).toBe(1);
  });

  it('scopes keys per user and refuses the same key on another URL', async () => {
    const bobs = await call(
      t.app,
      tokens['bob']!,
      'POST',
      '/api/notifications/read',
      {},
      key('order'),
    );
    expect(bobs.status).toBe(200);
    const otherUrl = await call(
      t.app,
      tokens['alice']!,
      'POST',
      '/api/notifications/read',
      {},
      key('order'),
    );
    expect(otherUrl.status).toBe(422);
    expect(otherUrl.body.error.code).toBe('POOL_ERR_IDEMPOTENCY_MISMATCH');
  });

  it('stores refusals (4xx) but not requests that failed validation', async () => {
    const taken = await call(
      t.app,
      tokens['bob']!,
      'POST',
      `/api/pools/crm/records/${recordId}/claim`,
      undefined,
      key('claim-1'),
    );
    expect(taken.status).toBe(409);
    const replay = await t.app.inject({
      method: 'POST',
      url: `/api/pools/crm/records/${recordId}/claim`,
      headers: { authorization: `Bearer ${tokens['bob']}`, ...key('claim-1') },
    });
    expect(replay.statusCode).toBe(409);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(taken.body);

    const invalid = await call(
      t.app,
      tokens['alice']!,
      'POST',
      eventsUrl(),
      { type: 'x' },
      key('v'),
    );
    expect(invalid.status).toBe(400);
    expect(await stored(ids['alice']!, 'v')).toBeUndefined();
    const fixed = await call(t.app, tokens['alice']!, 'POST', eventsUrl(), followUp, key('v'));
    expect(fixed.status).toBe(200);
    expect(await followUps()).toBe(2);
  });

  it('runs only one of two concurrent duplicates', async () => {
    const before = await followUps();
    const both = await Promise.all(
      [0, 1].map(() =>
        t.app.inject({
          method: 'POST',
          url: eventsUrl(),
          payload: followUp,
          headers: { authorization: `Bearer ${tokens['alice']}`, ...key('twice') },
        }),
      ),
    );
    const outcomes = both
      .map((r) =>
        r.statusCode === 200 && r.headers['idempotent-replayed']
          ? 'replayed'
          : String(r.statusCode),
      )
      .sort();
    // The loser either waits out nothing (409 in progress) or comes after the winner (replay).
    expect([
      ['200', '409'],
      ['200', 'replayed'],
    ]).toContainEqual(outcomes);
    expect(await followUps()).toBe(before + 1);
  });

  it('answers 409 while the first request runs, and lets a retry take over a dead one', async () => {
    const hash = requestHash('POST', eventsUrl(), followUp);
    await t.app.db('idempotency').insert({
      user_id: ids['alice'],
      key: 'running',
      request_hash: hash,
      status: 0,
      response: 'null',
    });
    const busy = await call(t.app, tokens['alice']!, 'POST', eventsUrl(), followUp, key('running'));
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('POOL_ERR_IDEMPOTENCY_IN_PROGRESS');

    const before = await followUps();
    await t.app.db('idempotency').insert({
      user_id: ids['alice'],
      key: 'dead',
      request_hash: hash,
      status: 0,
      response: 'null',
      created_at: new Date(Date.now() - 3600_000),
    });
    const retried = await call(t.app, tokens['alice']!, 'POST', eventsUrl(), followUp, key('dead'));
    expect(retried.status).toBe(200);
    expect(await followUps()).toBe(before + 1);
    expect((await stored(ids['alice']!, 'dead'))?.status).toBe(200);
  });

  it('lets the key go after a 5xx, so the retry runs', async () => {
    await t.app.db.raw('ALTER TABLE notifications RENAME TO notifications_away');
    const failed = await call(
      t.app,
      tokens['bob']!,
      'POST',
      '/api/notifications/read',
      {},
      key('5xx'),
    );
    await t.app.db.raw('ALTER TABLE notifications_away RENAME TO notifications');
    expect(failed.status).toBe(500);
    expect(await stored(ids['bob']!, '5xx')).toBeUndefined();
    const retried = await call(
      t.app,
      tokens['bob']!,
      'POST',
      '/api/notifications/read',
      {},
      key('5xx'),
    );
    expect(retried.status).toBe(200);
    expect((await stored(ids['bob']!, '5xx'))?.status).toBe(200);
  });

  it('names the header when the key is too long, and ignores keys on reads and login', async () => {
    const long = await call(
      t.app,
      tokens['alice']!,
      'POST',
      eventsUrl(),
      followUp,
      key('k'.repeat(201)),
    );
    expect(long.status).toBe(400);
    expect(long.body.error.details[0].path).toBe('/headers/idempotency-key');

    const rows = async () =>
      Number(
        ((await t.app.db('idempotency').count({ n: '*' }).first()) as { n: number | string }).n,
      );
    const before = await rows();
    await call(
      t.app,
      tokens['alice']!,
      'GET',
      eventsUrl().replace('/events', ''),
      undefined,
      key('r'),
    );
    const login = await call(
      t.app,
      null,
      'POST',
      '/api/auth/login',
      { username: 'alice', password: 'alice-password' },
      key('login'),
    );
    expect(login.status).toBe(200);
    expect(await rows()).toBe(before);
  });

  // Last in this file: it moves the (manual) clock two days on.
  it('forgets a key after 24 hours: the same key then runs again, and the purge drops old responses', async () => {
    const alice = tokens['alice']!;
    expect((await call(t.app, alice, 'POST', eventsUrl(), followUp, key('daily'))).status).toBe(
      200,
    );
    const other = { type: 'FOLLOW_UP', payload: { channel: 'visit', note: 'demo' } };
    const refused = await call(t.app, alice, 'POST', eventsUrl(), other, key('daily'));
    expect(refused.body.error.code).toBe('POOL_ERR_IDEMPOTENCY_MISMATCH');

    await t.app.clock.advance(t.app.db, 25 * 3_600_000);
    const before = await followUps();
    const again = await call(t.app, alice, 'POST', eventsUrl(), other, key('daily'));
    expect(again.status).toBe(200);
    expect(await followUps()).toBe(before + 1);
    // Within the day the new response is the one replayed.
    const replay = await call(t.app, alice, 'POST', eventsUrl(), other, key('daily'));
    expect(replay.body).toEqual(again.body);
    expect(await followUps()).toBe(before + 1);

    expect((await call(t.app, alice, 'POST', eventsUrl(), followUp, key('old'))).status).toBe(200);
    await t.app.clock.advance(t.app.db, 25 * 3_600_000);
    expect((await call(t.app, alice, 'POST', eventsUrl(), followUp, key('fresh'))).status).toBe(
      200,
    );
    expect(await purgeExpiredKeys(t.app, 24)).toBeGreaterThanOrEqual(2);
    expect(await stored(ids['alice']!, 'daily')).toBeUndefined();
    expect(await stored(ids['alice']!, 'old')).toBeUndefined();
    expect((await stored(ids['alice']!, 'fresh'))?.status).toBe(200);
  });
});
