// GET /api/pools/:pool/policy: members read the forms, labels and members they work with, never the
// policy's rules or actions; outsiders read nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  build,
  call,
  crmPool,
  login,
  publishPool,
  template,
  type TestApp,
} from './helpers.js';

describe.each(backends)('pool policy for members (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, {
      alice: { attributes: { seniority: 'senior' } },
      bob: {},
      carol: {},
    }));
  });
  afterAll(() => t.close());

  it('gives a member the event payload schemas, state labels, masked fields and members', async () => {
    const res = await call(t.app, tokens['bob']!, 'GET', '/api/pools/crm/policy');
    expect(res.status).toBe(200);
    const view = res.body;
    expect(view).toMatchObject({
      pool: 'crm',
      policyId: 'crm-customer-pool',
      policyVersion: 1,
      name: { en: 'Customer public pool', zh: '客户公海' },
      initial: 'owned',
      claim: { maxOwned: 200, maxPerDay: 20, previousOwnerCooldownDays: 7 },
    });
    expect(view.entity.maskedInPool).toEqual(['phone']);
    expect(view.entity.titleField).toBe('name');
    expect(Object.keys(view.entity.schema.properties)).toContain('industry');
    expect(view.events.FOLLOW_UP.label).toEqual({ en: 'Follow up', zh: '跟进' });
    expect(view.events.FOLLOW_UP.payload.required).toEqual(['channel', 'note']);
    expect(view.events.WIN).toEqual({ label: { en: 'Won', zh: '成交' } });
    expect(view.states.pool).toEqual({
      label: { en: 'Public pool', zh: '公海' },
      pooled: true,
      final: false,
      releaseTimers: [],
    });
    // The timers that put a record back in the pool: the rep's countdown.
    expect(view.states.owned.releaseTimers).toEqual(['release']);
    expect(view.states.nurture.releaseTimers).toEqual(['nurtureEnd']);
    // Events a state takes only when a rule holds (a follow-up counts with a real note): the workspace
    // says when one did not count. Not the rules themselves.
    expect(view.states.owned.guardedEvents).toEqual(['FOLLOW_UP']);
    expect(view.states.nurture.guardedEvents).toEqual(['FOLLOW_UP']);
    expect(view.states.won.guardedEvents).toBeUndefined();
    expect(JSON.stringify(view)).not.toContain('countsAsFollowUp');
    expect(view.states.won).toMatchObject({ final: true, outcome: 'success' });
    // The tags its actions add (the pool's tag filter), not the actions themselves.
    expect(view.tags).toEqual(['hard']);
    expect(view.members).toEqual(
      expect.arrayContaining([
        {
          userId: ids['alice'],
          username: 'alice',
          displayName: 'alice',
          role: 'member',
          seniority: 'senior',
          disabled: false,
        },
        {
          userId: ids['bob'],
          username: 'bob',
          displayName: 'bob',
          role: 'member',
          seniority: null,
          disabled: false,
        },
      ]),
    );
    // A user who left stays listed (the owner of their records), marked so.
    await call(t.app, t.adminToken, 'PATCH', `/api/users/${ids['carol']}`, { disabled: true });
    const after = await call(t.app, tokens['bob']!, 'GET', '/api/pools/crm/policy');
    const carol = after.body.members.find((m: { userId: string }) => m.userId === ids['carol']);
    expect(carol).toMatchObject({ username: 'carol', disabled: true });
    // Rules, score, the machine's actions (webhook URLs, headers) stay with the admins.
    const text = JSON.stringify(view);
    for (const hidden of ['isHard', 'eligible', 'notify', 'machine', 'score"', 'rules']) {
      expect(text).not.toContain(hidden);
    }
  });

  it('reads another published version of the pool policy, and 404s an unknown one', async () => {
    const v1 = await call(t.app, tokens['alice']!, 'GET', '/api/pools/crm/policy?version=1');
    expect(v1.status).toBe(200);
    expect(v1.body.policyVersion).toBe(1);
    const missing = await call(t.app, tokens['alice']!, 'GET', '/api/pools/crm/policy?version=9');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('POOL_ERR_NOT_FOUND');
  });

  it('names each pool by its pooled state: public pool, talent pool, ticket queue', async () => {
    await publishPool(t, template('hr-candidate-pool'), 'hr', [ids['bob']!]);
    await publishPool(t, template('service-ticket-pool'), 'svc', [ids['bob']!]);
    const wordOf = async (pool: string) =>
      (await call(t.app, tokens['bob']!, 'GET', `/api/pools/${pool}/policy`)).body.poolWord;
    expect(await wordOf('crm')).toEqual({ en: 'Public pool', zh: '公海' });
    expect(await wordOf('hr')).toEqual({ en: 'Talent pool', zh: '人才库' });
    expect(await wordOf('svc')).toEqual({ en: 'Queue', zh: '工单池' });
  });

  it('leaves the word out when no single pooled state names the pool', async () => {
    const document = template('crm-customer-pool');
    const machine = document['machine'] as {
      states: Record<string, { meta?: object; on?: Record<string, unknown> }>;
    };
    // A second pooled state (parked records wait unowned too): neither label is the pool's own.
    const parked = machine.states['nurture']!;
    parked.meta = { pooled: true, label: { en: 'Parked', zh: '搁置' } };
    parked.on = { ...parked.on, CLAIM: 'owned' };
    await publishPool(t, { ...document, id: 'two-pools' }, 'two', [ids['bob']!]);
    const view = await call(t.app, tokens['bob']!, 'GET', '/api/pools/two/policy');
    expect(view.status).toBe(200);
    expect(view.body.states.nurture.pooled).toBe(true);
    expect(view.body).not.toHaveProperty('poolWord');
  });

  it('refuses outsiders and unknown pools', async () => {
    await t.app.auth.createUser({ username: 'eve', password: 'eve-password', roles: ['member'] });
    const eve = await login(t.app, 'eve', 'eve-password');
    const outsider = await call(t.app, eve, 'GET', '/api/pools/crm/policy');
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.code).toBe('POOL_ERR_FORBIDDEN');
    const unknown = await call(t.app, tokens['bob']!, 'GET', '/api/pools/nope/policy');
    expect(unknown.status).toBe(404);
    const anonymous = await call(t.app, null, 'GET', '/api/pools/crm/policy');
    expect(anonymous.status).toBe(401);
  });
});
