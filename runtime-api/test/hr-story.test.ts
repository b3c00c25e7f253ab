// The HR template's talent pool over HTTP: rejected candidates leave the recruiter's claim limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  build,
  call,
  createUsers,
  publishPool,
  template,
  type TestApp,
} from './helpers.js';

describe.each(backends)('HR talent pool over HTTP (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await createUsers(t, ['rec1', 'rec2']));
    await publishPool(t, template('hr-candidate-pool'), 'talent', [ids['rec1']!, ids['rec2']!]);
  });
  afterAll(() => t.close());

  it('a recruiter who rejected as many candidates as the limit (80) still claims from the pool', async () => {
    const { app } = t;
    const limit = (template('hr-candidate-pool')['claim'] as { maxOwned: number }).maxOwned;
    expect(limit).toBe(80);
    for (let i = 0; i < limit; i++) {
      const created = await call(app, tokens['rec1']!, 'POST', '/api/pools/talent/records', {
        data: { name: `Candidate ${i}`, position: 'Backend engineer' },
        ownerId: ids['rec1'],
      });
      expect(created.status).toBe(201);
      const rejected = await call(
        app,
        tokens['rec1']!,
        'POST',
        `/api/pools/talent/records/${created.body.id}/events`,
        { type: 'REJECT', payload: { reengage: false, note: 'not a fit' } },
      );
      expect(rejected.body).toMatchObject({ state: 'rejected', done: true });
    }
    const pooled = await call(app, tokens['rec2']!, 'POST', '/api/pools/talent/records', {
      data: { name: 'Li Lei', position: 'QA engineer' },
    });
    expect(pooled.body.state).toBe('pool');

    const list = await call(app, tokens['rec1']!, 'GET', '/api/pools/talent/records?view=pool');
    expect(list.body.ownedCapacity).toBe(limit);
    expect(list.body.items[0].canClaim).toBe(true);
    const claimed = await call(
      app,
      tokens['rec1']!,
      'POST',
      `/api/pools/talent/records/${pooled.body.id}/claim`,
    );
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ state: 'owned', ownerId: ids['rec1'] });
  });

  it('keeps one record per candidate by phone and e-mail: a colleague’s candidate is named, not added again', async () => {
    const { app } = t;
    const first = await call(app, tokens['rec1']!, 'POST', '/api/pools/talent/records', {
      data: {
        name: 'Han Meimei',
        position: 'Designer',
        phone: '139 1234 5678',
        email: 'Han.Meimei@example.com',
      },
      ownerId: ids['rec1'],
    });
    expect(first.status).toBe(201);
    const before = await app.db('records').where({ pool_key: 'talent' }).count({ n: '*' }).first();
    // rec2 types the same phone without spaces and the e-mail in other case: both name rec1's record.
    const again = await call(app, tokens['rec2']!, 'POST', '/api/pools/talent/records', {
      data: {
        name: 'Meimei Han',
        position: 'Designer',
        phone: '13912345678',
        email: 'han.meimei@EXAMPLE.com',
      },
      ownerId: ids['rec2'],
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('POOL_ERR_DUPLICATE');
    expect(
      (again.body.error.details as { path: string; params: { recordId: string } }[]).map((d) => [
        d.path,
        d.params.recordId,
      ]),
    ).toEqual([
      ['/body/data/phone', first.body.id],
      ['/body/data/email', first.body.id],
    ]);
    const after = await app.db('records').where({ pool_key: 'talent' }).count({ n: '*' }).first();
    expect(after).toEqual(before);
    // A candidate with neither is no duplicate of anyone.
    for (const name of ['No Contact One', 'No Contact Two'])
      expect(
        (
          await call(app, tokens['rec2']!, 'POST', '/api/pools/talent/records', {
            data: { name, position: 'Intern' },
          })
        ).status,
      ).toBe(201);
  });

  it('refuses a blank name or note and a start date that is no date, naming the field; nothing written', async () => {
    const { app } = t;
    const blank = await call(app, tokens['rec1']!, 'POST', '/api/pools/talent/records', {
      data: { name: '   ', position: 'QA engineer' },
    });
    expect(blank.status).toBe(400);
    expect(blank.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      '/body/data/name',
    ]);
    const created = await call(app, tokens['rec1']!, 'POST', '/api/pools/talent/records', {
      data: { name: 'Chen Jing', position: 'QA engineer' },
      ownerId: ids['rec1'],
    });
    const url = `/api/pools/talent/records/${created.body.id}/events`;
    const note = await call(app, tokens['rec1']!, 'POST', url, {
      type: 'FOLLOW_UP',
      payload: { channel: 'call', note: '   ' },
    });
    expect(note.status).toBe(400);
    expect(note.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      '/body/payload/note',
    ]);
    const hire = await call(app, tokens['rec1']!, 'POST', url, {
      type: 'HIRE',
      payload: { startDate: '2026-13-45' },
    });
    expect(hire.status).toBe(400);
    expect(hire.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      '/body/payload/startDate',
    ]);
    const after = await call(
      app,
      tokens['rec1']!,
      'GET',
      `/api/pools/talent/records/${created.body.id}`,
    );
    expect(after.body).toMatchObject({ state: 'owned', seq: created.body.seq });
  });

  it('a candidate rejected for re-engagement waits with the recruiter, then returns to the pool after 90 days', async () => {
    const { app, adminToken } = t;
    const created = await call(app, tokens['rec2']!, 'POST', '/api/pools/talent/records', {
      data: { name: 'Zhao Lei', position: 'Sales director' },
      ownerId: ids['rec2'],
    });
    const id = created.body.id as string;
    const rejected = await call(
      app,
      tokens['rec2']!,
      'POST',
      `/api/pools/talent/records/${id}/events`,
      {
        type: 'REJECT',
        payload: { reengage: true },
      },
    );
    expect(rejected.body).toMatchObject({
      state: 'reengageLater',
      ownerId: ids['rec2'],
      done: false,
    });
    expect(rejected.body.timers.map((x: { delay: string }) => x.delay)).toEqual(['reengage']);
    await call(app, adminToken, 'POST', '/api/clock/advance', { days: 90 });
    const back = await call(app, tokens['rec1']!, 'GET', `/api/pools/talent/records/${id}`);
    expect(back.body).toMatchObject({ state: 'pool', ownerId: null, tags: ['reengage'] });
  });
});
