// A manager's assign of one record meets the assignee's claim rules as bulk assign does (the same
// refusal, nothing written), unless the manager overrides, which the history row records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, publishPool, template, type TestApp } from './helpers.js';

describe.each(backends)('single assign meets the claim rules (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  const boss = () => tokens['boss']!;
  const historyCount = async (id: string) =>
    Number(
      (
        (await t.app.db('history').where({ record_id: id }).count({ n: '*' }).first()) as {
          n: unknown;
        }
      ).n,
    );
  const create = async (pool: string, name: string, ownerId: string | null = null) => {
    const res = await call(t.app, boss(), 'POST', `/api/pools/${pool}/records`, {
      data: { name },
      ownerId,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const assign = (pool: string, id: string, body: Record<string, unknown>) =>
    call(t.app, boss(), 'POST', `/api/pools/${pool}/records/${id}/assign`, body);
  /** One record assigned in bulk: its result's refusal. */
  const bulkRefusal = async (pool: string, id: string, userId: string) => {
    const res = await call(t.app, boss(), 'POST', `/api/pools/${pool}/assign-bulk`, {
      recordIds: [id],
      userId,
    });
    expect(res.body.assigned).toBe(0);
    return res.body.results[0].error as { code: string; message: string; details: unknown };
  };
  /** A refused single assign: nothing written, and the same refusal bulk gives for the record. */
  const expectRefusedAsInBulk = async (pool: string, id: string, status: number, code: string) => {
    const before = await historyCount(id);
    const res = await assign(pool, id, { userId: ids['amy'] });
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
    const bulk = await bulkRefusal(pool, id, ids['amy']!);
    expect(res.body.error).toEqual({
      code: bulk.code,
      message: bulk.message,
      details: bulk.details,
    });
    const record = await call(t.app, boss(), 'GET', `/api/pools/${pool}/records/${id}`);
    expect(record.body).toMatchObject({ state: 'pool', ownerId: null });
    expect(await historyCount(id)).toBe(before);
    return res.body.error as { message: string; details: Record<string, unknown> };
  };

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { boss: { roles: ['manager'] }, amy: {}, ben: {} }));
    const named = await call(t.app, t.adminToken, 'PATCH', `/api/users/${ids['amy']}`, {
      displayName: 'Amy Wong',
    });
    expect(named.status).toBe(200);
    const crm = template('crm-customer-pool');
    const claim = crm['claim'] as object;
    const members = Object.values(ids);
    await publishPool(
      t,
      { ...crm, id: 'one-each', claim: { ...claim, maxOwned: 1 } },
      'tight',
      members,
    );
    await publishPool(
      t,
      { ...crm, id: 'one-a-day', claim: { ...claim, maxPerDay: 1 } },
      'daily',
      members,
    );
  });
  afterAll(() => t.close());

  it('refuses a record to its previous owner in the cooldown, naming her, as bulk does', async () => {
    const id = await create('crm', 'Cooling Co', ids['amy']);
    const released = await call(
      t.app,
      tokens['amy']!,
      'POST',
      `/api/pools/crm/records/${id}/release`,
      {
        reason: 'no budget',
      },
    );
    expect(released.status).toBe(200);
    const error = await expectRefusedAsInBulk('crm', id, 422, 'POOL_ERR_COOLDOWN');
    expect(Object.keys(error.details)).toEqual(['until']);
    expect(error.message).toBe(
      `Amy Wong (amy) released this record recently and may not have it again until ${String(error.details['until'])}`,
    );
    // An ASSIGN sent as an event meets the same check.
    const event = await call(t.app, boss(), 'POST', `/api/pools/crm/records/${id}/events`, {
      type: 'ASSIGN',
      payload: { userId: ids['amy'] },
    });
    expect([event.status, event.body.error.code]).toEqual([422, 'POOL_ERR_COOLDOWN']);
    // Someone else may have it.
    const toBen = await assign('crm', id, { userId: ids['ben'] });
    expect(toBen.body).toMatchObject({ state: 'owned', ownerId: ids['ben'] });
  });

  it("refuses a record past the assignee's maxOwned and daily claims, naming her", async () => {
    await create('tight', 'Held Co', ids['amy']);
    const full = await expectRefusedAsInBulk(
      'tight',
      await create('tight', 'More Co'),
      422,
      'POOL_ERR_CLAIM_LIMIT',
    );
    expect(full).toEqual({
      code: 'POOL_ERR_CLAIM_LIMIT',
      message: 'Amy Wong (amy) already owns 1 records (limit 1)',
      details: { owned: 1, limit: 1 },
    });
    const claimed = await create('daily', 'First Co');
    const claim = await call(
      t.app,
      tokens['amy']!,
      'POST',
      `/api/pools/daily/records/${claimed}/claim`,
    );
    expect(claim.status).toBe(200);
    const today = await expectRefusedAsInBulk(
      'daily',
      await create('daily', 'Second Co'),
      422,
      'POOL_ERR_DAILY_LIMIT',
    );
    expect(today).toEqual({
      code: 'POOL_ERR_DAILY_LIMIT',
      message: 'Amy Wong (amy) reached 1 claims today',
      details: { claimsToday: 1, limit: 1 },
    });
  });

  it('assigns anyway when the manager overrides, and the history row says so', async () => {
    const id = await create('tight', 'Forced Co');
    const forced = await assign('tight', id, { userId: ids['amy'], override: true });
    expect(forced.status, JSON.stringify(forced.body)).toBe(200);
    expect(forced.body).toMatchObject({ state: 'owned', ownerId: ids['amy'] });
    const history = await call(t.app, boss(), 'GET', `/api/pools/tight/records/${id}/history`);
    const last = history.body.items[history.body.items.length - 1];
    expect([last.event, last.actorId, last.payload]).toEqual([
      'ASSIGN',
      ids['boss'],
      { userId: ids['amy'], override: true },
    ]);
    const plain = await assign('crm', await create('crm', 'Plain Co'), { userId: ids['ben'] });
    const plainHistory = await call(
      t.app,
      boss(),
      'GET',
      `/api/pools/crm/records/${plain.body.id}/history`,
    );
    expect(plainHistory.body.items.at(-1).payload).toEqual({ userId: ids['ben'] });
  });

  it("hands a held record on only within the assignee's maxOwned, unless overridden", async () => {
    // Amy holds at least one record of `tight` (limit 1: a 422 here when she holds one already); the
    // boss holds this one.
    await call(t.app, boss(), 'POST', '/api/pools/tight/records', {
      data: { name: 'Amy First' },
      ownerId: ids['amy'],
    });
    const id = await create('tight', 'Boss Held', ids['boss']);
    const before = await historyCount(id);
    for (const send of [
      () => assign('tight', id, { userId: ids['amy'] }),
      () => bulkRefusal('tight', id, ids['amy']!),
    ]) {
      const res = await send();
      const error = 'status' in res ? (res.body.error as { code: string; message: string }) : res;
      if ('status' in res) expect(res.status).toBe(422);
      expect(error.code).toBe('POOL_ERR_CLAIM_LIMIT');
      expect(error.message).toMatch(/^Amy Wong \(amy\) already owns \d+ records \(limit 1\)$/);
    }
    const record = await call(t.app, boss(), 'GET', `/api/pools/tight/records/${id}`);
    expect(record.body).toMatchObject({ state: 'owned', ownerId: ids['boss'] });
    expect(await historyCount(id)).toBe(before);
    // Cooldowns are about the pool: a held record goes back to its previous owner if she has room.
    const roomy = await create('crm', 'Back To Amy', ids['amy']);
    await call(t.app, boss(), 'POST', `/api/pools/crm/records/${roomy}/assign`, {
      userId: ids['ben'],
    });
    const back = await assign('crm', roomy, { userId: ids['amy'] });
    expect(back.body).toMatchObject({ state: 'owned', ownerId: ids['amy'] });
    const forced = await assign('tight', id, { userId: ids['amy'], override: true });
    expect(forced.body).toMatchObject({ state: 'owned', ownerId: ids['amy'] });
  });

  it('names the owner, not their id, when a record created for them is past their maxOwned', async () => {
    await create('tight', 'Ben Co', ids['ben']);
    const created = await call(t.app, boss(), 'POST', '/api/pools/tight/records', {
      data: { name: 'One Too Many' },
      ownerId: ids['ben'],
    });
    expect(created.status).toBe(422);
    expect(created.body.error).toEqual({
      code: 'POOL_ERR_CLAIM_LIMIT',
      message: 'ben already owns 1 records (limit 1)',
      details: { owned: 1, limit: 1 },
    });
  });
});
