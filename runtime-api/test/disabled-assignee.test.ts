// A disabled user cannot log in, so no record is given to them: assign, bulk assign, create and import refuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';

describe.each(backends)('disabled assignee (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  let pooledId: string;
  const manager = () => tokens['manager']!;
  const count = async (table: string, where: Record<string, unknown> = {}) =>
    Number(((await t.app.db(table).where(where).count({ n: '*' }).first()) as { n: unknown }).n);
  const paths = (body: { error: { details: { path: string }[] } }) =>
    body.error.details.map((d) => d.path);

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { manager: { roles: ['manager'] }, alice: {}, dave: {} }));
    const created = await call(t.app, manager(), 'POST', '/api/pools/crm/records', {
      data: { name: 'ACME', phone: '13800000000' },
      ownerId: ids['alice'],
    });
    pooledId = created.body.id as string;
    const released = await call(
      t.app,
      tokens['alice']!,
      'POST',
      `/api/pools/crm/records/${pooledId}/release`,
      { reason: 'not a fit' },
    );
    expect(released.status).toBe(200);
    const disabled = await call(t.app, t.adminToken, 'PATCH', `/api/users/${ids['dave']}`, {
      disabled: true,
    });
    expect(disabled.status).toBe(200);
  });
  afterAll(() => t.close());

  it('refuses to assign a record to a disabled member, naming /body/userId', async () => {
    const assigned = await call(
      t.app,
      manager(),
      'POST',
      `/api/pools/crm/records/${pooledId}/assign`,
      { userId: ids['dave'] },
    );
    expect(assigned.status).toBe(400);
    expect(paths(assigned.body)).toEqual(['/body/userId']);
    expect(assigned.body.error.message).toContain('is disabled');
    // Who is disabled, as data: a client words it in its own language.
    expect(assigned.body.error.details[0]).toMatchObject({
      code: 'user-disabled',
      params: { user: ids['dave'] },
    });
    const record = await call(t.app, manager(), 'GET', `/api/pools/crm/records/${pooledId}`);
    expect(record.body).toMatchObject({ state: 'pool', ownerId: null, seq: 2 });

    const bulk = await call(t.app, manager(), 'POST', '/api/pools/crm/assign-bulk', {
      recordIds: [pooledId],
      userId: ids['dave'],
      override: true,
    });
    expect(bulk.status).toBe(400);
    expect(paths(bulk.body)).toEqual(['/body/userId']);
    expect(bulk.body.error.details[0]).toMatchObject({
      code: 'user-disabled',
      params: { user: ids['dave'] },
    });
    expect(await count('records', { id: pooledId, owner_id: null })).toBe(1);
  });

  it('refuses a new record or an imported row owned by a disabled member, writing nothing', async () => {
    const records = await count('records');
    const created = await call(t.app, manager(), 'POST', '/api/pools/crm/records', {
      data: { name: 'Dave Co', phone: '13800000001' },
      ownerId: ids['dave'],
    });
    expect(created.status).toBe(400);
    expect(paths(created.body)).toEqual(['/body/ownerId']);
    expect(created.body.error.message).toContain('is disabled');
    expect(created.body.error.details[0]).toMatchObject({
      code: 'user-disabled',
      params: { user: ids['dave'] },
    });

    const imported = await t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/import?format=csv',
      headers: { authorization: `Bearer ${manager()}`, 'content-type': 'text/csv' },
      payload: 'name,phone,ownerId\nDave Co,13800000002,dave\nAlice Co,13800000003,alice\n',
    });
    expect(imported.statusCode).toBe(200);
    const report = imported.json();
    expect(report).toMatchObject({ rows: 2, imported: 1, failed: 1 });
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ line: 2 });
    expect(report.errors[0].message).toContain('is disabled');
    expect(await count('records')).toBe(records + 1);
    expect(await count('records', { owner_id: ids['dave'] })).toBe(0);
  });
});
