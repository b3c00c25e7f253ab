// The dry run reads a pool's records in batches (its memory does not grow with the pool): read two
// records at a time it says exactly what it says read all at once, for records grouped by their entry
// time (owned, pooled) and records read whole (nurture, whose delay reads the record).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyStore } from '../src/services/policy-store.js';
import { DRY_RUN_BATCH, previewUpgrade } from '../src/services/upgrade-plan.js';
import {
  advanceClock,
  backends,
  build,
  call,
  crmPool,
  publishVersion,
  template,
  type TestApp,
} from './helpers.js';

describe.each(backends)('the dry run in batches (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  const advance = (days: number) => advanceClock(t, days);
  const create = async (name: string, ownerId: string | null) => {
    const res = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name },
      ownerId,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const nurture = async (id: string, months: number) => {
    const res = await call(t.app, tokens['alice']!, 'POST', `/api/pools/crm/records/${id}/events`, {
      type: 'NURTURE',
      payload: { months },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { alice: {}, boss: { roles: ['manager'] } }));
    // Eleven records on v1 over four days: owned ones entered at three times, two pooled, four nurtured
    // for 1 to 4 months.
    for (let day = 0; day < 3; day++) {
      await create(`Owned ${day}a`, ids['alice']!);
      await create(`Owned ${day}b`, ids['alice']!);
      await advance(1);
    }
    await create('Pooled a', null);
    await create('Pooled b', null);
    for (let months = 1; months <= 4; months++)
      await nurture(await create(`Nurtured ${months}`, ids['alice']!), months);
    await advance(1);
    // v2: 40 days of protection instead of 30; nurture ends two months earlier than asked.
    const v2 = template('crm-customer-pool') as {
      delays: Record<string, unknown>;
    } & Record<string, unknown>;
    v2.delays['release'] = { days: 40 };
    v2.delays['nurtureEnd'] = { until: { addMonths: [{ var: 'instance.nurtureUntil' }, -2] } };
    expect(await publishVersion(t, v2, 'longer protection, shorter nurture')).toBe(2);
  });
  afterAll(() => t.close());

  it('says the same read two records at a time as read at once', async () => {
    const db = t.app.db;
    const policies = new PolicyStore(db);
    const pool = { key: 'crm', policy_id: 'crm-customer-pool' };
    const to = await policies.get('crm-customer-pool', 2, db);
    const now = await t.app.clock.now(db);
    const preview = (batch: number) =>
      previewUpgrade(db, policies, pool, to, { toVersion: 2 }, now, batch);
    const whole = await preview(DRY_RUN_BATCH);
    expect(whole.total).toBe(12);
    // Owned: remind, escalate and release later. Nurtured: every end earlier, and those of one and two
    // months (from yesterday) past already: due at once.
    expect(whole.timers).toEqual({ earlier: 4, later: 18, unchanged: 0, added: 0, removed: 0 });
    expect(whole.dueAtOnce).toBe(2);
    expect(whole.dueAtOnceByDelay).toEqual({ nurtureEnd: 2 });
    expect(whole.problems).toEqual([]);
    expect(await preview(2)).toEqual(whole);
    expect(await preview(1)).toEqual(whole);
  });
});
