// A pool past a hundred thousand records can be previewed and rolled out. The dry run gathered every
// moving record's timers into one list with `push(...rows)`: at about 125,000 distinct entry times
// that is past the call stack's limit, and the Preview, and the start of every upgrade (which runs the
// same dry run first, in its transaction), failed with RangeError. 150,000 records here, each entering
// its state a millisecond after the one before. On PostgreSQL only: on embedded PGlite (a pool of
// this size is no pool for it) the test takes three minutes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, call, crmPool, publishVersion, template, type TestApp } from './helpers.js';

const RECORDS = 150_000;

describe.runIf(process.env['DATABASE_URL'])('the dry run of a large pool (postgres)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await build('postgres');
    const { tokens, ids } = await crmPool(t, { alice: {} });
    const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'Acme' },
      ownerId: ids['alice'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // The others copy it in one statement (as many creates would take minutes): own ids, own names,
    // entry times a millisecond apart.
    await t.app.db.raw(
      `INSERT INTO records (id, pool_key, policy_id, policy_version, state, owner_id, pooled, done,
         limit_free, tags, score, data, snapshot, seq, search, created_at, updated_at)
       SELECT gen_random_uuid(), pool_key, policy_id, policy_version, state, owner_id, pooled, done,
         limit_free, tags, score, jsonb_build_object('name', 'Acme ' || i), jsonb_set(snapshot::jsonb,
           '{instance,enteredStateAt}', to_jsonb((snapshot->'instance'->>'enteredStateAt')::bigint + i))::json,
         seq, search, created_at, updated_at
       FROM records, generate_series(1, ?::int) AS i WHERE id = ?`,
      [RECORDS - 1, created.body.id],
    );
    const v2 = template('crm-customer-pool') as { delays: Record<string, unknown> };
    v2.delays['release'] = { days: 40 };
    expect(await publishVersion(t, v2, 'forty days')).toBe(2);
  }, 300_000);
  afterAll(() => t.close());

  it('previews the upgrade of 150,000 records', async () => {
    const preview = await call(t.app, t.adminToken, 'POST', '/api/pools/crm/upgrade', {
      toVersion: 2,
      dryRun: true,
    });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toMatchObject({ total: RECORDS, problems: [], dueAtOnce: 0 });
    // Reminder, escalation and release of each: ten days later.
    expect(preview.body.timers).toEqual({
      earlier: 0,
      later: 3 * RECORDS,
      unchanged: 0,
      added: 0,
      removed: 0,
    });
  }, 300_000);
});
