// A pool's time zone decides where its day turns: a daily claim limit in an Asia/Shanghai pool resets at
// 16:00 UTC (local midnight), and the pool's analytics count days by local date.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, createUsers, template, type TestApp } from './helpers.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

describe.each(backends)('pool time zones (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  const now = async () =>
    Date.parse((await call(t.app, t.adminToken, 'GET', '/api/clock')).body.now as string);
  /** Moves the manual clock to the next instant at `hh:mm` UTC. */
  const toUtc = async (hh: number, mm: number) => {
    const current = await now();
    let target = Math.floor(current / DAY) * DAY + (hh * 60 + mm) * MINUTE;
    if (target <= current) target += DAY;
    const res = await call(t.app, t.adminToken, 'POST', '/api/clock/advance', {
      minutes: (target - current) / MINUTE,
    });
    expect(res.status).toBe(200);
    expect(new Date(await now()).toISOString().slice(11, 16)).toBe(
      `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`,
    );
  };
  const pooled = async (pool: string) => {
    const res = await call(t.app, t.adminToken, 'POST', `/api/pools/${pool}/records`, {
      data: { name: `Co ${Math.random()}` },
      ownerId: null,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const claim = async (pool: string) => {
    const id = await pooled(pool);
    const res = await call(
      t.app,
      tokens['alice']!,
      'POST',
      `/api/pools/${pool}/records/${id}/claim`,
    );
    return { status: res.status, code: res.body?.error?.code as string | undefined };
  };

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await createUsers(t, ['alice']));
    const crm = template('crm-customer-pool');
    const document = {
      ...crm,
      id: 'one-a-day',
      claim: { ...(crm['claim'] as object), maxPerDay: 1 },
    };
    expect((await call(t.app, t.adminToken, 'POST', '/api/policies', { document })).status).toBe(
      201,
    );
    const published = await call(
      t.app,
      t.adminToken,
      'POST',
      '/api/policies/one-a-day/publish',
      {},
    );
    expect(published.status).toBe(200);
    for (const [key, timeZone] of [
      ['beijing', undefined],
      ['london', 'UTC'],
    ] as const) {
      const res = await call(t.app, t.adminToken, 'POST', '/api/pools', {
        key,
        name: { en: key },
        policyId: 'one-a-day',
        ...(timeZone ? { timeZone } : {}),
        members: [{ userId: ids['alice'] }],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  });
  afterAll(() => t.close());

  it('defaults new pools to Asia/Shanghai and refuses a zone Intl does not know', async () => {
    expect((await call(t.app, t.adminToken, 'GET', '/api/pools/beijing')).body.timeZone).toBe(
      'Asia/Shanghai',
    );
    const bad = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'nowhere',
      name: { en: 'Nowhere' },
      policyId: 'one-a-day',
      timeZone: 'Beijing',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(['/body/timeZone']);
    expect((await call(t.app, t.adminToken, 'GET', '/api/pools/nowhere')).status).toBe(404);
  });

  it('turns the day of a daily claim limit at local midnight (16:00 UTC for Asia/Shanghai)', async () => {
    // 15:59 and 16:01 UTC of one UTC day are two Beijing days: both claims pass.
    await toUtc(15, 59);
    expect(await claim('beijing')).toEqual({ status: 200, code: undefined });
    await toUtc(16, 1);
    expect(await claim('beijing')).toEqual({ status: 200, code: undefined });
    // 16:01 and 23:00 UTC are one Beijing day: the second claim is refused.
    await toUtc(23, 0);
    expect(await claim('beijing')).toEqual({ status: 422, code: 'POOL_ERR_DAILY_LIMIT' });

    // A UTC pool counts the UTC day: 15:59 and 16:01 are the same day there.
    await toUtc(15, 59);
    expect(await claim('london')).toEqual({ status: 200, code: undefined });
    await toUtc(16, 1);
    expect(await claim('london')).toEqual({ status: 422, code: 'POOL_ERR_DAILY_LIMIT' });
  });

  it("counts the pool's analytics by local date", async () => {
    // 17:00 UTC is already the next day in Beijing, still today in the UTC pool.
    await toUtc(17, 0);
    const at = await now();
    await pooled('beijing');
    await pooled('london');
    const utcDate = new Date(at).toISOString().slice(0, 10);
    const beijingDate = new Date(at + DAY).toISOString().slice(0, 10);
    const inflowOn = async (pool: string) => {
      const res = await call(t.app, t.adminToken, 'GET', `/api/pools/${pool}/stats`);
      expect(res.status).toBe(200);
      const days = res.body.days as { day: string; inflow: Record<string, number> }[];
      return days.at(-1)!;
    };
    const beijing = await inflowOn('beijing');
    expect(beijing.day).toBe(beijingDate);
    expect(beijing.inflow['create']).toBe(1);
    const london = await inflowOn('london');
    expect(london.day).toBe(utcDate);
    // The UTC day began at 00:00: it holds the two claimed records' pool entries and this one.
    expect(london.inflow['create']).toBe(3);
  });
});
