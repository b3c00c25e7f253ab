// The CRM story over HTTP with the manual clock, on PGlite or PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';

describe.each(backends)('CRM pool over HTTP (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { alice: {}, bob: {}, carol: { roles: ['manager'] } }));
  });
  afterAll(() => t.close());

  it('reminds, releases after 30 days, refuses the previous owner, lets another rep claim, keeps history', async () => {
    const { app, adminToken } = t;
    const created = await call(app, tokens['alice'], 'POST', '/api/pools/crm/records', {
      data: { name: 'ACME Trading', industry: 'trade', phone: '13800000000' },
      ownerId: ids['alice'],
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ state: 'owned', ownerId: ids['alice'], pooled: false });
    expect(created.body.timers.map((x: { delay: string }) => x.delay)).toEqual([
      'remind',
      'escalate',
      'release',
    ]);

    // Day 10: a follow-up restarts protection.
    await call(app, adminToken, 'POST', '/api/clock/advance', { days: 10 });
    const followed = await call(
      app,
      tokens['alice'],
      'POST',
      `/api/pools/crm/records/${id}/events`,
      {
        type: 'FOLLOW_UP',
        payload: { channel: 'call', note: 'asked for a quote' },
      },
    );
    expect(followed.status).toBe(200);

    // Day 32: 22 days since the follow-up, no reminder yet. Day 33: the reminder.
    await call(app, adminToken, 'POST', '/api/clock/advance', { days: 22 });
    let inbox = await call(app, tokens['alice'], 'GET', '/api/notifications');
    expect(inbox.body.items).toEqual([]);
    const advanced = await call(app, adminToken, 'POST', '/api/clock/advance', { days: 1 });
    expect(advanced.body.fired).toBe(1);
    inbox = await call(app, tokens['alice'], 'GET', '/api/notifications');
    expect(inbox.body.unread).toBe(1);
    expect(inbox.body.items[0]).toMatchObject({ kind: 'reminder', recordId: id });
    expect(inbox.body.items[0].message.en).toContain('ACME Trading');

    // Day 37, three days before the release: the pool's manager is told, the reps are not.
    await call(app, adminToken, 'POST', '/api/clock/advance', { days: 3 });
    expect((await call(app, tokens['carol'], 'GET', '/api/notifications')).body.items).toEqual([]);
    await call(app, adminToken, 'POST', '/api/clock/advance', { days: 1 });
    const managerInbox = await call(app, tokens['carol'], 'GET', '/api/notifications');
    expect(managerInbox.body.items).toMatchObject([{ kind: 'escalation', recordId: id }]);
    expect(managerInbox.body.items[0].message.en).toContain('ACME Trading goes to the public pool');
    expect((await call(app, tokens['bob'], 'GET', '/api/notifications')).body.items).toEqual([]);

    // Day 40: released to the pool, phone masked for other reps.
    await call(app, adminToken, 'POST', '/api/clock/advance', { days: 3 });
    const pooled = await call(app, tokens['bob'], 'GET', `/api/pools/crm/records/${id}`);
    expect(pooled.body).toMatchObject({
      state: 'pool',
      ownerId: null,
      pooled: true,
      masked: ['phone'],
    });
    expect(pooled.body.data.phone).toBe('***');
    expect(pooled.body.lastRelease.reason).toBe('timeout');
    const poolList = await call(app, tokens['bob'], 'GET', '/api/pools/crm/records?view=pool');
    expect(poolList.body.items.map((r: { id: string }) => r.id)).toEqual([id]);

    // Day 41: the previous owner is refused with the cooldown code; another rep claims it.
    await call(app, adminToken, 'POST', '/api/clock/advance', { days: 1 });
    const refused = await call(app, tokens['alice'], 'POST', `/api/pools/crm/records/${id}/claim`);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('POOL_ERR_COOLDOWN');
    expect(refused.body.error.details.until).toMatch(/^\d{4}-/);
    const claimed = await call(app, tokens['bob'], 'POST', `/api/pools/crm/records/${id}/claim`);
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ state: 'owned', ownerId: ids['bob'] });
    expect(claimed.body.data.phone).toBe('13800000000');

    const history = await call(app, tokens['carol'], 'GET', `/api/pools/crm/records/${id}/history`);
    expect(
      history.body.items.map((h: { event: string; to: string }) => `${h.event}->${h.to}`),
    ).toEqual([
      'CREATE->owned',
      'FOLLOW_UP->owned',
      'TIMER->owned',
      'TIMER->owned',
      'TIMER->pool',
      'CLAIM->owned',
    ]);
    const [create, follow, remind, , release, claim] = history.body.items;
    expect(create.actorId).toBe(ids['alice']);
    expect(follow.actorId).toBe(ids['alice']);
    expect(remind.actorId).toBeNull();
    expect(release).toMatchObject({ ownerFrom: ids['alice'], ownerTo: null, reason: 'timeout' });
    expect(claim).toMatchObject({ actorId: ids['bob'], ownerFrom: null, ownerTo: ids['bob'] });
    expect(Date.parse(release.at) - Date.parse(follow.at)).toBe(30 * 86_400_000);
  });
});
