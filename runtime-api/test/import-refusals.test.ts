// Rows an import refuses one by one, through the route as a manager sends them: an NDJSON line nested too
// deep, a score over its rule budget, a delay read from a bad cell. Each is reported with its line, code
// and params, and nothing of it is written; the other rows are.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followUpPolicy, notesPolicy } from './fixtures/import-refusal-policies.js';
import { backends, build, call, crmPool, publishPool, type TestApp } from './helpers.js';
import { importThroughRoute, recordNamesIn } from './import-helpers.js';

const DAY = 86_400_000;

interface Report {
  rows: number;
  imported: number;
  failed: number;
  errors: { line: number; path: string; message: string; code: string; params: unknown }[];
}

describe.each(backends)('import rows refused at start (%s)', (backend) => {
  let t: TestApp;
  let boss: string;

  const importRows = (pool: string, body: string, type?: string): Promise<Report> =>
    importThroughRoute(t, boss, pool, body, type) as Promise<Report>;
  const namesIn = (pool: string) => recordNamesIn(t, pool);

  beforeAll(async () => {
    t = await build(backend);
    const { tokens, ids } = await crmPool(t, { boss: { roles: ['manager'] } });
    boss = tokens['boss']!;
    await publishPool(t, notesPolicy(), 'notes', [ids['boss']!]);
    await publishPool(t, followUpPolicy(), 'follow', [ids['boss']!]);
  });
  afterAll(() => t.close());

  it('refuses an NDJSON line nested deeper than 128 levels, naming its line; one at 128 is read', async () => {
    // {"data":{…,"industry":[[…]]}} nests two levels plus its arrays.
    const nested = (depth: number) => `${'['.repeat(depth - 2)}${']'.repeat(depth - 2)}`;
    const lines = [
      JSON.stringify({ data: { name: 'Before' } }),
      `{"data":{"name":"Deep","industry":${nested(129)}}}`,
      `{"data":{"name":"At the limit","industry":${nested(128)}}}`,
      // Brackets inside a string are text, not nesting.
      JSON.stringify({ data: { name: `Brackets ${'['.repeat(150)}` } }),
    ];
    const report = await importRows('crm', `${lines.join('\n')}\n`, 'application/x-ndjson');
    expect(report).toMatchObject({ rows: 4, imported: 2, failed: 2 });
    expect(report.errors[0]).toEqual({
      line: 2,
      path: '',
      message: 'nests deeper than 128 levels',
      code: 'too-deep',
      params: { limit: 128 },
    });
    // Parsed, then refused by the entity schema: the depth check let it through.
    expect(report.errors[1]).toMatchObject({ line: 3, path: '/data/industry', code: 'schema' });
    expect(await namesIn('crm')).toEqual(['Before', `Brackets ${'['.repeat(150)}`]);
  });

  it('refuses a row whose score runs over the rule budget, with the rule and the limit', async () => {
    const long = 'n'.repeat(25_000);
    // The policy's start reads no field: row 2 is started whole, row 4 reuses row 3's start and is only
    // scored. Both ways refuse it.
    const csv = ['name,note', `Long 2,${long}`, 'Short 3,called', `Long 4,${long}`, 'Short 5,'];
    const report = await importRows('notes', `${csv.join('\n')}\n`);
    expect(report).toMatchObject({ rows: 4, imported: 2, failed: 2 });
    const overBudget = (line: number) => ({
      line,
      path: '',
      message: 'rule "score" exceeded its cost budget: more than 100000 characters produced',
      code: 'POOL_ERR_RULE_BUDGET',
      params: expect.objectContaining({
        rule: 'score',
        limit: 'more than 100000 characters produced',
        characters: 125_000,
      }) as unknown,
    });
    expect(report.errors).toEqual([overBudget(2), overBudget(4)]);
    expect(await namesIn('notes')).toEqual(['Short 3', 'Short 5']);
    const scores = await t.app.db('records').where({ pool_key: 'notes' }).pluck('score');
    // Each written row has its own score: the note joined five times, counted.
    expect(scores.map(Number).sort((a, b) => a - b)).toEqual([0, 30]);
  });

  it('refuses a row whose delay field is not a number of days, naming the delay, field and value', async () => {
    const now = Date.parse((await call(t.app, t.adminToken, 'GET', '/api/clock')).body.now);
    // A cell of a number-or-text field stays text: "7" counts as 7 days, "-3" as minus three.
    // A blank cell leaves the field out: no number of days either, not a timer due at once.
    const csv = ['name,followUpDays', 'Vague,next week', 'Weekly,7', 'Backwards,-3', 'Blank,'];
    const report = await importRows('follow', `${csv.join('\n')}\n`);
    expect(report).toMatchObject({ rows: 4, imported: 1, failed: 3 });
    expect(report.errors).toEqual([
      {
        line: 2,
        path: '',
        message: 'delay "followUp" days is "next week", not a finite non-negative number',
        code: 'POOL_ERR_INVALID_DELAY',
        params: { delay: 'followUp', field: 'days', value: 'next week' },
      },
      {
        line: 4,
        path: '',
        message: 'delay "followUp" days is "-3", not a finite non-negative number',
        code: 'POOL_ERR_INVALID_DELAY',
        params: { delay: 'followUp', field: 'days', value: '-3' },
      },
      {
        line: 5,
        path: '',
        message: 'delay "followUp" days is null, not a finite non-negative number',
        code: 'POOL_ERR_INVALID_DELAY',
        params: { delay: 'followUp', field: 'days', value: null },
      },
    ]);
    expect(await namesIn('follow')).toEqual(['Weekly']);
    // Only the written row has a timer: 7 days from the import.
    const timers = await t.app
      .db('timers')
      .join('records', 'records.id', 'timers.record_id')
      .where({ pool_key: 'follow' });
    expect(timers.map((r: { due_at: Date | string }) => new Date(r.due_at).getTime())).toEqual([
      now + 7 * DAY,
    ]);
  });
});
