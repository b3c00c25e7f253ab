// Pools, policies, a policy's versions and departments come 1,000 at a time with a cursor to the
// next page (each list came whole, however long); the pages in order hold every row once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeKeyCursor } from '../src/services/keyset-cursor.js';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';

interface Page {
  items: Record<string, unknown>[];
  nextCursor: string | null;
}

/** One list: its URL, the key of an item, and the keys in the order the database keeps them. */
interface List {
  url: string;
  key: (item: Record<string, unknown>) => string | number;
  expected: () => Promise<(string | number)[]>;
}

describe.each(backends)('lists of pools, policies, versions, departments (%s)', (backend) => {
  let t: TestApp;
  const EXTRA = 1001;

  /** Copies of one row of `table` in one statement, the column `key` set to `keyOf(i)` (i = 1..n). */
  const copies = async (table: string, where: string, key: string, keyOf: string) => {
    const columns = (
      await t.app.db.raw<{ rows: { column_name: string }[] }>(
        `SELECT column_name FROM information_schema.columns
          WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position`,
        [table],
      )
    ).rows.map((r) => r.column_name);
    const values = columns.map((c) => (c === key ? keyOf : `t.${c}`));
    await t.app.db.raw(
      `INSERT INTO ${table} (${columns.join(', ')})
       SELECT ${values.join(', ')} FROM ${table} t, generate_series(1, ${EXTRA}) AS i WHERE ${where}`,
    );
  };
  const column = async (sql: string): Promise<(string | number)[]> =>
    (await t.app.db.raw<{ rows: { k: string | number }[] }>(sql)).rows.map((r) => r.k);

  const lists: Record<string, List> = {
    pools: {
      url: '/api/pools',
      key: (p) => p['key'] as string,
      expected: () => column('SELECT key AS k FROM pools ORDER BY key'),
    },
    policies: {
      url: '/api/policies',
      key: (p) => p['id'] as string,
      expected: () => column('SELECT id AS k FROM policies ORDER BY id'),
    },
    versions: {
      url: '/api/policies/crm-customer-pool/versions',
      key: (v) => v['version'] as number,
      expected: () =>
        column(
          `SELECT version AS k FROM policy_versions WHERE policy_id = 'crm-customer-pool' ORDER BY version DESC`,
        ),
    },
    departments: {
      url: '/api/departments',
      key: (d) => d['key'] as string,
      expected: () => column('SELECT key AS k FROM departments ORDER BY key'),
    },
  };

  beforeAll(async () => {
    t = await build(backend);
    await crmPool(t, {});
    await copies('pools', "t.key = 'crm'", 'key', "'crm-' || lpad(i::text, 4, '0')");
    await copies(
      'policies',
      "t.id = 'crm-customer-pool'",
      'id',
      "'crm-copy-' || lpad(i::text, 4, '0')",
    );
    await copies(
      'policy_versions',
      "t.policy_id = 'crm-customer-pool' AND t.version = 1",
      'version',
      'i + 1',
    );
    await t.app.db.raw(
      `INSERT INTO departments (key, name)
       SELECT 'dept-' || lpad(i::text, 4, '0'), '{"en":"Sales"}' FROM generate_series(1, ${EXTRA}) AS i`,
    );
  }, 120_000);
  afterAll(() => t.close());

  const get = async (url: string): Promise<Page> => {
    const res = await call(t.app, t.adminToken, 'GET', url);
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    return res.body as Page;
  };

  it.each(Object.keys(lists))(
    'gives %s 1,000 at a time, then the rest, each once and in order',
    async (name) => {
      const list = lists[name]!;
      const expected = await list.expected();
      expect(expected.length).toBeGreaterThan(1000);
      const first = await get(list.url);
      expect(first.items).toHaveLength(1000);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await get(`${list.url}?cursor=${first.nextCursor}`);
      expect(second.items).toHaveLength(expected.length - 1000);
      expect(second.nextCursor).toBeNull();
      expect([...first.items, ...second.items].map(list.key)).toEqual(expected);

      // Smaller pages the same: every row once, in order.
      const keys: (string | number)[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page = await get(`${list.url}?limit=400${cursor ? `&cursor=${cursor}` : ''}`);
        keys.push(...page.items.map(list.key));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(Math.ceil(expected.length / 400));
      expect(keys).toEqual(expected);
    },
    60_000,
  );

  it.each(Object.keys(lists))(
    'refuses a %s page over 1,000 and a cursor it did not write',
    async (name) => {
      const { url } = lists[name]!;
      const refused = async (query: string) => {
        const res = await call(t.app, t.adminToken, 'GET', `${url}?${query}`);
        expect(res.status).toBe(400);
        return (res.body.error.details as { path: string; message: string }[]).map(
          (d) => `${d.path} ${d.message}`,
        );
      };
      expect(await refused('limit=1001')).toEqual(['/querystring/limit must be <= 1000']);
      const forged = [
        'x',
        encodeKeyCursor(name === 'versions' ? 'crm' : 7),
        encodeKeyCursor(name === 'versions' ? 2 ** 31 : 'a\u0000b'),
        Buffer.from('["crm","x"]').toString('base64url'),
      ];
      for (const cursor of forged)
        expect(await refused(`cursor=${cursor}`), cursor).toEqual([
          '/querystring/cursor is not a cursor from a previous page',
        ]);
    },
  );
});
