// A timer row that outlived its timer (the snapshot no longer holds it) is removed by the sweep and
// changes nothing on its record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';

describe.each(backends)('sweeper (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { alice: {} }));
  });
  afterAll(() => t.close());

  it('deletes a stale timer row without stepping its record', async () => {
    const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'Ghost Ltd' },
      ownerId: ids['alice'],
    });
    const recordId = created.body.id as string;
    const now = await t.app.clock.now(t.app.db);
    const key = 'xstate.after.release.crm.owned';
    // The record's own release timer, with a due time its snapshot does not have: a leftover row.
    await t.app.db('timers').where({ record_id: recordId, timer_key: key }).delete();
    await t.app.db('timers').insert({
      record_id: recordId,
      timer_key: key,
      due_at: new Date(now - 3_600_000),
      event: JSON.stringify({ type: key, timerKey: key, dueAt: now - 3_600_000 }),
    });

    const swept = await t.app.sweeper.sweepOnce();
    expect(swept).toEqual({ fired: 0, stale: 1, records: 0, failed: 0 });
    const timers = (await t.app.db('timers').where({ record_id: recordId })) as unknown[];
    expect(timers.map((r) => (r as { timer_key: string }).timer_key)).not.toContain(key);
    const record = await call(t.app, tokens['alice']!, 'GET', `/api/pools/crm/records/${recordId}`);
    expect(record.body).toMatchObject({ state: 'owned', ownerId: ids['alice'], seq: 1 });
  });
});
