// A record whose timer step fails never stalls the sweep: its timer is marked failed, listed for admins,
// counted, retried with backoff (or at once on request), and every other record and pool is released.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  call,
  crmPool,
  metricsText,
  publishPool,
  type TestApp,
  build,
  customActionForFile,
} from './helpers.js';
import { SETTLE_TIMER, spinPolicy, waitPolicy } from './fixtures/timer-policies.js';

// With `poison: true` writes a NUL character into the entity: PostgreSQL refuses it in jsonb, so the
// record's write fails. With `poison: 'throw'` the action throws, so the step fails.
customActionForFile({
  type: 'poison',
  paramsSchema: { type: 'object', additionalProperties: false, properties: {} },
  run(ctx) {
    if (ctx.entity['poison'] === true) ctx.entity['note'] = 'bad\u0000byte';
    if (ctx.entity['poison'] === 'throw') throw new Error('the poison action threw');
  },
});

const MINUTE = 60_000;

describe.each(backends)('failed timers (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  const admin = (): string => t.adminToken;

  const create = async (pool: string, data: Record<string, unknown>): Promise<string> => {
    const created = await call(t.app, tokens['rep']!, 'POST', `/api/pools/${pool}/records`, {
      data,
      ownerId: ids['rep'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  };
  const advance = async (body: Record<string, number>) => {
    const res = await call(t.app, admin(), 'POST', '/api/clock/advance', body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { fired: number; failed: number; records: number; now: string };
  };
  const failed = async (pool?: string, token = admin()) =>
    call(t.app, token, 'GET', `/api/timers/failed${pool ? `?pool=${pool}` : ''}`);
  const stateOf = async (pool: string, id: string): Promise<string> =>
    (await call(t.app, admin(), 'GET', `/api/pools/${pool}/records/${id}`)).body.state as string;
  const metric = (): Promise<string> => metricsText(t);

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { rep: {}, boss: { roles: ['manager'] } }));
    await publishPool(t, waitPolicy(), 'wait', [ids['rep']!, ids['boss']!]);
    await publishPool(t, spinPolicy(), 'spin', [ids['rep']!]);
    await publishPool(
      t,
      {
        ...waitPolicy('poison-pool'),
        machine: {
          ...(waitPolicy().machine as object),
          states: {
            ...((waitPolicy().machine as { states: object }).states as object),
            owned: { entry: [{ type: 'poison' }], after: { release: 'pool' } },
          },
        },
      },
      'poison',
      [ids['rep']!],
    );
  });
  afterAll(() => t.close());

  it('releases every other record and pool when one record’s delay throws, and lists its timer', async () => {
    const good = [];
    for (let i = 0; i < 20; i++) good.push(await create('wait', { name: `Good ${i}`, wait: 5 }));
    const bad = await create('wait', { name: 'Bad', wait: 'soon' });
    const crm = [];
    for (let i = 0; i < 3; i++) crm.push(await create('crm', { name: `Customer ${i}` }));
    const createdAt = Date.parse((await call(t.app, admin(), 'GET', '/api/clock')).body.now);

    const swept = await advance({ days: 31 });
    // settle and release of 20 records, remind, escalate and release of 3; the bad record’s settle failed.
    expect(swept).toMatchObject({ fired: 20 * 2 + 3 * 3, failed: 1 });
    for (const id of good) expect(await stateOf('wait', id)).toBe('pool');
    for (const id of crm) expect(await stateOf('crm', id)).toBe('pool');
    expect(await stateOf('wait', bad)).toBe('fresh');

    const list = await failed();
    expect(list.status).toBe(200);
    const now = Date.parse(swept.now);
    expect(list.body.items).toEqual([
      {
        recordId: bad,
        poolKey: 'wait',
        timerKey: SETTLE_TIMER,
        dueAt: new Date(createdAt + MINUTE).toISOString(),
        attempts: 1,
        error: { code: 'POOL_ERR_INVALID_DELAY', message: expect.stringContaining('minutes') },
        failedAt: new Date(now).toISOString(),
        nextRetryAt: new Date(now + MINUTE).toISOString(),
      },
    ]);
    expect(await metric()).toContain('poolflow_timer_failures_total{pool="wait"} 1');

    // The pool's manager sees the pool's list; a member sees neither it nor every pool's.
    expect((await failed('wait', tokens['boss'])).body.items).toHaveLength(1);
    expect((await failed('crm', tokens['boss'])).body.items).toEqual([]);
    expect((await failed('wait', tokens['rep'])).status).toBe(403);
    expect((await failed(undefined, tokens['boss'])).status).toBe(403);
    const retryByRep = await call(t.app, tokens['rep']!, 'POST', '/api/timers/failed/retry', {
      recordId: bad,
    });
    expect(retryByRep.status).toBe(403);

    // The owner fixes the data; the timer waits for its retry time (1 minute), not a moment less.
    const fix = await call(t.app, tokens['rep']!, 'POST', `/api/pools/wait/records/${bad}/events`, {
      type: 'FIX',
      payload: { wait: 5 },
    });
    expect(fix.status, JSON.stringify(fix.body)).toBe(200);
    expect(await advance({ minutes: 0.5 })).toMatchObject({ fired: 0, failed: 0 });
    expect(await stateOf('wait', bad)).toBe('fresh');
    expect((await failed('wait')).body.items).toHaveLength(1);
    // The settle timer takes effect at the fix (the record was still fresh then, a month after its due
    // time), so the 5 minutes of `owned` count from the fix, not from the due time long past.
    expect(await advance({ minutes: 0.5 })).toMatchObject({ fired: 1, failed: 0 });
    expect(await stateOf('wait', bad)).toBe('owned');
    expect((await failed()).body.items).toEqual([]);
    expect(await advance({ minutes: 3.9 })).toMatchObject({ fired: 0 });
    expect(await advance({ minutes: 0.1 })).toMatchObject({ fired: 1, failed: 0 });
    expect(await stateOf('wait', bad)).toBe('pool');
    const history = await call(t.app, admin(), 'GET', `/api/pools/wait/records/${bad}/history`);
    expect(history.body.items.map((h: { to: string }) => h.to)).toEqual([
      'fresh',
      'fresh',
      'owned',
      'pool',
    ]);
  });

  it('retries with growing backoff, parks after 6 attempts, and fires on an admin’s retry', async () => {
    const bad = await create('wait', { name: 'Stubborn', wait: 'later' });
    expect(await advance({ minutes: 1 })).toMatchObject({ failed: 1 });
    const item = async () =>
      (
        (await failed('wait')).body.items as {
          recordId: string;
          attempts: number;
          nextRetryAt: string | null;
          failedAt: string;
        }[]
      ).find((i) => i.recordId === bad)!;
    expect((await item()).attempts).toBe(1);
    // 1 minute, then 5: retried at each, never before.
    expect(await advance({ minutes: 1 })).toMatchObject({ failed: 1 });
    expect((await item()).attempts).toBe(2);
    const second = await item();
    expect(Date.parse(second.nextRetryAt!) - Date.parse(second.failedAt)).toBe(5 * MINUTE);
    expect(await advance({ minutes: 4 })).toMatchObject({ failed: 0 });
    expect((await item()).attempts).toBe(2);
    expect(await advance({ minutes: 1 })).toMatchObject({ failed: 1 });
    const third = await item();
    expect(third.attempts).toBe(3);
    expect(Date.parse(third.nextRetryAt!) - Date.parse(third.failedAt)).toBe(30 * MINUTE);
    // 30 minutes, 2 hours, 12 hours; the 6th failure parks it.
    for (const [minutes, attempts] of [
      [30, 4],
      [120, 5],
      [720, 6],
    ] as const) {
      expect(await advance({ minutes })).toMatchObject({ failed: 1 });
      expect((await item()).attempts).toBe(attempts);
    }
    expect((await item()).nextRetryAt).toBeNull();
    expect(await advance({ days: 30 })).toMatchObject({ failed: 0 });
    expect((await item()).attempts).toBe(6);

    // An admin's retry makes it due at once; with the data still bad it fails (and parks) again.
    const retry = await call(t.app, admin(), 'POST', '/api/timers/failed/retry', {
      recordId: bad,
      timerKey: SETTLE_TIMER,
    });
    expect(retry.status).toBe(200);
    expect(retry.body.items[0]).toMatchObject({ recordId: bad, nextRetryAt: expect.any(String) });
    expect(await advance({ minutes: 0 })).toMatchObject({ failed: 1 });
    expect((await item()).attempts).toBe(7);
    // Fixed and retried, it fires.
    await call(t.app, tokens['rep']!, 'POST', `/api/pools/wait/records/${bad}/events`, {
      type: 'FIX',
      payload: { wait: 0 },
    });
    expect(
      (await call(t.app, tokens['boss']!, 'POST', '/api/timers/failed/retry', { recordId: bad }))
        .status,
    ).toBe(200);
    expect(await advance({ minutes: 0 })).toMatchObject({ fired: 2, failed: 0 });
    expect(await stateOf('wait', bad)).toBe('pool');
    // The timers took effect after the fix, not at their due time weeks before it: the timeline's times
    // follow its order.
    const history = (await call(t.app, admin(), 'GET', `/api/pools/wait/records/${bad}/history`))
      .body.items as { seq: number; event: string; at: string }[];
    expect(history.map((h) => h.event)).toEqual(['CREATE', 'FIX', 'TIMER', 'TIMER']);
    const fixedAt = Date.parse(history[1]!.at);
    expect(history.slice(2).map((h) => Date.parse(h.at))).toEqual([fixedAt, fixedAt]);
    expect(await item()).toBeUndefined();
    // Nothing left to retry: 404; bad bodies: 400 naming the field.
    const none = await call(t.app, admin(), 'POST', '/api/timers/failed/retry', { recordId: bad });
    expect(none.status).toBe(404);
    const invalid = await call(t.app, admin(), 'POST', '/api/timers/failed/retry', {
      recordId: 'not-a-uuid',
    });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body.error.details)).toContain('recordId');
  });

  it('parks a zero-delay self-loop after 100 steps, and advance returns', async () => {
    const loop = await create('spin', { name: 'Spinner', spin: 0 });
    const calm = await create('spin', { name: 'Calm', spin: 45 });
    const swept = await advance({ minutes: 60 });
    expect(swept.failed).toBe(1);
    // A manager of other pools learns nothing of a record outside them: the answer is the one a record
    // that does not exist gets (it named the record's pool).
    const retry = (recordId: string) =>
      call(t.app, tokens['boss']!, 'POST', '/api/timers/failed/retry', { recordId });
    const outside = await retry(loop);
    const missing = await retry('01a24e88-0000-7000-8000-000000000000');
    expect(outside.status).toBe(403);
    expect(outside.body).toEqual(missing.body);
    // 101 steps: more than a default page of history (100), so read in one page of 500.
    const history = await call(
      t.app,
      admin(),
      'GET',
      `/api/pools/spin/records/${loop}/history?limit=500`,
    );
    expect(history.body).toMatchObject({ nextCursor: null });
    expect(history.body.items).toHaveLength(101);
    const calmHistory = await call(
      t.app,
      admin(),
      'GET',
      `/api/pools/spin/records/${calm}/history`,
    );
    expect(calmHistory.body.items).toHaveLength(2);
    const items = (await failed('spin')).body.items as Record<string, unknown>[];
    expect(items).toEqual([
      expect.objectContaining({
        recordId: loop,
        attempts: 1,
        nextRetryAt: null,
        error: {
          code: 'POOL_ERR_TIMER_LOOP',
          message: 'timer loop: record took more than 100 steps in one sweep',
        },
      }),
    ]);
    // Parked: later sweeps leave it alone.
    expect(await advance({ days: 1 })).toMatchObject({ failed: 0 });
    const after = await call(
      t.app,
      admin(),
      'GET',
      `/api/pools/spin/records/${loop}/history?limit=500`,
    );
    expect(after.body.items).toHaveLength(101);
  });

  it('takes a record whose write fails, or whose custom action throws, out of its batch', async () => {
    const good = [];
    for (let i = 0; i < 10; i++) good.push(await create('poison', { name: `Fine ${i}`, wait: 5 }));
    const poisoned = await create('poison', { name: 'Poisoned', wait: 5, poison: true });
    const throwing = await create('poison', { name: 'Throwing', wait: 5, poison: 'throw' });
    const swept = await advance({ minutes: 10 });
    expect(swept).toMatchObject({ fired: 20, failed: 2 });
    for (const id of good) expect(await stateOf('poison', id)).toBe('pool');
    expect(await stateOf('poison', poisoned)).toBe('fresh');
    expect(await stateOf('poison', throwing)).toBe('fresh');
    const items = (await failed('poison')).body.items as Record<string, unknown>[];
    expect(items).toHaveLength(2);
    expect(items).toContainEqual(
      expect.objectContaining({ recordId: poisoned, timerKey: SETTLE_TIMER, attempts: 1 }),
    );
    expect(items).toContainEqual(
      expect.objectContaining({
        recordId: throwing,
        error: { code: 'Error', message: 'the poison action threw' },
      }),
    );
  });

  it('forgets a failure once the record arms the timer anew, and keeps it while the timer is the same', async () => {
    const bad = await create('wait', { name: 'Restarted', wait: 'never' });
    const mine = async () =>
      ((await failed('wait')).body.items as { recordId: string; attempts: number }[]).filter(
        (i) => i.recordId === bad,
      );
    await advance({ minutes: 1 });
    expect(await mine()).toEqual([expect.objectContaining({ attempts: 1 })]);
    // FIX keeps the settle timer as it is: still failed. RESTART re-enters `fresh`: a new timer.
    await call(t.app, tokens['rep']!, 'POST', `/api/pools/wait/records/${bad}/events`, {
      type: 'FIX',
      payload: { wait: 1 },
    });
    expect(await mine()).toHaveLength(1);
    const restart = await call(
      t.app,
      tokens['rep']!,
      'POST',
      `/api/pools/wait/records/${bad}/events`,
      { type: 'RESTART' },
    );
    expect(restart.status, JSON.stringify(restart.body)).toBe(200);
    expect(await mine()).toEqual([]);
    // The new timer fires a minute after the restart, with the fixed data.
    await advance({ minutes: 1 });
    expect(await stateOf('wait', bad)).toBe('owned');
    expect(await mine()).toEqual([]);
  });
});
