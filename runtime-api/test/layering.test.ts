// One write path: no route reads or writes a table itself; routes call services and repositories.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROUTES = new URL('../src/routes/', import.meta.url).pathname;
const WRITE_CALL = /\.(?:insert|update|upsert|delete|del|merge|increment|decrement|truncate)\(/;
const WRITE_SQL = /\b(?:insert\s+into|update\s+"?\w+"?\s+set|delete\s+from|truncate)\b/i;
/** A query on a table: knex's builder on one (`db('pools')`), or SQL that reads FROM or JOINs one. */
const TABLE_READ = /^(?:db\s*\(|trx\s*\()|\b(?:from|join)\s+"?[a-z_]+/i;

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? routeFiles(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Each statement that starts a knex query on the app's database or a transaction in a route. */
function tableQueries(source: string): string[] {
  const queries: string[] = [];
  const start = /(?:\bdb\s*\(|\bdb\s*\.\s*raw\s*[(<]|\btrx\s*\()/g;
  for (let m = start.exec(source); m; m = start.exec(source)) {
    const end = source.indexOf(';', m.index);
    queries.push(source.slice(m.index, end < 0 ? undefined : end));
  }
  return queries;
}

describe('route layering', () => {
  it('finds a write built on the database in a route (the check itself can fail)', () => {
    const writes = tableQueries(
      "const n = await app\n  .db('pools')\n  .where({ key })\n  .update({ name });\nawait app.db.raw('DELETE FROM pools');",
    ).filter((q) => WRITE_CALL.test(q) || WRITE_SQL.test(q));
    expect(writes).toHaveLength(2);
  });

  it('has no route that inserts, updates or deletes rows itself', () => {
    const offenders = routeFiles(ROUTES).flatMap((file) =>
      tableQueries(readFileSync(file, 'utf8'))
        .filter((q) => WRITE_CALL.test(q) || WRITE_SQL.test(q))
        .map((q) => `${file.slice(ROUTES.length)}: ${q.replace(/\s+/g, ' ').slice(0, 80)}`),
    );
    expect(offenders).toEqual([]);
  });

  it('finds a read of a table in a route, and lets a liveness probe through (the check can fail)', () => {
    const reads = tableQueries(
      "const v = await app\n  .db('policy_versions')\n  .pluck('version');\nawait app.db.raw('SELECT id FROM pools');\nawait app.db.raw('SELECT 1');",
    ).filter((q) => TABLE_READ.test(q));
    expect(reads).toHaveLength(2);
  });

  it('has no route that reads a table itself: records, policies and pools come from repositories', () => {
    const offenders = routeFiles(ROUTES).flatMap((file) =>
      tableQueries(readFileSync(file, 'utf8'))
        .filter((q) => TABLE_READ.test(q))
        .map((q) => `${file.slice(ROUTES.length)}: ${q.replace(/\s+/g, ' ').slice(0, 80)}`),
    );
    expect(offenders).toEqual([]);
  });
});
