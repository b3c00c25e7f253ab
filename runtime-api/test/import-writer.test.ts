// The batched import (COPY on PostgreSQL) writes the same records, timers and history as the per-row
// path (engine start + the generic writer) for the same rows, and a row the database refuses loses no other.
import { randomUUID } from 'node:crypto';
import { compile, start, type Policy } from '@poolflow/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldsStartReads } from '../src/services/import-starts.js';
import { IMPORT_BATCH } from '../src/services/import.service.js';
import { writeOutcomes, type RecordOutcome } from '../src/services/record-writer.js';
import { backends, build, call, crmPool, publishPool, template, type TestApp } from './helpers.js';

const industries = ['software', 'manufacturing', 'finance', 'trade', 'retail'];
// Past one batch, so two batches are written (the second while the first is in flight).
const ROWS = IMPORT_BATCH + 200;

/**
 * The CRM template where a start reads the entity: the release delay depends on urgency (rows share a
 * start only with rows of the same urgency), and entering the pool notifies its managers (a pooled
 * row's start has an effect COPY does not write: it goes through the generic writer, in the same batch).
 */
function variant(): Policy {
  const policy = template('crm-customer-pool') as unknown as Policy;
  const delays = policy.delays as Record<string, unknown>;
  delays['release'] = { days: { if: [{ '>=': [{ var: ['entity.urgency', 0] }, 3] }, 10, 30] } };
  const pool = policy.machine.states['pool'] as { entry?: unknown[] };
  pool.entry = [
    ...(pool.entry ?? []),
    {
      type: 'notify',
      params: { to: 'poolManagers', message: { en: '{{entity.name}} is in the pool.' } },
    },
  ];
  return { ...policy, id: 'crm-variant', version: 1 };
}

describe('which entity fields a start reads', () => {
  it('ignores the score and message templates, and gives up on the whole entity', () => {
    const crm = { ...(template('crm-customer-pool') as unknown as Policy), version: 1 };
    expect(fieldsStartReads(compile(crm))).toEqual([]);
    expect(fieldsStartReads(compile(variant()))).toEqual(['urgency']);
    const whole = variant();
    (whole.delays as Record<string, unknown>)['release'] = {
      days: { if: [{ '==': [{ var: 'entity' }, null] }, 10, 30] },
    };
    expect(fieldsStartReads(compile(whole))).toBeNull();
  });
});

