// An import as a manager sends it through the route, and what it wrote, for the import tests.
import { expect } from 'vitest';
import type { ImportReport } from '../src/services/import.service.js';
import type { TestApp } from './helpers.js';

/** Imports `body` into `pool` with `token`; the route must answer 200 with its report. */
export async function importThroughRoute(
  t: TestApp,
  token: string,
  pool: string,
  body: string,
  type = 'text/csv',
): Promise<ImportReport> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/pools/${pool}/import`,
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    payload: body,
  });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  return res.json<ImportReport>();
}

/** The names of the pool's records, as written, sorted. */
export async function recordNamesIn(t: TestApp, pool: string): Promise<string[]> {
  const rows = await t.app
    .db('records')
    .where({ pool_key: pool })
    .select<{ name: string }[]>(t.app.db.raw(`data->>'name' AS name`));
  return rows.map((r) => r.name).sort();
}
