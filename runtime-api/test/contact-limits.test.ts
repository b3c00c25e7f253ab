// A contact limit holds across reps and against concurrent follow-ups: of ten calls to one customer at
// once, by its owner and a manager, exactly one goes through; the others say when the next is allowed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, publishPool, template, type TestApp } from './helpers.js';

describe.each(backends)('contact limits (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { boss: { roles: ['manager'] }, rep: {} }));
    await publishPool(
      t,
      {
        ...template('crm-customer-pool'),
        id: 'crm-calls',
        contact: { call: { max: 1, per: { hours: 48 } } },
      },
      'calls',
      [ids['boss']!, ids['rep']!],
    );
  });
  afterAll(() => t.close());

  it('lets one of ten concurrent calls through and refuses the rest with the time the next is allowed', async () => {
    const created = await call(t.app, tokens['boss']!, 'POST', '/api/pools/calls/records', {
      data: { name: 'Called Co' },
      ownerId: ids['rep'],
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(
          t.app,
          tokens[i % 2 ? 'boss' : 'rep']!,
          'POST',
          `/api/pools/calls/records/${id}/events`,
          {
            type: 'FOLLOW_UP',
            payload: { channel: 'call', note: `call number ${i}` },
          },
        ),
      ),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = replies.filter((r) => r.status !== 200);
    expect(refused.map((r) => `${r.status} ${r.body.error.code}`)).toEqual(
      Array(9).fill('422 POOL_ERR_CONTACT_LIMIT'),
    );
    const now = await t.app.clock.now(t.app.db);
    for (const r of refused)
      expect(Date.parse(r.body.error.details.until as string)).toBeGreaterThan(
        now + 47 * 3_600_000,
      );
    const followUps = await t.app.db('history').where({ record_id: id, event_type: 'FOLLOW_UP' });
    expect(followUps).toHaveLength(1);
    // A visit is another channel: it goes through.
    const visit = await call(
      t.app,
      tokens['rep']!,
      'POST',
      `/api/pools/calls/records/${id}/events`,
      {
        type: 'FOLLOW_UP',
        payload: { channel: 'visit', note: 'dropped by' },
      },
    );
    expect(visit.status).toBe(200);
    // The record says when the next call is allowed (the refusals' time); visits have no limit.
    const until = refused[0]!.body.error.details.until as string;
    expect(visit.body.nextContactAt).toEqual({ call: until });
    const read = await call(t.app, tokens['rep']!, 'GET', `/api/pools/calls/records/${id}`);
    expect(read.body.nextContactAt).toEqual({ call: until });
  });
});
