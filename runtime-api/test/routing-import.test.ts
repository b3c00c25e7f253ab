// Routing at import: 100,000 rows, each admitted or refused and routed by the entrance pool's rules
// (compiled once), land in the pools the rules say, counted in the report and in the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, template, type TestApp } from './helpers.js';
import { byIndustry, noPhone, nurture } from '../../engine/test/routing-fixtures.js';

const ROWS = 100_000;
/** The CRM policy's industries (seven): with three levels, every pair comes round every 21 rows. */
const INDUSTRIES = (
  template('crm-customer-pool') as {
    entity: { schema: { properties: { industry: { enum: string[] } } } };
  }
).entity.schema.properties.industry.enum;
const LEVELS = ['A', 'B', 'C'];

const ROUTING = { admission: [noPhone], rules: [nurture, byIndustry('finance')] };

/**
 * Row i of the import: every industry meets every level; one row in 50 has no phone. Names and phones
 * are each row's own (the CRM template checks both for duplicates).
 */
function row(i: number): { name: string; industry: string; level: string; phone?: string } {
  const r = { name: `L${i}`, industry: INDUSTRIES[i % INDUSTRIES.length]!, level: LEVELS[i % 3]! };
  return i % 50 === 0 ? r : { ...r, phone: String(13_000_000_000 + i) };
}

/** Where the rules put row i, worked out by hand: refused, or the pool it lands in. */
function expected(i: number): string {
  const r = row(i);
  if (!r.phone) return 'refused';
  if (r.level === 'C' && r.industry !== 'software' && r.industry !== 'finance') return 'nurture';
  if (r.industry === 'finance') return 'finance';
  return 'crm';
}

describe.each(backends)('routing at import (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens } = await crmPool(t, { boss: { roles: ['manager'] } }));
    await t.app.db('pool_members').where({ pool_key: 'crm' }).update({ role: 'manager' });
    for (const key of ['nurture', 'finance']) {
      const res = await call(t.app, t.adminToken, 'POST', '/api/pools', {
        key,
        name: { en: key },
        policyId: 'crm-customer-pool',
      });
      expect(res.status).toBe(201);
    }
    const saved = await call(t.app, t.adminToken, 'PUT', '/api/pools/crm/routing', ROUTING);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  }, 180_000);
  afterAll(() => t.close());

  it(`routes ${ROWS.toLocaleString('en')} imported rows to the pools the rules say`, async () => {
    const want: Record<string, number> = {};
    const lines: string[] = [];
    for (let i = 1; i <= ROWS; i++) {
      lines.push(JSON.stringify({ data: row(i) }));
      const to = expected(i);
      want[to] = (want[to] ?? 0) + 1;
    }
    const started = performance.now();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/import?format=ndjson',
      headers: {
        authorization: `Bearer ${tokens['boss']}`,
        'content-type': 'application/x-ndjson',
      },
      payload: `${lines.join('\n')}\n`,
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(`routing import of ${ROWS} rows on ${backend}: ${seconds.toFixed(1)} s`);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const report = res.json<{
      rows: number;
      imported: number;
      failed: number;
      routed: Record<string, number>;
      errors: { line: number; code?: string; rule?: string }[];
    }>();
    const { refused, ...pools } = want;
    expect(report).toMatchObject({ rows: ROWS, imported: ROWS - refused!, failed: refused });
    expect(report.routed).toEqual(pools);
    // Refused rows are reported with the rule that refused them, line by line.
    expect(report.errors.map((e) => e.line)).toEqual(
      Array.from({ length: refused! }, (_, k) => 50 * (k + 1)),
    );
    expect(new Set(report.errors.map((e) => `${e.code} ${e.rule}`))).toEqual(
      new Set(['POOL_ERR_NOT_ADMITTED no-phone']),
    );
    // Its params: the rule and its message in both languages, for a client's own words.
    expect(report.errors[0]).toMatchObject({
      params: { rule: 'no-phone', message: { en: expect.any(String) as unknown } },
    });
    const inDb = await t.app.db('records').select('pool_key').count({ n: '*' }).groupBy('pool_key');
    expect(Object.fromEntries(inDb.map((r) => [r.pool_key, Number(r.n)]))).toEqual(pools);
    // Each record is where its row's rules put it, and its history says by which rule.
    const sample = await t.app.db.raw<{
      rows: { name: string; pool_key: string; payload: unknown }[];
    }>(
      `SELECT r.data->>'name' AS name, r.pool_key, h.payload FROM records r
       JOIN history h ON h.record_id = r.id WHERE r.data->>'name' IN ('L2', 'L3', 'L5')`,
    );
    const byName = Object.fromEntries(sample.rows.map((r) => [r.name, r]));
    for (const i of [2, 3, 5]) {
      const to = expected(i);
      expect(byName[`L${i}`]).toMatchObject({ pool_key: to });
      if (to !== 'crm')
        expect(byName[`L${i}`]!.payload).toMatchObject({ routedBy: to, from: 'crm', import: true });
    }
  }, 600_000);
});
