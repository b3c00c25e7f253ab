// A timer row that outlived its timer (the snapshot no longer holds it) is removed by the sweep and
// changes nothing on its record; the step cap counts a looping record's steps across the batches of a pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sweeper, type SweepPass } from '../src/services/sweeper.js';
import { spinPolicy } from './fixtures/timer-policies.js';
import { backends, build, call, crmPool, publishPool, type TestApp } from './helpers.js';

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

  it('counts a looping record’s steps across the batches of one pass and parks it past the cap', async () => {
    await publishPool(t, spinPolicy(), 'spin', [ids['alice']!]);
    const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/spin/records', {
      data: { name: 'Every minute', spin: 1 },
      ownerId: ids['alice'],
    });
    const logged: string[] = [];
    const log = {
      warn: (_: object, m: string) => logged.push(m),
      error: (_: object, m: string) => logged.push(m),
    };
    const sweeper = new Sweeper(t.app.db, t.app.policies, t.app.clock, t.app.metrics, 1000, 1, {
      stepCap: 12,
      log,
    });
    const pass: SweepPass = new Map();
    // 5 minutes: 5 steps in one batch (the loop's next timers are due at once); then a minute at a time,
    // as a system clock moves while one long pass runs: one step per batch, counted in the same pass.
    await t.app.clock.advance(t.app.db, 5 * 60_000);
    expect(await sweeper.sweepOnce(1000, pass)).toMatchObject({ fired: 5, failed: 0 });
    const batches: string[] = [];
    for (let i = 0; i < 8; i++) {
      await t.app.clock.advance(t.app.db, 60_000);
      const r = await sweeper.sweepOnce(1000, pass);
      batches.push(`${r.fired} fired, ${r.failed} failed`);
    }
    // Steps 6..12 fire; the 13th is parked.
    expect(batches).toEqual([...Array<string>(7).fill('1 fired, 0 failed'), '0 fired, 1 failed']);
    expect(logged).toEqual([expect.stringContaining('more than 12 steps in one sweep')]);
    // A new pass starts counting afresh, but the parked timer waits for a retry.
    await t.app.clock.advance(t.app.db, 60_000);
    expect(await sweeper.sweepAll()).toMatchObject({ fired: 0, failed: 0 });
    const history = await t.app
      .db('history')
      .where({ record_id: created.body.id })
      .count({ n: '*' });
    expect(history).toEqual([{ n: 13 }]);
  });

  it('fires a record’s retried timers in the order of their own due times, not of their retry times', async () => {
    const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'Retried Ltd' },
      ownerId: ids['alice'],
    });
    const recordId = created.body.id as string;
    await t.app.clock.advance(t.app.db, 31 * 86_400_000);
    const now = await t.app.clock.now(t.app.db);
    // What timer-failures.ts leaves after failed attempts: each row waits in `due_at` for its retry, its
    // own due time kept in `timer_due_at`. Here release is retried first and remind last.
    const retryAt: Record<string, number> = {
      release: now - 3000,
      escalate: now - 2000,
      remind: now - 1000,
    };
    for (const [delay, at] of Object.entries(retryAt)) {
      await t.app
        .db('timers')
        .where({ record_id: recordId, timer_key: `xstate.after.${delay}.crm.owned` })
        .update({
          timer_due_at: t.app.db.ref('due_at'),
          due_at: new Date(at),
          attempts: 1,
          failed_at: new Date(now - 60_000),
          error: JSON.stringify({ code: 'Error', message: 'earlier failure' }),
        });
    }
    // The earlier tests' records fall due too; none of this record's timers may turn stale.
    expect(await t.app.sweeper.sweepOnce()).toMatchObject({ stale: 0, failed: 0 });
    const history = (await t.app
      .db('history')
      .where({ record_id: recordId, event_type: 'TIMER' })
      .orderBy('seq')) as { payload: { timer: string } }[];
    expect(history.map((h) => h.payload.timer)).toEqual(['remind', 'escalate', 'release']);
    expect(await t.app.db('timers').where({ record_id: recordId }).count({ n: '*' })).toEqual([
      { n: 0 },
    ]);
  });

  it('fires a record’s earlier due timers first when a batch reads on past them (kill -9 test, CI)', async () => {
    const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'Skipped Ltd' },
      ownerId: ids['alice'],
    });
    const recordId = created.body.id as string;
    const dueOf = async (delay: string): Promise<number> => {
      const row = (await t.app
        .db('timers')
        .where({ record_id: recordId, timer_key: `xstate.after.${delay}.crm.owned` })
        .first()) as { due_at: Date | string };
      return new Date(row.due_at).getTime();
    };
    const escalateDue = await dueOf('escalate');
    expect(await dueOf('remind')).toBeLessThan(escalateDue);
    await t.app.clock.advance(t.app.db, 31 * 86_400_000);
    // A sweep loop whose cursor is past remind's due time (it read on while another sweeper held the
    // record, as in a kill -9 of that sweeper): its batch reads escalate and release, not remind.
    // Release leaves the owned state, which cancels remind: fired first, remind was lost for good.
    await t.app.sweeper.sweepOnce(1000, new Map(), { fromMs: escalateDue });
    await t.app.sweeper.sweepAll();
    const history = (await t.app
      .db('history')
      .where({ record_id: recordId, event_type: 'TIMER' })
      .orderBy('seq')) as { payload: { timer: string } }[];
    expect(history.map((h) => h.payload.timer)).toEqual(['remind', 'escalate', 'release']);
  });
});
