// The per-rep "released by a timer" count: a record the rep held and let run out is their timeout; one
// they parked (re-engage later, long-term nurture) coming back by its timer is a return, not a timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PoolStats } from '../src/services/stats.service.js';
import type { RepStats } from '../src/services/stats-reps.js';
import {
  backends,
  build,
  call,
  createUsers,
  publishPool,
  template,
  type TestApp,
} from './helpers.js';

const DAY = 86_400_000;

/*
 * Day 0: ann owns candidates X and Y (talent pool) and customers M and N (crm).
 * Day 1: ann rejects Y for re-engagement (back in 90 days) and nurtures N for 2 months.
 * Day 30: M released by its timer. Day 60: X released by its timer.
 * About day 62: N’s nurture ends. Day 91: Y comes back for re-engagement. Stats read at day 100.
 */
describe.each(backends)('timed-out releases per rep (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let t0 = 0;

  beforeAll(async () => {
    t = await build(backend);
    const reps = await createUsers(t, ['ann', 'bob']);
    const boss = await createUsers(t, ['boss'], ['manager']);
    tokens = { ...reps.tokens, ...boss.tokens };
    const members = [reps.ids['ann']!, reps.ids['bob']!, boss.ids['boss']!];
    await publishPool(t, template('hr-candidate-pool'), 'talent', members);
    await publishPool(t, template('crm-customer-pool'), 'crm', members);
    const { app, adminToken } = t;
    t0 = Date.parse((await call(app, adminToken, 'GET', '/api/clock')).body.now as string);
    const create = async (pool: string, data: Record<string, unknown>) => {
      const res = await call(app, tokens['ann']!, 'POST', `/api/pools/${pool}/records`, {
        data,
        ownerId: reps.ids['ann'],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    const event = async (pool: string, id: string, body: unknown) => {
      const res = await call(
        app,
        tokens['ann']!,
        'POST',
        `/api/pools/${pool}/records/${id}/events`,
        body,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    await create('talent', { name: 'X', position: 'Engineer' });
    const y = await create('talent', { name: 'Y', position: 'Designer' });
    await create('crm', { name: 'M' });
    const n = await create('crm', { name: 'N' });
    await call(app, adminToken, 'POST', '/api/clock/advance', { days: 1 });
    await event('talent', y, {
      type: 'REJECT',
      payload: { reengage: true, note: 'budget frozen' },
    });
    await event('crm', n, { type: 'NURTURE', payload: { months: 2 } });
    for (const days of [29, 30, 3, 37]) {
      const advanced = await call(app, adminToken, 'POST', '/api/clock/advance', { days });
      expect(advanced.body.failed).toBe(0);
    }
  });
  afterAll(() => t.close());

  const from = () => new Date(t0).toISOString();
  const reps = async (pool: string) => {
    const res = await call(
      t.app,
      tokens['boss']!,
      'GET',
      `/api/pools/${pool}/stats/reps?from=${from()}`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return Object.fromEntries((res.body as RepStats).reps.map((r) => [r.username, r]));
  };
  const timerInflow = async (pool: string) => {
    const res = await call(
      t.app,
      tokens['boss']!,
      'GET',
      `/api/pools/${pool}/stats?from=${from()}`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body as PoolStats).days.reduce((sum, d) => sum + (d.inflow['timer'] ?? 0), 0);
  };

  const check = async () => {
    // Talent pool: X ran out with ann; Y came back from "re-engage later".
    expect(await timerInflow('talent')).toBe(2);
    expect((await reps('talent'))['ann']).toMatchObject({ timedOut: 1, manualReleases: 0 });
    // Customers: M ran out with ann; N came back from long-term nurture.
    expect(await timerInflow('crm')).toBe(2);
    expect((await reps('crm'))['ann']).toMatchObject({ timedOut: 1, manualReleases: 0 });
    expect((await reps('crm'))['bob']).toMatchObject({ timedOut: 0 });
  };

  it('counts a held record running out as the rep’s timeout and a parked one’s return as no one’s, rolled up or not', async () => {
    const now = Date.parse(
      (await call(t.app, t.adminToken, 'GET', '/api/clock')).body.now as string,
    );
    expect(Math.round((now - t0) / DAY)).toBe(100);
    await check();
    for (let run = 0; run < 5; run++) await t.app.jobs.run('stats-rollup');
    const rolled = await t.app.db('stats_flows').where({ pool_key: 'talent', kind: 'timer' });
    expect(rolled.length).toBeGreaterThan(0);
    await check();
  });
});