describe.each(backends)('import writer (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { boss: { roles: ['manager'] }, rep: {} }));
    const members = [ids['boss'] as string, ids['rep'] as string];
    await publishPool(t, variant() as unknown as Record<string, unknown>, 'variant', members);
    for (const [key, policyId] of [
      ['reference', 'crm-customer-pool'],
      ['refused', 'crm-customer-pool'],
      ['variant-reference', 'crm-variant'],
    ]) {
      const pool = await call(t.app, t.adminToken, 'POST', '/api/pools', {
        key,
        name: { en: key },
        policyId,
        members: members.map((userId) => ({ userId })),
      });
      expect(pool.status).toBe(201);
    }
  });
  afterAll(() => t.close());

  const importBody = (pool: string, type: string, payload: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/pools/${pool}/import`,
      headers: { authorization: `Bearer ${tokens['boss']}`, 'content-type': type },
      payload,
    });

  /** The rows of a pool as a user sees them, by record name (ids and the pool key left out). */
  const dump = async (pool: string) => {
    const records = await t.app.db.raw<{ rows: unknown[] }>(
      `SELECT data->>'name' AS name, policy_id, policy_version, state, owner_id, pooled, done, tags,
         score, data, snapshot::text AS snapshot, seq, search, created_at, updated_at
       FROM records WHERE pool_key = ? ORDER BY name`,
      [pool],
    );
    const timers = await t.app.db.raw<{ rows: unknown[] }>(
      `SELECT r.data->>'name' AS name, t.timer_key, t.due_at, t.event, t.attempts, t.failed_at,
         t.error, t.timer_due_at
       FROM timers t JOIN records r ON r.id = t.record_id WHERE r.pool_key = ? ORDER BY name, timer_key`,
      [pool],
    );
    const history = await t.app.db.raw<{ rows: unknown[] }>(
      `SELECT r.data->>'name' AS name, h.seq, h.at, h.actor_id, h.event_type, h.payload, h.from_state,
         h.to_state, h.owner_from, h.owner_to, h.tags, h.reason
       FROM history h JOIN records r ON r.id = h.record_id WHERE h.pool_key = ? ORDER BY name, seq`,
      [pool],
    );
    const notifications = await t.app.db.raw<{ rows: unknown[] }>(
      `SELECT r.data->>'name' AS name, n.user_id, n.kind, n.message, n.created_at
       FROM notifications n JOIN records r ON r.id = n.record_id WHERE n.pool_key = ? ORDER BY name`,
      [pool],
    );
    const outbox = await t.app.db.raw<{ rows: { n: number }[] }>(
      `SELECT count(*) AS n FROM outbox o JOIN records r ON r.id = o.record_id WHERE r.pool_key = ?`,
      [pool],
    );
    return {
      records: records.rows,
      timers: timers.rows,
      history: history.rows,
      notifications: notifications.rows,
      outbox: Number(outbox.rows[0]?.n),
    };
  };

  it.each([
    ['crm', 'reference', 'crm-customer-pool'],
    ['variant', 'variant-reference', 'crm-variant'],
  ])(
    'writes to %s what the per-row path writes for the same rows, bad rows reported',
    async (pool, referencePool, policyId) => {
      const lines = ['name,industry,phone,urgency,level,ownerId'];
      const good: { line: number; data: Record<string, unknown>; ownerId: string | null }[] = [];
      const bad: [number, string][] = [];
      for (let i = 0; i < ROWS; i++) {
        const line = i + 2;
        if (i % 1000 === 13) {
          lines.push(`Bad ${i},spaceships,,1,A,`);
          bad.push([line, '/data/industry']);
        } else if (i === 2600) {
          lines.push(`Stranger ${i},trade,,1,A,no-such-user`);
          bad.push([line, '/ownerId']);
        } else if (i === 4000) {
          lines.push(`Short ${i},trade`);
          bad.push([line, '']);
        } else {
          const ownerId = i % 3 === 0 ? null : (ids[i % 3 === 1 ? 'rep' : 'boss'] as string);
          const data: Record<string, unknown> = {
            name: `Company "${i}", Ltd`,
            industry: industries[i % 5],
          };
          if (i % 4 !== 0) data['phone'] = `138${String(i).padStart(8, '0')}`;
          if (i % 5 !== 0) data['urgency'] = i % 6;
          if (i % 7 !== 0) data['level'] = 'ABC'[i % 3];
          good.push({ line, data, ownerId });
          const cell = (v: unknown) => (v === undefined ? '' : String(v as string | number));
          lines.push(
            [
              `"Company ""${i}"", Ltd"`,
              data['industry'],
              cell(data['phone']),
              cell(data['urgency']),
              cell(data['level']),
              ownerId ?? '',
            ].join(','),
          );
        }
      }
      const res = await importBody(pool, 'text/csv', `${lines.join('\n')}\n`);
      expect(res.statusCode).toBe(200);
      const report = res.json();
      expect(report).toMatchObject({ rows: ROWS, imported: good.length, failed: bad.length });
      expect(report.errors.map((e: { line: number; path: string }) => [e.line, e.path])).toEqual(
        bad,
      );

      // The per-row path as import wrote before: each row started by the engine, written by the generic
      // writer in transactions of 500, at the same time and by the same user.
      const compiled = await t.app.policies.get(policyId, 1);
      const now = await t.app.clock.now(t.app.db);
      const actor = { id: ids['boss'] as string, roles: ['manager'], attributes: {} };
      for (let i = 0; i < good.length; i += 500) {
        const outcomes: RecordOutcome[] = good.slice(i, i + 500).map((row) => {
          const recordId = randomUUID();
          const result = start(compiled, {
            entity: row.data,
            now,
            ownerId: row.ownerId,
            user: actor,
            recordId,
          });
          return {
            recordId,
            poolKey: referencePool,
            prevSeq: 0,
            created: true,
            steps: [
              {
                result,
                eventType: 'CREATE',
                payload: { ownerId: row.ownerId, import: true },
                actorId: actor.id,
                at: now,
              },
            ],
          };
        });
        await t.app.db.transaction((trx) => writeOutcomes(trx, outcomes));
      }

      const imported = await dump(pool);
      const reference = await dump(referencePool);
      expect(imported.records).toHaveLength(good.length);
      // Owned records have their three timers (remind, escalate, release); pooled ones none.
      expect(imported.timers).toHaveLength(3 * good.filter((r) => r.ownerId !== null).length);
      expect(imported.history).toHaveLength(good.length);
      const pooled = good.filter((r) => r.ownerId === null).length;
      // The variant notifies the pool's manager (boss) of each pooled record.
      expect(imported.notifications).toHaveLength(pool === 'variant' ? pooled : 0);
      expect(imported).toEqual(reference);
      // The pool's analytics (tallies kept by triggers on records, history since) agree too.
      const stats = async (key: string) => {
        const reply = await call(t.app, tokens['boss']!, 'GET', `/api/pools/${key}/stats`);
        expect(reply.status).toBe(200);
        return JSON.stringify(reply.body).replaceAll(`"${key}"`, '"<pool>"');
      };
      const imports = await stats(pool);
      expect(JSON.parse(imports)).toMatchObject({ pooledNow: pooled });
      expect(imports).toEqual(await stats(referencePool));
    },
  );

  it('writes every other row when the database refuses one in the middle of a batch', async () => {
    // Valid JSON and a valid entity, but a row the database refuses (its own constraint, for the test).
    await t.app.db.raw(
      `ALTER TABLE records ADD CONSTRAINT refuses_one CHECK (data->>'name' <> 'Refused by the database')`,
    );
    const rows: string[] = [];
    for (let i = 0; i < ROWS; i++) {
      if (i === 1234) rows.push('{"data":{"name":"no industry","industry":"nowhere"}}');
      else if (i === 2345) rows.push('{"data":{"name":"Refused by the database"}}');
      else rows.push(JSON.stringify({ data: { name: `Refused ${i}` }, ownerId: ids['rep'] }));
    }
    const res = await importBody('refused', 'application/x-ndjson', `${rows.join('\n')}\n`);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ rows: ROWS, imported: ROWS - 2, failed: 2 });
    expect(report.errors.map((e: { line: number; path: string }) => [e.line, e.path])).toEqual([
      [1235, '/data/industry'],
      [2346, ''],
    ]);
    // By a code, in a few words: not the database's (its statement, kilobytes with the rows' values).
    expect(report.errors[1]).toEqual({
      line: 2346,
      path: '',
      message: 'not written: the database refused the row',
      code: 'not-written',
      params: {},
    });
    expect(res.body.length).toBeLessThan(1000);
    expect(report.errors[0]).toMatchObject({ code: 'schema', params: { keyword: 'enum' } });
    const names = (
      (await t.app.db('records').where({ pool_key: 'refused' }).select('data')) as {
        data: { name: string };
      }[]
    ).map((r) => r.data.name);
    expect(new Set(names)).toEqual(
      new Set(
        Array.from({ length: ROWS }, (_, i) => `Refused ${i}`).filter(
          (_, i) => i !== 1234 && i !== 2345,
        ),
      ),
    );
    const timers = (await t.app
      .db('timers')
      .join('records', 'records.id', 'timers.record_id')
      .where({ pool_key: 'refused' })
      .count({ n: '*' })
      .first()) as { n: number | string };
    expect(Number(timers.n)).toBe(3 * (ROWS - 2));
  });
});
