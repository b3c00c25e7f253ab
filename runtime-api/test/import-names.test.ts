// A Chinese sales team's spreadsheet imports as it is: columns named 名称, 行业, 负责人 (or the fields'
// English titles), choices written 制造; the template in Chinese has that header and imports back; a
// file with a byte order mark (Excel's "CSV UTF-8") reads as one without.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, publishPool, template, type TestApp } from './helpers.js';

interface Report {
  imported: number;
  errors: { line: number; path: string; code: string; message: string }[];
}

interface Listed {
  items: { data: Record<string, unknown>; ownerId: string | null }[];
}

describe.each(backends)('import by names people use (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  const importCsv = (csv: string, pool = 'crm') =>
    t.app.inject({
      method: 'POST',
      url: `/api/pools/${pool}/import`,
      headers: { authorization: `Bearer ${tokens['boss']}`, 'content-type': 'text/csv' },
      payload: csv,
    });

  /** The pool's records whose name starts with `prefix`, by name. */
  const named = async (prefix: string): Promise<Listed['items']> => {
    const q = encodeURIComponent(prefix);
    const res = await call(t.app, tokens['boss']!, 'GET', `/api/pools/crm/records?view=all&q=${q}`);
    expect(res.status).toBe(200);
    return (res.body as Listed).items.sort((a, b) =>
      String(a.data['name']).localeCompare(String(b.data['name'])),
    );
  };

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { boss: { roles: ['manager'] }, rep: {} }));
  });
  afterAll(() => t.close());

  it('reads Chinese column names and choice names as the keys and values they stand for', async () => {
    const csv = [
      '名称,行业,电话,级别,紧急度（0-5）,负责人',
      '甲 华星制造,制造,13800000001,B,4,rep',
      '甲 远航贸易,贸易,,A,,',
      '甲 不明行业,航天,,A,,',
    ].join('\r\n');
    const res = await importCsv(`\uFEFF${csv}\r\n`);
    expect(res.statusCode).toBe(200);
    const report = res.json<Report>();
    expect(report.imported).toBe(2);
    // A name that is no choice is refused as before, at its field, naming the choices.
    expect(report.errors).toEqual([
      expect.objectContaining({ line: 4, path: '/data/industry', code: 'schema' }),
    ]);
    expect(report.errors[0]!.message).toContain('manufacturing');
    const [first, second] = await named('甲');
    expect(first).toMatchObject({
      data: {
        name: '甲 华星制造',
        industry: 'manufacturing',
        phone: '13800000001',
        level: 'B',
        urgency: 4,
      },
      ownerId: ids['rep'],
    });
    expect(second).toMatchObject({ data: { name: '甲 远航贸易', industry: 'trade', level: 'A' } });
    expect(second!.ownerId).toBeNull();
  });

  it('reads a file Excel saved as "CSV UTF-8" (a byte order mark, every cell quoted), and NDJSON with a mark', async () => {
    // The mark before the first quote made the header's cell `"名称"`, no field: the file refused whole.
    const csv = ['"名称","电话"', '"乙 引号贸易","13800000002"'].join('\r\n');
    const res = await importCsv(`\uFEFF${csv}\r\n`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Report>()).toMatchObject({ imported: 1, errors: [] });
    // NDJSON: the first line was not JSON.
    const ndjson = await t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/import',
      headers: {
        authorization: `Bearer ${tokens['boss']}`,
        'content-type': 'application/x-ndjson',
      },
      payload: '\uFEFF{"data":{"name":"乙 一行"}}\r\n{"data":{"name":"乙 二行"}}\r\n',
    });
    expect(ndjson.statusCode, ndjson.body).toBe(200);
    expect(ndjson.json<Report>()).toMatchObject({ imported: 2, errors: [] });
    expect((await named('乙')).map((r) => r.data['name'])).toEqual([
      '乙 一行',
      '乙 二行',
      '乙 引号贸易',
    ]);
  });

  it('reads English titles and choices in any case, keys as before', async () => {
    const csv = ['Name, INDUSTRY ,Urgency (0-5),level', '乙 One,Manufacturing,2,C'].join('\n');
    const res = await importCsv(`${csv}\n`);
    expect(res.statusCode).toBe(200);
    expect(res.json<Report>()).toMatchObject({ imported: 1, errors: [] });
    const [one] = await named('乙');
    expect(one!.data).toEqual({
      name: '乙 One',
      industry: 'manufacturing',
      urgency: 2,
      level: 'C',
    });
  });

  it('refuses a header that reads one field twice, naming both columns, and writes nothing', async () => {
    const before = (await named('丙')).length;
    const res = await importCsv('名称,行业,industry\n丙 Co,制造,software\n');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      {
        path: '/body/header/2',
        message: 'repeats column 2, "行业"',
        code: 'column-repeated',
        params: { column: 'industry', index: 3, first: 2 },
      },
    ]);
    expect((await named('丙')).length).toBe(before);
  });

  it('gives the template in Chinese, which imports back; in English the keys', async () => {
    const get = (query: string) =>
      t.app.inject({
        method: 'GET',
        url: `/api/pools/crm/import-template${query}`,
        headers: { authorization: `Bearer ${tokens['boss']}` },
      });
    const zh = await get('?lang=zh');
    expect(zh.statusCode).toBe(200);
    expect(zh.body).toBe('\uFEFF名称,行业,电话,级别,紧急度 (0-5),负责人\n');
    expect((await get('')).body).toBe('\uFEFFname,industry,phone,level,urgency,ownerId\n');
    const bad = await get('?lang=fr');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('/querystring/lang');

    const res = await importCsv(`${zh.body}丁 模板公司,金融,,A,3,rep\r\n`);
    expect(res.json<Report>()).toMatchObject({ imported: 1, errors: [] });
    const [filled] = await named('丁');
    expect(filled).toMatchObject({
      data: { name: '丁 模板公司', industry: 'finance', level: 'A', urgency: 3 },
      ownerId: ids['rep'],
    });
  });

  it('refuses a name two fields share, and keeps it out of the Chinese template', async () => {
    // A policy whose second phone field is also called 电话 in Chinese.
    const document = template('crm-customer-pool');
    document['id'] = 'two-phones';
    const entity = document['entity'] as { schema: { properties: Record<string, unknown> } };
    entity.schema.properties['mobile'] = { type: 'string', title: 'Mobile', 'x-title-zh': '电话' };
    await publishPool(t, document, 'phones', [ids['boss']!]);

    const res = await importCsv('name,电话\nShared name,123\n', 'phones');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      {
        path: '/body/header/1',
        message: '"电话" names fields phone and mobile: write the field\'s key',
        code: 'column-ambiguous',
        params: { column: '电话', fields: ['phone', 'mobile'] },
      },
    ]);
    const tpl = await t.app.inject({
      method: 'GET',
      url: '/api/pools/phones/import-template?lang=zh',
      headers: { authorization: `Bearer ${tokens['boss']}` },
    });
    expect(tpl.body).toBe('\uFEFF名称,行业,phone,级别,紧急度 (0-5),mobile,负责人\n');
    // By key, both phones import.
    const ok = await importCsv('name,phone,mobile\nTwo phones,123,456\n', 'phones');
    expect(ok.json<Report>()).toMatchObject({ imported: 1, errors: [] });
  });
});
