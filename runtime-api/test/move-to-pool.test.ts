// A policy's moveToPool action moves a record only to a pool of its pool's department running its
// policy (the rule of routing rules and the manual move): publish refuses other targets, and a move a
// published version still asks for is skipped at the write, the record staying where it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiUser, backends, build, call, metricsText, template, type TestApp } from './helpers.js';

type Problem = { path: string; message: string };

describe.each(backends)('moveToPool actions (%s)', (backend) => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const crm = template('crm-customer-pool') as {
    machine: { states: Record<string, { entry?: unknown[] }> };
  };
  /** pol-sales with the pool state's entry actions followed by a moveToPool to `pool`. */
  const movingTo = (pool: string) => ({
    ...crm,
    id: 'pol-sales',
    machine: {
      ...crm.machine,
      states: {
        ...crm.machine.states,
        pool: {
          ...crm.machine.states['pool'],
          entry: [
            ...(crm.machine.states['pool']?.entry ?? []),
            { type: 'moveToPool', params: { pool } },
          ],
        },
      },
    },
  });
  const MOVE_PATH = '/document/machine/states/pool/entry/1/params/pool';

  const user = async (name: string, departmentId: string, roles: string[]) => {
    ({ id: ids[name], token: tokens[name] } = await apiUser(t, name, departmentId, roles));
  };
  const pool = async (key: string, policyId: string, departmentId: string, members: string[]) => {
    const res = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key,
      name: { en: key },
      policyId,
      departmentId,
      members: members.map((m) => ({ userId: ids[m] })),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };
  /** Saves pol-sales moving to `target` and publishes it. */
  const publishMovingTo = async (target: string) => {
    const saved = await call(t.app, tokens['salesAdmin']!, 'PUT', '/api/policies/pol-sales/draft', {
      document: movingTo(target),
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    return call(t.app, tokens['salesAdmin']!, 'POST', '/api/policies/pol-sales/publish', {});
  };
  const rollPoolA = async (version: number) => {
    const res = await call(t.app, t.adminToken, 'PATCH', '/api/pools/pool-a', {
      policyVersion: version,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  /** A rep creates an unowned record in pool-a: it enters the pool state, whose entry moves it. */
  let phones = 0;
  const createInPoolA = async (name: string) => {
    // Each with its own phone: the CRM template's phones are unique.
    const res = await call(t.app, tokens['rep']!, 'POST', '/api/pools/pool-a/records', {
      data: { name, phone: `1370000${String(++phones).padStart(4, '0')}` },
      ownerId: null,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; pool: string; policyId: string };
  };
  const history = async (id: string) => {
    const res = await call(t.app, tokens['rep']!, 'GET', `/api/pools/pool-a/records/${id}/history`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as { event: string; payload: Record<string, unknown> | null }[];
  };
  /** poolflow_moves_skipped_total of pool-a on /metrics (0 when the series is not there yet). */
  const skippedMoves = async () => {
    const text = await metricsText(t);
    const line = text
      .split('\n')
      .find((l) => l.startsWith('poolflow_moves_skipped_total{pool="pool-a"} '));
    return line ? Number(line.split(' ')[1]) : 0;
  };
  const versions = async () =>
    (await call(t.app, tokens['salesAdmin']!, 'GET', '/api/policies/pol-sales/versions')).body
      .items as unknown[];

  beforeAll(async () => {
    t = await build(backend);
    for (const key of ['sales', 'hr']) {
      const res = await call(t.app, t.adminToken, 'POST', '/api/departments', {
        key,
        name: { en: key },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    await user('salesAdmin', 'sales', ['departmentAdmin']);
    await user('rep', 'sales', ['member']);
    await user('hrBoss', 'hr', ['manager']);
    for (const [document, departmentId] of [
      [{ ...crm, id: 'pol-sales' }, 'sales'],
      [template('hr-candidate-pool'), 'sales'],
    ] as const) {
      const created = await call(t.app, t.adminToken, 'POST', '/api/policies', {
        document,
        departmentId,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const published = await call(
        t.app,
        t.adminToken,
        'POST',
        `/api/policies/${String(document.id)}/publish`,
        {},
      );
      expect(published.status, JSON.stringify(published.body)).toBe(200);
    }
    await pool('pool-a', 'pol-sales', 'sales', ['rep']);
    await pool('pool-a2', 'pol-sales', 'sales', ['rep']);
    // The sales policy also runs in an HR pool, and an HR-candidate policy in a sales pool.
    await pool('pool-h', 'pol-sales', 'hr', ['hrBoss']);
    await pool('sales-talent', 'hr-candidate-pool', 'sales', ['rep']);
  });
  afterAll(() => t.close());

  it('refuses to publish a move to an unknown pool or to a pool of another policy, naming it', async () => {
    for (const [target, message] of [
      ['nowhere', 'no pool named "nowhere"'],
      ['sales-talent', 'pool "sales-talent" runs policy "hr-candidate-pool", not "pol-sales"'],
    ]) {
      const res = await publishMovingTo(target!);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe('POOL_ERR_INVALID_POLICY');
      expect(res.body.error.details as Problem[]).toContainEqual(
        expect.objectContaining({ path: MOVE_PATH, message }),
      );
    }
    expect(await versions()).toHaveLength(1);
  });

  it('moves a record to a pool of its department running its policy', async () => {
    const published = await publishMovingTo('pool-a2');
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    await rollPoolA(published.body.version as number);
    const record = await createInPoolA('Moves within sales');
    expect(record.pool).toBe('pool-a2');
  });

  it("leaves a record in its pool when the move names another department's pool, and says so in its history", async () => {
    // pool-h runs pol-sales in HR, so publishing accepts it (HR's records may move there); a sales
    // record may not.
    const published = await publishMovingTo('pool-h');
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    await rollPoolA(published.body.version as number);
    const record = await createInPoolA('Stays in sales');
    expect(record).toMatchObject({ pool: 'pool-a', policyId: 'pol-sales' });
    const [created] = await history(record.id);
    expect(created?.payload?.['moveSkipped']).toEqual({
      pool: 'pool-h',
      reason: 'pool "pool-h" belongs to another department',
    });
    // Operations see it without reading histories: /metrics counts the skipped move by pool.
    expect(await skippedMoves()).toBe(1);
    const hr = await call(t.app, tokens['hrBoss']!, 'GET', '/api/pools/pool-h/records?view=all');
    expect(hr.status).toBe(200);
    expect(hr.body.items).toEqual([]);
    // The manual move keeps to the same rule, for admins too.
    const moved = await call(
      t.app,
      t.adminToken,
      'POST',
      `/api/pools/pool-a/records/${record.id}/move`,
      { pool: 'pool-h' },
    );
    expect(moved.status).toBe(400);
    expect(moved.body.error.details).toEqual([
      {
        path: '/body/pool',
        message: 'pool "pool-h" belongs to another department',
        code: 'other-department',
        params: { pool: 'pool-h' },
      },
    ]);
  });

  it('leaves a record in its pool when a version published before the check moves it to another policy', async () => {
    // Versions published before publish checked moves still run: one is written as publish wrote it.
    const latest = (await versions()).length;
    await t.app.db.transaction((trx) =>
      t.app.policies.repository.insertVersion(trx, {
        policy_id: 'pol-sales',
        version: latest + 1,
        document: JSON.stringify({ ...movingTo('sales-talent'), version: latest + 1 }),
        message: 'before the check',
        published_by: ids['salesAdmin']!,
        forced: false,
        failed_scenarios: null,
      }),
    );
    await rollPoolA(latest + 1);
    const record = await createInPoolA('Stays on its policy');
    expect(record.pool).toBe('pool-a');
    const [created] = await history(record.id);
    expect(created?.payload?.['moveSkipped']).toEqual({
      pool: 'sales-talent',
      reason: 'pool "sales-talent" runs policy "hr-candidate-pool", not "pol-sales"',
    });
    expect(await skippedMoves()).toBe(2);
    const talent = await call(
      t.app,
      tokens['rep']!,
      'GET',
      '/api/pools/sales-talent/records?view=pool',
    );
    expect(talent.body.items).toEqual([]);
  });

  it("counts the moves an import skips too, and says so in each record's history", async () => {
    const before = await skippedMoves();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/pools/pool-a/import',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'text/csv' },
      payload: 'name,phone\nImported one,13900000001\nImported two,13900000002\n',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ imported: 2, failed: 0 });
    expect(await skippedMoves()).toBe(before + 2);
    const list = await call(t.app, tokens['rep']!, 'GET', '/api/pools/pool-a/records?q=Imported');
    expect(list.body.items).toHaveLength(2);
    for (const item of list.body.items as { id: string }[]) {
      const [created] = await history(item.id);
      expect(created?.payload?.['moveSkipped']).toMatchObject({ pool: 'sales-talent' });
    }
  });
});
