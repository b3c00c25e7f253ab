// Claims racing over real HTTP: one winner per record, and a claimant's limit holds under parallel claims.
import { compile, start, step, type Policy } from '@poolflow/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordRow } from '../src/db/rows.js';
import { writeOutcomes } from '../src/services/record-writer.js';
import {
  backends,
  build,
  call,
  createUsers,
  httpPost,
  listen,
  publishPool,
  template,
  type TestApp,
} from './helpers.js';

const REPS = 50;

describe.each(backends)('concurrent claims over HTTP (%s)', (backend) => {
  let t: TestApp;
  let base: string;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  const reps = Array.from({ length: REPS }, (_, i) => `rep${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await createUsers(t, [...reps, 'dora']));
    const members = Object.values(ids);
    await publishPool(t, template('crm-customer-pool'), 'crm', members);
    const limited = {
      ...template('crm-customer-pool'),
      id: 'crm-limited',
      claim: { ...(template('crm-customer-pool')['claim'] as object), maxOwned: 3 },
    };
    await publishPool(t, limited, 'limited', members);
    base = await listen(t.app);
  });
  afterAll(() => t.close());

  const createPooled = async (pool: string, name: string): Promise<string> => {
    const created = await call(t.app, t.adminToken, 'POST', `/api/pools/${pool}/records`, {
      data: { name, industry: 'software' },
      ownerId: null,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'pool', ownerId: null });
    return created.body.id as string;
  };

  it(`${REPS} reps claim one pooled record at once: one 200, the rest 409 POOL_ERR_TAKEN`, async () => {
    const id = await createPooled('crm', 'Contested Ltd');
    const replies = await Promise.all(
      reps.map((rep) => httpPost(base, tokens[rep], `/api/pools/crm/records/${id}/claim`)),
    );
    const won = replies.filter((r) => r.status === 200);
    const lost = replies.filter((r) => r.status !== 200);
    expect(won).toHaveLength(1);
    expect(lost.map((r) => `${r.status} ${r.body.error.code}`)).toEqual(
      Array(REPS - 1).fill('409 POOL_ERR_TAKEN'),
    );
    const winner = won[0].body.ownerId as string;
    expect(Object.values(ids)).toContain(winner);

    const row = await t.app.db('records').where({ id }).first('owner_id', 'state', 'seq');
    expect(row).toEqual({ owner_id: winner, state: 'owned', seq: 2 });
    const history = await t.app.db('history').where({ record_id: id }).orderBy('seq');
    expect(history.map((h) => `${h.event_type}:${h.owner_to}`)).toEqual([
      'CREATE:null',
      `CLAIM:${winner}`,
    ]);
    expect(await t.app.db('claims').where({ record_id: id }).pluck('user_id')).toEqual([winner]);
  });

  it('parallel claims by one rep at claim.maxOwned 3: exactly 3 succeed, the rest POOL_ERR_CLAIM_LIMIT', async () => {
    const recordIds: string[] = [];
    for (let i = 0; i < 10; i++) recordIds.push(await createPooled('limited', `Lead ${i}`));
    const replies = await Promise.all(
      recordIds.map((id) =>
        httpPost(base, tokens['dora'], `/api/pools/limited/records/${id}/claim`),
      ),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(3);
    expect(
      replies.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.body.error.code}`),
    ).toEqual(Array(7).fill('422 POOL_ERR_CLAIM_LIMIT'));

    const owned = await t.app
      .db('records')
      .where({ pool_key: 'limited', owner_id: ids['dora'] })
      .pluck('id');
    expect(owned).toHaveLength(3);
    expect(await t.app.db('claims').where({ pool_key: 'limited' }).count({ n: '*' })).toEqual([
      { n: 3 },
    ]);

    // A second wave through claim-next cannot push her past the limit either.
    const more = await Promise.all(
      Array.from({ length: 5 }, () =>
        httpPost(base, tokens['dora'], '/api/pools/limited/claim-next'),
      ),
    );
    expect(more.map((r) => r.body.error?.code)).toEqual(Array(5).fill('POOL_ERR_CLAIM_LIMIT'));
    expect(
      await t.app.db('records').where({ pool_key: 'limited', owner_id: ids['dora'] }).pluck('id'),
    ).toHaveLength(3);
  });

  it('records a rep creates for herself count against claim.maxOwned 3, with her claims, even in parallel', async () => {
    const rep = 'rep30';
    const pooled: string[] = [];
    for (let i = 0; i < 4; i++) pooled.push(await createPooled('limited', `Claimable ${i}`));
    const before = await t.app.db('records').where({ pool_key: 'limited' }).count({ n: '*' });
    // Four creates of her own and four claims at once: three of the eight get through.
    const replies = await Promise.all([
      ...Array.from({ length: 4 }, (_, i) =>
        httpPost(base, tokens[rep], '/api/pools/limited/records', {
          data: { name: `Own lead ${i}`, industry: 'software' },
          ownerId: ids[rep],
        }),
      ),
      ...pooled.map((id) => httpPost(base, tokens[rep], `/api/pools/limited/records/${id}/claim`)),
    ]);
    const ok = replies.filter((r) => r.status === 200 || r.status === 201);
    expect(ok).toHaveLength(3);
    expect(
      replies.filter((r) => r.status >= 400).map((r) => `${r.status} ${r.body.error.code}`),
    ).toEqual(Array(5).fill('422 POOL_ERR_CLAIM_LIMIT'));
    const owned = await t.app
      .db('records')
      .where({ pool_key: 'limited', owner_id: ids[rep] })
      .pluck('id');
    expect(owned).toHaveLength(3);
    // A refused create wrote nothing: the pool holds the four pooled records and the created ones only.
    const created = ok.filter((r) => r.status === 201).length;
    expect(await t.app.db('records').where({ pool_key: 'limited' }).count({ n: '*' })).toEqual([
      { n: Number(before[0]!['n']) + created },
    ]);

    // An admin creating a record for her is held to the same cap, and told whose it is.
    const forHer = await call(t.app, t.adminToken, 'POST', '/api/pools/limited/records', {
      data: { name: 'Given lead', industry: 'software' },
      ownerId: ids[rep],
    });
    expect(forHer.status).toBe(422);
    expect(forHer.body.error).toMatchObject({
      code: 'POOL_ERR_CLAIM_LIMIT',
      message: `${rep} already owns 3 records (limit 3)`,
      details: { owned: 3, limit: 3 },
    });
    // Unowned, it goes to the pool as ever.
    expect((await createPooled('limited', 'Unowned lead')).length).toBeGreaterThan(0);
  });

  it('reps racing claim-next take different records until the pool is empty', async () => {
    const recordIds: string[] = [];
    for (let i = 0; i < 10; i++) recordIds.push(await createPooled('crm', `Next ${i}`));
    const racers = reps.slice(0, 20);
    const replies = await Promise.all(
      racers.map((rep) => httpPost(base, tokens[rep], '/api/pools/crm/claim-next')),
    );
    const won = replies.filter((r) => r.status === 200);
    expect(won).toHaveLength(10);
    expect(new Set(won.map((r) => r.body.id)).size).toBe(10);
    expect(new Set(won.map((r) => r.body.ownerId)).size).toBe(10);
    expect(replies.filter((r) => r.status !== 200).map((r) => r.body.error.code)).toEqual(
      Array(10).fill('POOL_ERR_NOT_FOUND'),
    );
    expect(await t.app.db('records').where({ pool_key: 'crm', pooled: true }).pluck('id')).toEqual(
      [],
    );
    expect(await t.app.db('claims').whereIn('record_id', recordIds).count({ n: '*' })).toEqual([
      { n: 10 },
    ]);
  });

  // PGlite has one connection: a transaction holding the row would block the request's own queries.
  it.skipIf(backend === 'pglite')(
    "an owner's event queued behind the record lock is refused once the record changed hands (PostgreSQL only)",
    async () => {
      const { app } = t;
      const [alice, bob] = [reps[0], reps[1]];
      const created = await call(app, t.adminToken, 'POST', '/api/pools/crm/records', {
        data: { name: 'Handover Ltd', industry: 'trade' },
        ownerId: ids[alice],
      });
      const id = created.body.id as string;
      const compiled = await app.policies.get('crm-customer-pool', 1);
      const followUp = { type: 'FOLLOW_UP', payload: { channel: 'call', note: 'still mine?' } };

      // A manager's reassignment holds the row while alice's follow-up arrives and queues on it.
      const { pending } = await app.db.transaction(async (trx) => {
        const row = (await trx('records').where({ id }).forUpdate().first()) as RecordRow;
        const { rows } = await trx.raw<{ rows: { pid: number }[] }>(
          'SELECT pg_backend_pid() AS pid',
        );
        const pending = httpPost(
          base,
          tokens[alice],
          `/api/pools/crm/records/${id}/events`,
          followUp,
        );
        for (;;) {
          const waiting = await app.db.raw<{ rows: { n: number }[] }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))',
            [rows[0].pid],
          );
          if (waiting.rows[0].n > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const now = await app.clock.now(trx);
        const assign = { type: 'ASSIGN', payload: { userId: ids[bob] } };
        const result = step(compiled, row.snapshot, assign, {
          entity: row.data,
          now,
          recordId: id,
        });
        await writeOutcomes(trx, [
          {
            recordId: id,
            poolKey: 'crm',
            prevSeq: row.seq,
            steps: [
              { result, eventType: 'ASSIGN', payload: assign.payload, actorId: null, at: now },
            ],
          },
        ]);
        // Wrapped: returning the promise itself would hold the transaction open until it settles.
        return { pending };
      });
      const reply = await pending;

      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('POOL_ERR_FORBIDDEN');
      const history = await app.db('history').where({ record_id: id }).orderBy('seq');
      expect(history.map((h) => `${h.event_type}:${h.owner_to}`)).toEqual([
        `CREATE:${ids[alice]}`,
        `ASSIGN:${ids[bob]}`,
      ]);
    },
  );
});

