// A record stays on the policy version it started on; publishing and switching the pool changes only new records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, template, type TestApp } from './helpers.js';

describe.each(backends)('policy versions (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { alice: {} }));
  });
  afterAll(() => t.close());

  it('pins running records to their version', async () => {
    const { app, adminToken } = t;
    const old = await call(app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'Old Co' },
      ownerId: ids['alice'],
    });
    expect(old.body.policyVersion).toBe(1);

    const v2 = template('crm-customer-pool') as { delays: Record<string, unknown> };
    v2.delays['release'] = { days: 10 };
    v2.delays['remind'] = { days: 8 };
    expect(
      (
        await call(app, adminToken, 'PUT', '/api/policies/crm-customer-pool/draft', {
          document: v2,
        })
      ).status,
    ).toBe(200);
    const published = await call(
      app,
      adminToken,
      'POST',
      '/api/policies/crm-customer-pool/publish',
      { message: 'shorter' },
    );
    expect(published.body.version).toBe(2);
    // No scenarios are saved with the template's document: nothing to gate, nothing forced.
    expect(published.body).toMatchObject({ forced: false, failedScenarios: [] });
    const history = await call(app, adminToken, 'GET', '/api/policies/crm-customer-pool/versions');
    expect(history.body.items.map((v: { version: number; forced: boolean }) => v.forced)).toEqual([
      false,
      false,
    ]);

    // Publishing alone changes nothing for the pool; switching it does, for new records only.
    const stillV1 = await call(app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'Mid Co' },
      ownerId: ids['alice'],
    });
    expect(stillV1.body.policyVersion).toBe(1);
    const bad = await call(app, adminToken, 'PATCH', '/api/pools/crm', { policyVersion: 9 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('/policyVersion');
    expect(
      (await call(app, adminToken, 'PATCH', '/api/pools/crm', { policyVersion: 2 })).body
        .policyVersion,
    ).toBe(2);
    const fresh = await call(app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'New Co' },
      ownerId: ids['alice'],
    });
    expect(fresh.body.policyVersion).toBe(2);

    await call(app, adminToken, 'POST', '/api/clock/advance', { days: 10 });
    const get = async (id: string) =>
      (await call(app, tokens['alice']!, 'GET', `/api/pools/crm/records/${id}`)).body;
    expect((await get(fresh.body.id)).state).toBe('pool');
    expect((await get(old.body.id)).state).toBe('owned');
    await call(app, adminToken, 'POST', '/api/clock/advance', { days: 20 });
    expect((await get(old.body.id)).state).toBe('pool');
    expect((await get(stillV1.body.id)).state).toBe('pool');
  });
});
