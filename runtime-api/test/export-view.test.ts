// Export writes what a manager sees: the records of the list view (filters, order), owners by name,
// states by label, with a BOM so a spreadsheet reads Chinese; the import template is the header an import reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  build,
  call,
  crmPool,
  crmWithoutUniqueFields,
  publishPool,
  type TestApp,
} from './helpers.js';

describe.each(backends)('export of a view and the import template (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { boss: { roles: ['manager'] }, rep: {} }));
    // Where an export is read back as new records: the CRM template's names and phones are unique.
    await publishPool(t, crmWithoutUniqueFields('crm-copies'), 'copy', [ids['boss']!, ids['rep']!]);
    const csv = [
      'name,industry,level,ownerId',
      '华东制造,manufacturing,A,rep',
      'Trade Co,trade,B,',
      'Soft Co,software,C,',
    ].join('\n');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/import',
      headers: { authorization: `Bearer ${tokens['boss']}`, 'content-type': 'text/csv' },
      payload: `${csv}\n`,
    });
    expect(res.json<{ imported: number }>().imported).toBe(3);
  });
  afterAll(() => t.close());

  const exported = async (query: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/pools/crm/export?${query}`,
      headers: { authorization: `Bearer ${tokens['boss']}` },
    });
    expect(res.statusCode).toBe(200);
    return res.body;
  };

  it('starts with a BOM and names owners and states, in Chinese when asked', async () => {
    const body = await exported('view=all&lang=zh');
    expect(body.startsWith('\uFEFFid,state,stateLabel,ownerId,owner,tags,score,name,')).toBe(true);
    const line = body.split('\n').find((l) => l.includes('华东制造'));
    expect(line).toContain(`,owned,私海,${ids['rep']},rep,`);
  });

  it('exports only the records of the view it is asked for', async () => {
    const pooled = (await exported('view=pool')).trim().split('\n').slice(1);
    expect(pooled.map((l) => l.split(',')[7]).sort()).toEqual(['Soft Co', 'Trade Co']);
    expect(pooled.every((l) => l.includes(',pool,Public pool,,,'))).toBe(true);
    const searched = (await exported('view=all&q=trade')).trim().split('\n').slice(1);
    expect(searched.map((l) => l.split(',')[7])).toEqual(['Trade Co']);
  });

  it('filters the list by fields with fixed values and by owner, in the database, and refuses bad filters', async () => {
    const list = async (query: string) =>
      call(t.app, tokens['boss']!, 'GET', `/api/pools/crm/records?${query}`);
    const names = (r: { body: { items: { data: { name: string } }[] } }) =>
      r.body.items.map((i) => i.data.name).sort();
    expect(names(await list('view=all&fields=industry:trade'))).toEqual(['Trade Co']);
    expect(names(await list('view=all&fields=industry:software,level:C'))).toEqual(['Soft Co']);
    expect(names(await list('view=all&fields=industry:software,level:A'))).toEqual([]);
    expect(names(await list(`view=all&owner=${ids['rep']}`))).toEqual(['华东制造']);
    const bad = await list('view=all&fields=name:x');
    expect([bad.status, bad.body.error.details[0].path]).toEqual([400, '/querystring/fields']);
    const badValue = await list('view=all&fields=level:Z');
    expect(badValue.body.error.details[0].message).toBe('level must be one of: A, B, C');
    const notAll = await list(`view=pool&owner=${ids['rep']}`);
    expect([notAll.status, notAll.body.error.details[0].path]).toEqual([400, '/querystring/owner']);
    // The export writes the same view.
    const rows = (await exported('view=all&fields=level:C')).trim().split('\n').slice(1);
    expect(rows.map((l) => l.split(',')[7])).toEqual(['Soft Co']);
  });

  it('gives managers the header an import reads, and imports back what it exports', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/pools/crm/import-template',
      headers: { authorization: `Bearer ${tokens['boss']}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('\uFEFFname,industry,phone,level,urgency,ownerId\n');
    expect(
      (await call(t.app, tokens['rep']!, 'GET', '/api/pools/crm/import-template')).status,
    ).toBe(403);
    // An export (BOM, labels and owner names included) read back into its own pool is the same
    // customers again: each row refused as a duplicate, naming the record that has the name.
    const csv = await exported('view=all');
    const import_ = (pool: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/pools/${pool}/import`,
        headers: { authorization: `Bearer ${tokens['boss']}`, 'content-type': 'text/csv' },
        payload: csv,
      });
    const again = (await import_('crm')).json<{
      imported: number;
      errors: { code: string; params: { field: string } }[];
    }>();
    expect(again.imported).toBe(0);
    expect(again.errors.map((e) => [e.code, e.params.field])).toEqual([
      ['duplicate', 'name'],
      ['duplicate', 'name'],
      ['duplicate', 'name'],
    ]);
    // Into a pool whose policy checks no duplicates, it imports back as new records.
    expect((await import_('copy')).json<{ imported: number; errors: unknown[] }>()).toMatchObject({
      imported: 3,
      errors: [],
    });
  });

  it("imports back a phone starting with + and a name starting with = (or with ' and =), without the export's guarding '", async () => {
    const created = await call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/records', {
      data: { name: '=Guarded Co', phone: '+86 138 0000 0000' },
    });
    expect(created.status).toBe(201);
    // A value that already starts with the guard's ' comes back with it too.
    const quoted = await call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/records', {
      data: { name: "'=Guarded Quote", phone: "'+1" },
    });
    expect(quoted.status).toBe(201);
    const body = await exported('view=all&q=Guarded');
    // A spreadsheet must not run it as a formula: the export writes it as text.
    expect(body).toContain(",'=Guarded Co,,'+86 138 0000 0000,");
    expect(body).toContain(",''=Guarded Quote,,''+1,");
    const back = await t.app.inject({
      method: 'POST',
      url: '/api/pools/copy/import',
      headers: { authorization: `Bearer ${tokens['boss']}`, 'content-type': 'text/csv' },
      payload: body,
    });
    expect(back.json<{ imported: number }>().imported).toBe(2);
    const copied = await call(
      t.app,
      tokens['boss']!,
      'GET',
      '/api/pools/copy/records?view=all&q=Guarded',
    );
    expect(
      copied.body.items
        .map((r: { data: { name: string } }) => r.data)
        .sort((a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1)),
    ).toEqual([
      { name: "'=Guarded Quote", phone: "'+1" },
      { name: '=Guarded Co', phone: '+86 138 0000 0000' },
    ]);
  });
});
