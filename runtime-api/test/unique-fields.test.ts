// Unique fields (查重): a policy's `entity.uniqueFields` keep one record per customer across the pools
// of the policy. A create or an edit with a name or phone another record has (full-width forms, case
// and spaces aside) is refused with the record that has it, and nothing is written; blanks never collide;
// many creates of one customer at once leave exactly one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, publishPool, template, type TestApp } from './helpers.js';

interface Detail {
  path: string;
  code: string;
  params: { field: string; recordId: string; pool: string; ownerId: string | null };
}

describe.each(backends)('unique fields (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { alice: {}, bob: {}, mia: { roles: ['manager'] } }));
    const document: Record<string, unknown> = {
      ...template('crm-customer-pool'),
      id: 'crm-unique',
    };
    const entity = document['entity'] as Record<string, unknown>;
    document['entity'] = { ...entity, uniqueFields: ['name', 'phone'] };
    const members = Object.values(ids);
    await publishPool(t, document, 'east', members);
    const west = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'west',
      name: { en: 'West' },
      policyId: 'crm-unique',
      members: members.map((userId) => ({ userId })),
    });
    expect(west.status).toBe(201);
  });
  afterAll(() => t.close());

  const as = (who: string) => (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
    call(t.app, tokens[who]!, method, url, body);
  const create = (who: string, pool: string, data: Record<string, unknown>) =>
    as(who)('POST', `/api/pools/${pool}/records`, {
      data: { industry: 'trade', ...data },
      ownerId: ids[who],
    });
  const listed = async (pool: string, q: string): Promise<number> => {
    const list = await as('mia')(
      'GET',
      `/api/pools/${pool}/records?view=all&q=${encodeURIComponent(q)}`,
    );
    expect(list.status).toBe(200);
    return (list.body.items as unknown[]).length;
  };

  it('refuses a customer another pool of the policy has, naming that record; nothing is written', async () => {
    const first = await create('alice', 'east', {
      name: 'Harbour Freight Ltd',
      phone: '13800000001',
    });
    expect(first.status).toBe(201);
    const again = await create('bob', 'west', { name: 'ＨＡＲＢＯＵＲ  freight ltd' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('POOL_ERR_DUPLICATE');
    expect(again.body.error.details).toEqual([
      expect.objectContaining({
        path: '/body/data/name',
        code: 'duplicate',
        params: { field: 'name', recordId: first.body.id, pool: 'east', ownerId: ids['alice'] },
      }),
    ]);
    expect(await listed('west', 'freight')).toBe(0);
    // The phone is compared without its spaces, and both fields are named when both are taken.
    const both = await create('bob', 'east', {
      name: 'Harbour freight ltd',
      phone: '138 0000 0001',
    });
    expect(both.status).toBe(409);
    expect((both.body.error.details as Detail[]).map((d) => d.path).sort()).toEqual([
      '/body/data/name',
      '/body/data/phone',
    ]);
    expect(await listed('east', 'freight')).toBe(1);
  });

  it('lets blank and absent values be, and keeps other policies out of it', async () => {
    for (const name of ['Blank Phone One', 'Blank Phone Two'])
      expect((await create('alice', 'east', { name, phone: '  ' })).status).toBe(201);
    // Another policy's records are its own: the CRM template (which checks names and phones too) takes
    // the name pool east's policy has, once; a second time it is the CRM's own duplicate.
    expect((await create('alice', 'crm', { name: 'Harbour Freight Ltd' })).status).toBe(201);
    expect((await create('alice', 'crm', { name: 'Harbour Freight Ltd' })).status).toBe(409);
  });

  it('refuses an edit to a value another record has, and frees the old value of an edit', async () => {
    const a = await create('alice', 'east', { name: 'Northwind Foods' });
    const b = await create('alice', 'east', { name: 'Southwind Foods' });
    expect([a.status, b.status]).toEqual([201, 201]);
    const clash = await as('alice')('PATCH', `/api/pools/east/records/${b.body.id}`, {
      data: { name: ' northwind  FOODS ' },
    });
    expect(clash.status).toBe(409);
    expect(clash.body.error.details).toEqual([
      expect.objectContaining({
        path: '/body/data/name',
        params: expect.objectContaining({ field: 'name', recordId: a.body.id }),
      }),
    ]);
    const unchanged = await as('alice')('GET', `/api/pools/east/records/${b.body.id}`);
    expect(unchanged.body).toMatchObject({ seq: b.body.seq, data: { name: 'Southwind Foods' } });
    // Renamed, "Northwind Foods" is free again; the record's new name is its own.
    const renamed = await as('alice')('PATCH', `/api/pools/east/records/${a.body.id}`, {
      data: { name: 'Northwind Foods Group' },
    });
    expect(renamed.status).toBe(200);
    expect((await create('bob', 'west', { name: 'Northwind Foods' })).status).toBe(201);
    expect((await create('bob', 'west', { name: 'northwind foods group' })).status).toBe(409);
    // An edit of another field of a record keeps its keys (its own name is no duplicate of itself).
    const other = await as('alice')('PATCH', `/api/pools/east/records/${a.body.id}`, {
      data: { name: 'Northwind Foods Group', level: 'A' },
    });
    expect(other.status).toBe(200);
  });

  it("says a duplicate before the pool's admission rules refuse the form", async () => {
    const routing = await call(t.app, t.adminToken, 'PUT', '/api/pools/west/routing', {
      admission: [
        {
          name: 'no-phone',
          when: { '!': { var: 'entity.phone' } },
          message: { en: 'needs a phone' },
        },
      ],
      rules: [],
    });
    expect(routing.status, JSON.stringify(routing.body)).toBe(200);
    const held = await create('alice', 'west', { name: 'Admitted Co', phone: '13700000001' });
    expect(held.status).toBe(201);
    // No phone and a name that is there: the rep learns of the record, not of the phone.
    const again = await create('bob', 'west', { name: 'admitted co' });
    expect(again.status).toBe(409);
    expect(again.body.error.details[0].params.recordId).toBe(held.body.id);
    expect((await create('bob', 'west', { name: 'Not Admitted Co' })).body.error.code).toBe(
      'POOL_ERR_NOT_ADMITTED',
    );
    await call(t.app, t.adminToken, 'PUT', '/api/pools/west/routing', { admission: [], rules: [] });
  });

  it('tells a form which records have its unique values before it creates or edits', async () => {
    const held = await create('alice', 'east', { name: 'Lookup Ltd', phone: '13600000001' });
    const check = (data: Record<string, unknown>, recordId?: string) =>
      as('bob')('POST', '/api/pools/west/duplicates', { data, ...(recordId ? { recordId } : {}) });
    const found = await check({ name: ' LOOKUP ltd', phone: '136 0000 0001', level: 'A' });
    expect(found.status).toBe(200);
    expect(found.body.items).toEqual([
      { field: 'name', recordId: held.body.id, pool: 'east', ownerId: ids['alice'] },
      { field: 'phone', recordId: held.body.id, pool: 'east', ownerId: ids['alice'] },
    ]);
    // Its own values are no duplicates of an edit; other values, blanks and other fields find nothing.
    expect((await check({ name: 'Lookup Ltd' }, held.body.id)).body.items).toEqual([]);
    expect((await check({ name: 'Lookup Ltd Two', phone: '', level: 'A' })).body.items).toEqual([]);
    // Members only, and a body that names what is wrong.
    const outsider = await call(t.app, null, 'POST', '/api/pools/west/duplicates', { data: {} });
    expect(outsider.status).toBe(401);
    const bad = await check({ name: 'x' }, 'not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('/body/recordId');
  });

  it('names a pooled holder with no owner', async () => {
    const held = await create('alice', 'east', { name: 'Pooled Customer Co' });
    const released = await as('alice')('POST', `/api/pools/east/records/${held.body.id}/release`, {
      reason: 'no budget this year',
    });
    expect(released.status).toBe(200);
    const again = await create('bob', 'east', { name: 'pooled customer co' });
    expect(again.status).toBe(409);
    expect(again.body.error.details[0].params).toEqual({
      field: 'name',
      recordId: held.body.id,
      pool: 'east',
      ownerId: null,
    });
  });

  it('refuses imported rows that repeat an earlier row or a record, and writes the others', async () => {
    const held = await create('alice', 'east', { name: 'Imported Already Ltd' });
    const csv = [
      'name,industry,phone',
      'Fresh Import One,trade,139 1111 0001',
      'fresh  import ONE,retail,',
      'Imported already ltd,trade,',
      'Fresh Import Two,trade,13911110001',
      'Fresh Import Three,trade,',
    ].join('\n');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/pools/west/import',
      headers: { authorization: `Bearer ${tokens['mia']}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const report = res.json<{ imported: number; failed: number; errors: unknown[] }>();
    expect(report).toMatchObject({ imported: 2, failed: 3 });
    expect(report.errors).toEqual([
      expect.objectContaining({
        line: 3,
        path: '/data/name',
        code: 'duplicate-row',
        params: { field: 'name', line: 2 },
      }),
      expect.objectContaining({
        line: 4,
        path: '/data/name',
        code: 'duplicate',
        params: { field: 'name', recordId: held.body.id, pool: 'east', ownerId: ids['alice'] },
      }),
      expect.objectContaining({
        line: 5,
        path: '/data/phone',
        code: 'duplicate-row',
        params: { field: 'phone', line: 2 },
      }),
    ]);
    expect(await listed('west', 'Fresh Import')).toBe(2);
    // What the import wrote is kept unique too.
    expect((await create('alice', 'east', { name: 'FRESH IMPORT THREE' })).status).toBe(409);
  });

  it('leaves exactly one record of many creates of one customer at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        create(i % 2 ? 'alice' : 'bob', i % 3 ? 'east' : 'west', { name: 'Race Condition Inc' }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(
      (await listed('east', 'Race Condition')) + (await listed('west', 'Race Condition')),
    ).toBe(1);
  });
});