describe.each(backends)('first events of a process, policy cache empty (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let id: string;
  const names = Array.from({ length: 20 }, (_, i) => `cold${i}`);
  afterAll(() => t.close());

  // Setting up (20 users, their password hashes and logins) is slow on a loaded machine and has its
  // own time; the claims alone must finish within the test's.
  beforeAll(async () => {
    t = await build(backend, { poolSize: 3 });
    let ids: Record<string, string>;
    ({ tokens, ids } = await createUsers(t, names));
    await publishPool(t, template('crm-customer-pool'), 'crm', Object.values(ids));
    // The record is written without the app's services, so nothing has warmed their cache.
    const document = { ...template('crm-customer-pool'), version: 1 } as unknown as Policy;
    const now = await t.app.clock.now(t.app.db);
    id = crypto.randomUUID();
    const entity = { name: 'Cold Start Ltd' };
    const result = start(compile(document), { entity, now, ownerId: null, recordId: id });
    await t.app.db.transaction((trx) =>
      writeOutcomes(trx, [
        {
          recordId: id,
          poolKey: 'crm',
          prevSeq: 0,
          created: true,
          steps: [{ result, eventType: 'CREATE', payload: null, actorId: null, at: now }],
        },
      ]),
    );
  }, 120_000);

  // Each event loads its record's policy inside its transaction. Loading it on another connection
  // would wait forever on PGlite (one connection) and, on PostgreSQL, whenever every pooled
  // connection is held by such a transaction: 20 claims at once against a pool of 3.
  it('20 reps claim at once on a fresh process: one 200, the rest 409, no stall', async () => {
    const base = await listen(t.app);
    const replies = await Promise.all(
      names.map((n) => httpPost(base, tokens[n], `/api/pools/crm/records/${id}/claim`)),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, ...Array(19).fill(409)]);
  }, 20_000);
});
