// Importing 10,000 rows with some bad ones reports exactly the bad rows and keeps the rest; export round-trips.
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

const industries = ['software', 'trade', 'finance', 'retail'];

describe.each(backends)('import and export (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { boss: { roles: ['manager'] }, rep: {} }));
    const pool = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'copy',
      name: { en: 'copy' },
      policyId: 'crm-customer-pool',
      members: [{ userId: ids['boss'] }],
    });
    expect(pool.status).toBe(201);
    // The round trip reads the same customers back as new records: its policy checks no duplicates.
    // It brings rep's records along: rep must be a member (records go to members only).
    await publishPool(t, crmWithoutUniqueFields('crm-roundtrip'), 'roundtrip', [
      ids['boss']!,
      ids['rep']!,
    ]);
  });
  afterAll(() => t.close());

  const importCsv = (pool: string, csv: string, accept = 'application/json') =>
    t.app.inject({
      method: 'POST',
      url: `/api/pools/${pool}/import`,
      headers: { authorization: `Bearer ${tokens['boss']}`, 'content-type': 'text/csv', accept },
      payload: csv,
    });

  it('imports 10,000 CSV rows, reports exactly the bad ones, and writes nothing of them', async () => {
    const lines = ['name,industry,phone,urgency,ownerId'];
    const bad = new Map<number, string>();
    let ownedRows = 0;
    for (let i = 0; i < 10_000; i++) {
      const line = i + 2; // 1-based, after the header
      if (i % 1000 === 7) {
        bad.set(line, '/data/industry');
        lines.push(`Bad ${i},spaceships,,1,`);
      } else if (i % 1000 === 501) {
        bad.set(line, '/data/urgency');
        lines.push(`"Quoted, ${i}",trade,,9,`);
      } else if (i === 4242) {
        bad.set(line, '/ownerId');
        lines.push(`Orphan,trade,,1,no-such-user`);
      } else {
        const owner = i % 3 === 0 ? ids['rep'] : '';
        if (owner) ownedRows++;
        lines.push(`"Company ""${i}""",${industries[i % 4]},1380000${i},${i % 6},${owner}`);
      }
    }
    const res = await importCsv('crm', `${lines.join('\n')}\n`);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ rows: 10_000, imported: 10_000 - bad.size, failed: bad.size });
    expect(report.errors.map((e: { line: number; path: string }) => [e.line, e.path])).toEqual([
      ...bad.entries(),
    ]);

    const count = (await t.app
      .db('records')
      .where({ pool_key: 'crm' })
      .count({ n: '*' })
      .first()) as { n: number | string };
    expect(Number(count.n)).toBe(10_000 - bad.size);
    const history = (await t.app
      .db('history')
      .where({ pool_key: 'crm' })
      .count({ n: '*' })
      .first()) as { n: number | string };
    expect(Number(history.n)).toBe(10_000 - bad.size);
    const owned = await call(
      t.app,
      tokens['rep']!,
      'GET',
      '/api/pools/crm/records?view=mine&limit=1',
    );
    expect(owned.body.items[0].ownerId).toBe(ids['rep']);
    const pooled = (await t.app
      .db('records')
      .where({ pool_key: 'crm', pooled: true })
      .count({ n: '*' })
      .first()) as { n: number | string };
    expect(Number(pooled.n)).toBe(10_000 - bad.size - ownedRows);
    const quoted = (await t.app
      .db('records')
      .whereRaw(`data->>'name' = ?`, ['Company "9"'])
      .first()) as unknown;
    expect(quoted).toBeTruthy();
  });

  it('streams progress lines when asked, and NDJSON rows work too', async () => {
    const csv = ['name,industry', ...Array.from({ length: 1200 }, (_, i) => `P${i},retail`)].join(
      '\n',
    );
    const res = await importCsv('copy', csv, 'application/x-ndjson');
    const lines = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.progress).length).toBeGreaterThanOrEqual(2);
    // No routing on this pool: every row lands in it, and the report says so per pool.
    expect(lines.at(-1)).toEqual({
      done: { rows: 1200, imported: 1200, failed: 0, errors: [], routed: { copy: 1200 } },
    });

    const nd = await t.app.inject({
      method: 'POST',
      url: '/api/pools/copy/import',
      headers: {
        authorization: `Bearer ${tokens['boss']}`,
        'content-type': 'application/x-ndjson',
      },
      payload: `{"data":{"name":"N1","industry":"trade"}}\nnot json\n{"data":{"industry":"trade"}}\n`,
    });
    expect(nd.json()).toMatchObject({ rows: 3, imported: 1, failed: 2 });
    expect(nd.json().errors.map((e: { line: number; path: string }) => [e.line, e.path])).toEqual([
      [2, ''],
      [3, '/data/name'],
    ]);
  });

  it('exports CSV that imports back to the same data', async () => {
    const exported = await t.app.inject({
      method: 'GET',
      url: '/api/pools/crm/export?format=csv',
      headers: { authorization: `Bearer ${tokens['boss']}` },
    });
    expect(exported.headers['content-type']).toContain('text/csv');
    expect(exported.body.startsWith('\uFEFF')).toBe(true);
    const rows = exported.body.trim().split('\n');
    expect(rows[0]).toBe(
      'id,state,stateLabel,ownerId,owner,tags,score,name,industry,phone,level,urgency',
    );
    expect(rows.length - 1).toBe(10_000 - 21);
    const back = await importCsv('roundtrip', exported.body);
    expect(back.json()).toMatchObject({ failed: 0, imported: rows.length - 1 });
    const dump = async (pool: string) =>
      (
        (await t.app.db('records').where({ pool_key: pool }).select('data', 'owner_id')) as {
          data: object;
          owner_id: string | null;
        }[]
      )
        .map((r) => JSON.stringify([r.data, r.owner_id]))
        .sort();
    expect(await dump('roundtrip')).toEqual(await dump('crm'));
  });

  it('is for managers only', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/import',
      headers: { authorization: `Bearer ${tokens['rep']}`, 'content-type': 'text/csv' },
      payload: 'name\nX\n',
    });
    expect(res.statusCode).toBe(403);
  });
});
