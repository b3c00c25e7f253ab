// Import rows the database cannot take, or that carry what a line may not: a lone surrogate in a cell or
// an NDJSON value or key fails its row alone, naming the field; a row the database refuses is reported
// in a few words, never in the database's (the statement, kilobytes of it, with the rows' values); an
// NDJSON line's key other than data and ownerId fails its row, naming it.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRecords, type ImportReport } from '../src/services/import.service.js';
import { backends, build, crmPool, type TestApp } from './helpers.js';
import { importThroughRoute, recordNamesIn } from './import-helpers.js';

const surrogate = {
  message: 'must not contain an unpaired UTF-16 surrogate',
  code: 'unpaired-surrogate',
  params: {},
};

describe.each(backends)('import rows with text the database refuses (%s)', (backend) => {
  let t: TestApp;
  let boss: string;
  let bossId: string;

  const importNdjson = (pool: string, lines: string[]): Promise<ImportReport> =>
    importThroughRoute(t, boss, pool, `${lines.join('\n')}\n`, 'application/x-ndjson');
  const namesIn = (pool: string) => recordNamesIn(t, pool);

  beforeAll(async () => {
    t = await build(backend);
    const { tokens, ids } = await crmPool(t, { boss: { roles: ['manager'] } });
    boss = tokens['boss']!;
    bossId = ids['boss']!;
  });
  afterAll(() => t.close());

  it('refuses an NDJSON row with a lone surrogate in a value or a key, writing the others', async () => {
    const report = await importNdjson('crm', [
      '{"data":{"name":"Before"}}',
      '{"data":{"name":"lone \\ud800"}}',
      '{"data":{"name":"Key","no\\udc00te":"x"}}',
      '{"data":{"name":"Owner"},"ownerId":"bo\\ud800ss"}',
      '{"data":{"name":"After \\ud83d\\ude00"}}',
    ]);
    expect(report).toMatchObject({ rows: 5, imported: 2, failed: 3 });
    expect(report.errors).toEqual([
      { line: 2, path: '/data/name', ...surrogate },
      { line: 3, path: '/data/no\udc00te', ...surrogate },
      { line: 4, path: '/ownerId', ...surrogate },
    ]);
    expect(JSON.stringify(report).length).toBeLessThan(1000);
    expect(await namesIn('crm')).toEqual(['After \u{1f600}', 'Before']);
  });

  it('refuses a CSV row with a lone surrogate in a cell, writing the others', async () => {
    // Over HTTP a CSV is UTF-8, which cannot carry one (it reads as U+FFFD); text handed to the service
    // as it is, as the import bench does, can.
    const row = await t.app.records.pool('crm');
    const compiled = await t.app.policies.get(row.policy_id, row.policy_version);
    const csv = 'name,industry\nFirst,trade\nlone \ud800,trade\nLast,trade\n';
    const actor = { id: bossId, roles: ['manager'], attributes: {} };
    const report = await importRecords(
      t.app.db,
      t.app.clock,
      compiled,
      'crm',
      'csv',
      Readable.from([csv]),
      actor,
      () => undefined,
    );
    expect(report).toMatchObject({ rows: 3, imported: 2, failed: 1 });
    expect(report.errors).toEqual([{ line: 3, path: '/data/name', ...surrogate }]);
    expect(JSON.stringify(report).length).toBeLessThan(500);
    expect(await namesIn('crm')).toEqual(expect.arrayContaining(['First', 'Last']));
  });

  it('refuses an NDJSON line with a key other than data and ownerId, naming each', async () => {
    const report = await importNdjson('crm', [
      '{"data":{"name":"Kept"},"ownerId":null}',
      '{"data":{"name":"Won"},"ownerId":"boss","state":"won","foo":1}',
      '{"data":{"name":"Stateful"},"state":"won"}',
    ]);
    expect(report).toMatchObject({ rows: 3, imported: 1, failed: 2 });
    const unknown = (key: string) => ({
      path: `/${key}`,
      message: `${key} is not a key of an import line (data, ownerId)`,
      code: 'schema',
      params: { keyword: 'additionalProperties', additionalProperty: key },
    });
    expect(report.errors).toEqual([
      {
        line: 2,
        ...unknown('state'),
        message: `${unknown('state').message}; ${unknown('foo').message}`,
        details: [unknown('state'), unknown('foo')],
      },
      { line: 3, ...unknown('state') },
    ]);
    const names = await namesIn('crm');
    expect(names).toContain('Kept');
    expect(names).not.toContain('Won');
    expect(names).not.toContain('Stateful');
  });
});
