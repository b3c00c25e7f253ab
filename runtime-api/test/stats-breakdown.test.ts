// A stats request is checked before anything is tallied: a breakdown only by an entity field with fixed
// values, a range from 1970 on; the rollup job frees the slots of fields that are not such fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TALLY_FIELDS_PER_POOL } from '../src/services/stats-tally.js';
import { backends, build, call, crmPool, template, type TestApp } from './helpers.js';

describe.each(backends)('stats breakdown fields and ranges (%s)', (backend) => {
  let t: TestApp;
  let boss: string;

  beforeAll(async () => {
    t = await build(backend);
    const { tokens, ids } = await crmPool(t, { alice: {}, boss: { roles: ['manager'] } });
    boss = tokens['boss']!;
    for (const [name, industry, level] of [
      ['A', 'trade', 'A'],
      ['B', 'trade', 'B'],
      ['C', 'software', 'A'],
    ] as const) {
      const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
        data: { name, industry, level },
        ownerId: name === 'A' ? ids['alice'] : null,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
  });
  afterAll(() => t.close());

  const tallied = async (pool: string) =>
    ((await t.app.db('stats_fields').where({ pool_key: pool }).pluck('field')) as string[]).sort();
  const stats = (pool: string, query: string) =>
    call(t.app, boss, 'GET', `/api/pools/${pool}/stats${query}`);

  it('refuses a breakdown by a field without fixed values, naming it, and tallies nothing', async () => {
    for (let i = 1; i <= TALLY_FIELDS_PER_POOL + 1; i++) {
      const res = await stats('crm', `?by=junk${i}`);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([
        {
          path: '/querystring/by',
          message: `junk${i} is not a field with fixed values; one of: industry, level`,
          code: 'not-breakdown-field',
          params: { name: `junk${i}`, allowed: ['industry', 'level'] },
        },
      ]);
    }
    // `name` is an entity field, but free text.
    expect((await stats('crm', '?by=name')).body.error.details[0].path).toBe('/querystring/by');
    expect(await tallied('crm')).toEqual([]);
  });

  it('breaks down by a field with fixed values, industry by default', async () => {
    const byLevel = await stats('crm', '?by=level');
    expect(byLevel.status).toBe(200);
    expect(byLevel.body.pooledNow).toBe(2);
    expect(byLevel.body.breakdown).toEqual({
      field: 'level',
      items: [
        { value: 'A', total: 2, pooled: 1, converted: 0 },
        { value: 'B', total: 1, pooled: 1, converted: 0 },
      ],
    });
    const byDefault = await stats('crm', '');
    expect(byDefault.status).toBe(200);
    expect(byDefault.body.breakdown.field).toBe('industry');
    expect(byDefault.body.breakdown.items).toEqual([
      { value: 'trade', total: 2, pooled: 1, converted: 0 },
      { value: 'software', total: 1, pooled: 1, converted: 0 },
    ]);
    expect(await tallied('crm')).toEqual(['industry', 'level']);
  });

  it("defaults to the policy's first field with fixed values, or to none", async () => {
    const pool = async (key: string, document: Record<string, unknown>) => {
      const id = document['id'] as string;
      await call(t.app, t.adminToken, 'POST', '/api/policies', { document });
      const published = await call(t.app, t.adminToken, 'POST', `/api/policies/${id}/publish`, {
        message: 'first',
      });
      expect(published.status, JSON.stringify(published.body)).toBe(200);
      const created = await call(t.app, t.adminToken, 'POST', '/api/pools', {
        key,
        name: { en: key },
        policyId: id,
        members: [],
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    };
    const hr = template('hr-candidate-pool');
    await pool('talent', hr);
    const talent = await call(t.app, t.adminToken, 'GET', '/api/pools/talent/stats');
    expect(talent.status).toBe(200);
    expect(talent.body.breakdown).toEqual({ field: 'source', items: [] });
    const industry = await call(t.app, t.adminToken, 'GET', '/api/pools/talent/stats?by=industry');
    expect(industry.status).toBe(400);
    expect(industry.body.error.details[0].path).toBe('/querystring/by');

    // A policy without a field with fixed values: no breakdown, and any `by` refused.
    const entity = hr['entity'] as { schema: { properties: Record<string, { enum?: unknown }> } };
    for (const property of Object.values(entity.schema.properties)) delete property.enum;
    await pool('plain', { ...hr, id: 'plain-candidates' });
    const plain = await call(t.app, t.adminToken, 'GET', '/api/pools/plain/stats');
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ pooledNow: 0, breakdown: { field: null, items: [] } });
    const refused = await call(t.app, t.adminToken, 'GET', '/api/pools/plain/stats?by=source');
    expect(refused.body.error.details).toEqual([
      {
        path: '/querystring/by',
        message: "source is not a field with fixed values (the pool's policy has none)",
        code: 'not-breakdown-field',
        params: { name: 'source', allowed: [] },
      },
    ]);
    expect(await tallied('plain')).toEqual([]);
  });

  it('frees the slots of fields tallied before requests were checked, at the next rollup', async () => {
    // Junk in every free slot, as an older runtime let requests write it, with tally rows and deltas.
    const free = TALLY_FIELDS_PER_POOL - (await tallied('crm')).length;
    const junk = Array.from({ length: free }, (_, i) => `junk${i + 1}`);
    await t.app.db('stats_fields').insert(junk.map((field) => ({ pool_key: 'crm', field })));
    await t.app.db.raw(
      `INSERT INTO stats_tally (pool_key, field, v, pooled, state, n)
       SELECT pool_key, field, 'null'::jsonb, true, 'pool', 2 FROM stats_fields WHERE field LIKE 'junk%'`,
    );
    await t.app.db.raw(
      `INSERT INTO stats_tally_delta (pool_key, field, v, pooled, state, n)
       SELECT pool_key, field, 'null'::jsonb, true, 'pool', 1 FROM stats_fields WHERE field LIKE 'junk%'`,
    );
    expect(await tallied('crm')).toHaveLength(TALLY_FIELDS_PER_POOL);

    await t.app.jobs.run('stats-rollup');
    expect(await tallied('crm')).toEqual(['industry', 'level']);
    const leftOver = async (table: string) =>
      (await t.app.db(table).where('field', 'like', 'junk%').count({ n: '*' }).first()) as {
        n: number | string;
      };
    expect(Number((await leftOver('stats_tally')).n)).toBe(0);
    expect(Number((await leftOver('stats_tally_delta')).n)).toBe(0);
    // The real fields still count right after the fold.
    const byLevel = await stats('crm', '?by=level');
    expect(byLevel.body.breakdown.items).toEqual([
      { value: 'A', total: 2, pooled: 1, converted: 0 },
      { value: 'B', total: 1, pooled: 1, converted: 0 },
    ]);
  });

  it('refuses a range before 1970, naming the field that sets its start', async () => {
    const year1 = await stats('crm', '?from=0001-01-01T00:00:00Z&to=0001-12-31T00:00:00Z');
    expect(year1.status).toBe(400);
    expect(year1.body.error.details).toEqual([
      {
        path: '/querystring/from',
        message: 'the range starts no earlier than 1970-01-01T00:00:00Z',
        code: 'range-floor',
        params: { floor: '1970-01-01T00:00:00Z' },
      },
    ]);
    // Without `from` the range starts 30 days before `to`.
    const early = await stats('crm', '?to=1970-01-10T00:00:00Z');
    expect(early.body.error.details[0].path).toBe('/querystring/to');
    const reps = await call(
      t.app,
      boss,
      'GET',
      '/api/pools/crm/stats/reps?from=0099-06-01T00:00:00Z',
    );
    expect(reps.status).toBe(400);
    expect(reps.body.error.details[0].path).toBe('/querystring/from');
    // From the floor on, a range is counted (and still at most 400 days long).
    const first = await stats('crm', '?from=1970-01-01T00:00:00Z&to=1970-02-01T00:00:00Z');
    expect(first.status).toBe(200);
    // Local dates of the pool (Beijing): 1970-01-01 08:00 to 1970-02-01 08:00.
    expect(first.body.days).toHaveLength(32);
    expect([first.body.days[0].day, first.body.days.at(-1).day]).toEqual([
      '1970-01-01',
      '1970-02-01',
    ]);
    const long = await stats('crm', '?from=1970-01-01T00:00:00Z&to=1971-03-01T00:00:00Z');
    expect(long.body.error.details[0]).toEqual({
      path: '/querystring/from',
      message: 'the range is at most 400 days',
      code: 'range-too-long',
      params: { from: '1970-01-01T00:00:00.000Z', to: '1971-03-01T00:00:00.000Z', limit: 400 },
    });
  });
});
