// Pool upgrades: a pool on v1 moved to v2 (release 30 -> 45 days) with a dry run first; timers recomputed
// from the time a record entered its state, or kept; final records stay; refused problems; idempotent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, template, type TestApp } from './helpers.js';

type Doc = ReturnType<typeof template> & {
  delays: Record<string, unknown>;
  machine: { states: Record<string, { on?: Record<string, unknown> }> };
  events: Record<string, unknown>;
};

describe.each(backends)('pool upgrade (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  const rec: Record<string, string> = {};
  const admin = () => t.adminToken;
  const advance = async (days: number) => {
    const res = await call(t.app, admin(), 'POST', '/api/clock/advance', { days });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  const record = async (pool: string, id: string) =>
    (await call(t.app, admin(), 'GET', `/api/pools/${pool}/records/${id}`)).body;
  const upgrade = (pool: string, body: Record<string, unknown>, token = admin()) =>
    call(t.app, token, 'POST', `/api/pools/${pool}/upgrade`, body);
  const count = async (table: string, where: Record<string, unknown> = {}) =>
    Number(((await t.app.db(table).where(where).count({ n: '*' }).first()) as { n: unknown }).n);
  const publish = async (doc: Doc) => {
    const draft = await call(t.app, admin(), 'PUT', '/api/policies/crm-customer-pool/draft', {
      document: doc,
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    const res = await call(t.app, admin(), 'POST', '/api/policies/crm-customer-pool/publish', {
      message: 'rollout test',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.version as number;
  };
  const create = async (pool: string, name: string, owner: string | null) => {
    const res = await call(t.app, tokens['alice']!, 'POST', `/api/pools/${pool}/records`, {
      data: { name },
      ownerId: owner,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const send = async (pool: string, id: string, type: string, payload: object) => {
    const res = await call(
      t.app,
      tokens['alice']!,
      'POST',
      `/api/pools/${pool}/records/${id}/events`,
      {
        type,
        payload,
      },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { alice: {}, boss: { roles: ['manager'] } }));
    for (const key of ['keep', 'rm']) {
      const res = await call(t.app, admin(), 'POST', '/api/pools', {
        key,
        name: { en: key },
        policyId: 'crm-customer-pool',
        members: [{ userId: ids['alice'] }, { userId: ids['boss'] }],
      });
      expect(res.status).toBe(201);
    }
    // Day 0: records on v1. Day 10: the followed-up ones restart their 30-day protection.
    rec['recompute'] = await create('crm', 'Recompute Co', ids['alice']!);
    rec['won'] = await create('crm', 'Won Co', ids['alice']!);
    rec['pooled'] = await create('crm', 'Pooled Co', null);
    rec['keep'] = await create('keep', 'Keep Co', ids['alice']!);
    rec['nurtured'] = await create('rm', 'Nurtured Co', ids['alice']!);
    await send('crm', rec['won'], 'WIN', {});
    await send('rm', rec['nurtured'], 'NURTURE', { months: 6 });
    await advance(10);
    for (const [pool, id] of [
      ['crm', rec['recompute']],
      ['keep', rec['keep']],
    ] as const)
      await send(pool, id, 'FOLLOW_UP', { channel: 'call', note: 'asked for a quote' });
    // v2: the protection period is 45 days instead of 30.
    const v2 = template('crm-customer-pool') as Doc;
    v2.delays['release'] = { days: 45 };
    expect(await publish(v2)).toBe(2);
    await advance(10); // day 20
  });
  afterAll(() => t.close());

  it('previews the upgrade without writing anything', async () => {
    const history = await count('history');
    const res = await upgrade('crm', { toVersion: 2, dryRun: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      toVersion: 2,
      total: 2,
      problems: [],
      dueAtOnce: 0,
      moves: [
        { fromVersion: 1, fromState: 'owned', toState: 'owned', records: 1 },
        { fromVersion: 1, fromState: 'pool', toState: 'pool', records: 1 },
      ],
    });
    // The release moves from day 40 to day 55, and the reminder and the escalation with it (7 and 3 days
    // before the release).
    expect(res.body.timers).toEqual({ earlier: 0, later: 3, unchanged: 0, added: 0, removed: 0 });
    const keep = await upgrade('keep', { toVersion: 2, dryRun: true, timers: 'keep' });
    expect(keep.body.timers).toEqual({ earlier: 0, later: 0, unchanged: 3, added: 0, removed: 0 });
    expect(await count('history')).toBe(history);
    expect(await count('pool_upgrades')).toBe(0);
    expect((await call(t.app, admin(), 'GET', '/api/pools/crm')).body.policyVersion).toBe(1);
    expect((await record('crm', rec['recompute']!)).policyVersion).toBe(1);
  });

  it('refuses bad requests naming the field, and managers', async () => {
    for (const toVersion of [1, 9]) {
      const res = await upgrade('crm', { toVersion });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe('/body/toVersion');
    }
    const extra = await upgrade('crm', { toVersion: 2, timers: 'later' });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toContain('/body/timers');
    const boss = await upgrade('crm', { toVersion: 2 }, tokens['boss']);
    expect(boss.status).toBe(403);
    const badId = await call(t.app, admin(), 'GET', '/api/pools/crm/upgrades/not-an-id');
    expect(badId.status).toBe(400);
    expect(badId.body.error.details[0].path).toBe('/params/id');
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await call(t.app, admin(), 'GET', `/api/pools/crm/upgrades/${unknown}`)).status).toBe(
      404,
    );
    expect(await count('pool_upgrades')).toBe(0);
  });

  it('recompute: a record followed up on day 10 is owned on day 41 and released on day 55', async () => {
    const res = await upgrade('crm', { toVersion: 2 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const id = res.body.id as string;
    // The pool runs v2 at once: new records start on it.
    expect((await call(t.app, admin(), 'GET', '/api/pools/crm')).body.policyVersion).toBe(2);
    expect((await record('crm', await create('crm', 'New Co', ids['alice']!))).policyVersion).toBe(
      2,
    );
    const kept = await upgrade('keep', { toVersion: 2, timers: 'keep' });
    expect(kept.status).toBe(202);

    await advance(21); // day 41
    const status = await call(t.app, tokens['boss']!, 'GET', `/api/pools/crm/upgrades/${id}`);
    expect(status.body).toMatchObject({
      id,
      status: 'done',
      total: 2,
      done: 2,
      failed: 0,
      toVersion: 2,
      fromVersions: [1],
    });
    const list = await call(t.app, admin(), 'GET', '/api/pools/crm/upgrades');
    expect(list.body.items.map((u: { id: string }) => u.id)).toEqual([id]);
    const moved = await record('crm', rec['recompute']!);
    expect(moved).toMatchObject({ policyVersion: 2, state: 'owned', ownerId: ids['alice'] });
    // keep: the release stays on day 40, so the record is in the pool on day 41.
    expect(await record('keep', rec['keep']!)).toMatchObject({ policyVersion: 2, state: 'pool' });
    // The won record stays on v1; the pooled one moved.
    expect(await record('crm', rec['won']!)).toMatchObject({ policyVersion: 1, state: 'won' });
    expect((await record('crm', rec['pooled']!)).policyVersion).toBe(2);

    const history = await call(
      t.app,
      admin(),
      'GET',
      `/api/pools/crm/records/${rec['recompute']}/history`,
    );
    const migrate = (history.body.items as { event: string; payload: unknown }[]).filter(
      (h) => h.event === 'MIGRATE',
    );
    expect(migrate).toHaveLength(1);
    expect(migrate[0]!.payload).toEqual({
      fromVersion: 1,
      toVersion: 2,
      fromState: 'owned',
      toState: 'owned',
    });

    await advance(13); // day 54
    expect((await record('crm', rec['recompute']!)).state).toBe('owned');
    await advance(1); // day 55
    expect(await record('crm', rec['recompute']!)).toMatchObject({ state: 'pool', ownerId: null });
  });

  it('moves each record once: a resumed or repeated upgrade writes nothing more', async () => {
    const before = await record('crm', rec['pooled']!);
    const migrates = await count('history', { event_type: 'MIGRATE' });
    // As if the process died before closing it: the upgrade runs again and finds nothing to move.
    await t.app.db('pool_upgrades').where({ pool_key: 'crm' }).update({ status: 'running' });
    await advance(1);
    expect(await count('history', { event_type: 'MIGRATE' })).toBe(migrates);
    expect((await record('crm', rec['pooled']!)).seq).toBe(before.seq);
    const [row] = (await t.app.db('pool_upgrades').where({ pool_key: 'crm' })) as {
      status: string;
      done: number;
    }[];
    expect(row).toMatchObject({ status: 'done', done: 2 });
    // The pool runs v2 now: the same upgrade again is refused.
    expect((await upgrade('crm', { toVersion: 2 })).status).toBe(400);
  });

  it('refuses an upgrade that would drop records in a removed state, until it is mapped', async () => {
    const v3 = template('crm-customer-pool') as Doc;
    v3.delays['release'] = { days: 45 };
    delete v3.machine.states['nurture'];
    delete v3.machine.states['owned']!.on!['NURTURE'];
    delete v3.delays['nurtureEnd'];
    delete v3.events['NURTURE'];
    expect(await publish(v3)).toBe(3);
    const preview = await upgrade('rm', { toVersion: 3, dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.body.problems).toEqual([
      expect.objectContaining({ code: 'state-removed', state: 'nurture', records: 1 }),
    ]);
    const refused = await upgrade('rm', { toVersion: 3 });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('POOL_ERR_UPGRADE_REFUSED');
    expect(refused.body.error.details[0]).toMatchObject({
      code: 'state-removed',
      state: 'nurture',
    });
    expect((await call(t.app, admin(), 'GET', '/api/pools/rm')).body.policyVersion).toBe(1);
    expect(await count('pool_upgrades', { pool_key: 'rm' })).toBe(0);

    const final = await upgrade('rm', { toVersion: 3, dryRun: true, stateMap: { nurture: 'won' } });
    expect(final.body.problems[0]).toMatchObject({ code: 'state-invalid', state: 'nurture' });
    const typo = await upgrade('rm', {
      toVersion: 3,
      dryRun: true,
      stateMap: { nurture: 'owend' },
    });
    expect(typo.body.problems[0]).toMatchObject({ code: 'state-invalid' });
    // A typo in the key (a state no version has) is not ignored: its records would stay unmapped.
    const typoKey = { nurture: 'owned', nurtrue: 'pool' };
    const keyDry = await upgrade('rm', { toVersion: 3, dryRun: true, stateMap: typoKey });
    expect(keyDry.body.problems).toEqual([
      expect.objectContaining({ code: 'state-invalid', state: 'nurtrue', records: 0 }),
    ]);
    expect(keyDry.body.problems[0].message).toContain('"nurtrue"');
    const keyRun = await upgrade('rm', { toVersion: 3, stateMap: typoKey });
    expect(keyRun.status).toBe(422);
    expect(keyRun.body.error.details[0]).toMatchObject({ code: 'state-invalid', state: 'nurtrue' });
    expect((await call(t.app, admin(), 'GET', '/api/pools/rm')).body.policyVersion).toBe(1);
    expect(await count('pool_upgrades', { pool_key: 'rm' })).toBe(0);

    // While an upgrade of the pool runs (to v2 here, started and not yet run), another is refused.
    const first = await t.app.upgrades.begin('rm', { toVersion: 2 }, ids['alice']!);
    const busy = await upgrade('rm', { toVersion: 3, stateMap: { nurture: 'owned' } });
    expect(busy.status).toBe(422);
    expect(busy.body.error.details[0]).toMatchObject({ code: 'upgrade-running' });
    await advance(0.01);
    expect((await t.app.upgrades.get('rm', first.id)).status).toBe('done');
    expect((await record('rm', rec['nurtured']!)).policyVersion).toBe(2);

    // Mapped to owned: it entered nurture on day 0, so its 45-day release has passed and falls due at once.
    // A key naming a state of an older version that no record is in now is no problem.
    const ok = await upgrade('rm', {
      toVersion: 3,
      dryRun: true,
      stateMap: { nurture: 'owned', won: 'won' },
    });
    expect(ok.body).toMatchObject({ problems: [], dueAtOnce: 1 });
    expect(ok.body.dueAtOnceByDelay).toMatchObject({ release: 1 });
    const mapped = await upgrade('rm', { toVersion: 3, stateMap: { nurture: 'owned' } });
    expect(mapped.status, JSON.stringify(mapped.body)).toBe(202);
    await advance(0.01);
    expect(await record('rm', rec['nurtured']!)).toMatchObject({ policyVersion: 3, state: 'pool' });
    const history = await call(
      t.app,
      admin(),
      'GET',
      `/api/pools/rm/records/${rec['nurtured']}/history`,
    );
    expect(
      (history.body.items as { event: string; from: string; to: string }[]).map((h) => [
        h.event,
        h.from,
        h.to,
      ]),
    ).toContainEqual(['MIGRATE', 'nurture', 'owned']);
  });

  it('refuses a version whose delay fails for a record; a record that fails mid-upgrade stays, listed', async () => {
    const pool = await call(t.app, admin(), 'POST', '/api/pools', {
      key: 'bad',
      name: { en: 'bad' },
      policyId: 'crm-customer-pool',
      policyVersion: 3,
      members: [{ userId: ids['alice'] }],
    });
    expect(pool.status).toBe(201);
    const fine = await create('bad', 'Fine Co', ids['alice']!);
    const broken = await create('bad', 'Broken Co', ids['alice']!);
    // v4's release delay is no number for "Broken Co".
    const v4 = template('crm-customer-pool') as Doc;
    v4.delays['release'] = {
      days: { if: [{ '==': [{ var: 'entity.name' }, 'Broken Co'] }, 'soon', 45] },
    };
    expect(await publish(v4)).toBe(4);
    const preview = await upgrade('bad', { toVersion: 4, dryRun: true });
    expect(preview.body.problems).toEqual([
      expect.objectContaining({ code: 'timer-error', state: 'owned', records: 1 }),
    ]);
    const refused = await upgrade('bad', { toVersion: 4 });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details[0]).toMatchObject({ code: 'timer-error' });
    expect((await call(t.app, admin(), 'GET', '/api/pools/bad')).body.policyVersion).toBe(3);

    // The record's data changes after the start (as an import would): it fails alone and stays on v3.
    await t.app
      .db('records')
      .where({ id: broken })
      .update({ data: { name: 'Fixed Co' } });
    const started = await t.app.upgrades.begin('bad', { toVersion: 4 }, ids['alice']!);
    await t.app
      .db('records')
      .where({ id: broken })
      .update({ data: { name: 'Broken Co' } });
    await advance(0.01);
    const status = await call(t.app, admin(), 'GET', `/api/pools/bad/upgrades/${started.id}`);
    expect(status.body).toMatchObject({ status: 'failed', total: 2, done: 1, failed: 1 });
    expect(status.body.failures).toEqual([
      { recordId: broken, error: expect.objectContaining({ code: 'POOL_ERR_INVALID_DELAY' }) },
    ]);
    expect((await record('bad', broken)).policyVersion).toBe(3);
    expect((await record('bad', fine)).policyVersion).toBe(4);

    // Fixed, it moves when the upgrade to the pool's own version is run again; then nothing is behind.
    await t.app
      .db('records')
      .where({ id: broken })
      .update({ data: { name: 'Fixed Co' } });
    const again = await upgrade('bad', { toVersion: 4 });
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    await advance(0.01);
    expect((await record('bad', broken)).policyVersion).toBe(4);
    expect((await record('bad', fine)).policyVersion).toBe(4);
    const done = await call(t.app, admin(), 'GET', `/api/pools/bad/upgrades/${again.body.id}`);
    expect(done.body).toMatchObject({ status: 'done', total: 1, done: 1, failed: 0 });
    const nothingLeft = await upgrade('bad', { toVersion: 4, dryRun: true });
    expect(nothingLeft.status).toBe(400);
    expect(nothingLeft.body.error.details[0].path).toBe('/body/toVersion');
  });
});
