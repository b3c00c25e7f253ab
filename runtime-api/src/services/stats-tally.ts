// Records per breakdown value, pooled flag and state, kept by triggers on records (migration 010): the
// breakdown and the pool's size now without counting the pool's records on every request.
import type { CompiledPolicy } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { PolicyStore } from './policy-store.js';

/** Breakdown fields tallied per pool; a field past them is counted from records on each request. */
export const TALLY_FIELDS_PER_POOL = 8;
/** Values a breakdown lists, largest first. */
export const BREAKDOWN_ITEMS = 50;

export interface Breakdown {
  pooledNow: number;
  items: { value: string | null; total: number; pooled: number }[];
}

/**
 * The fields a breakdown may be by: the entity fields with fixed values (`enum`) of the policy version
 * the pool runs. Only they are tallied, so a request cannot spend the pool's slots on any other name.
 */
export function breakdownFields(compiled: CompiledPolicy): string[] {
  const properties = compiled.policy.entity.schema.properties as Record<string, { enum?: unknown }>;
  return Object.keys(properties).filter((f) => Array.isArray(properties[f]?.enum));
}

/**
 * Starts tallying `field` for the pool if it is not yet and there is room: the pool's records are counted
 * once, under a lock that holds record writes back meanwhile (a write in flight would otherwise be neither
 * in the count nor in a delta). Whether the field is tallied.
 */
export async function tallyField(db: Knex, pool: string, field: string): Promise<boolean> {
  const known = (await db('stats_fields').where({ pool_key: pool }).pluck('field')) as string[];
  if (known.includes(field)) return true;
  if (known.length >= TALLY_FIELDS_PER_POOL) return false;
  return db.transaction(async (trx) => {
    // SHARE ROW EXCLUSIVE: waits for record writes in flight, holds new ones, and one process at a time.
    await trx.raw('LOCK TABLE records IN SHARE ROW EXCLUSIVE MODE');
    const fields = (await trx('stats_fields').where({ pool_key: pool }).pluck('field')) as string[];
    if (fields.includes(field)) return true;
    if (fields.length >= TALLY_FIELDS_PER_POOL) return false;
    await trx('stats_fields').insert({ pool_key: pool, field });
    await trx.raw(
      `INSERT INTO stats_tally (pool_key, field, v, pooled, state, n)
       SELECT :pool, :field, COALESCE(to_jsonb(data ->> :field), 'null'::jsonb), pooled, state, count(*)::int
       FROM records WHERE pool_key = :pool GROUP BY 3, 4, 5`,
      { pool, field },
    );
    return true;
  });
}

/**
 * Stops tallying the fields that are not breakdown fields of the version their pool runs (asked for
 * before requests were checked, or dropped by a newer version), so their slots are free again; returns
 * how many. Under the tally's lock: a record write in flight would otherwise leave a delta behind.
 */
export async function dropStaleFields(db: Knex, policies: PolicyStore): Promise<number> {
  const rows = (await db('stats_fields as f')
    .join('pools as p', 'p.key', 'f.pool_key')
    .select('f.pool_key', 'f.field', 'p.policy_id', 'p.policy_version')) as {
    pool_key: string;
    field: string;
    policy_id: string;
    policy_version: number;
  }[];
  const stale: typeof rows = [];
  for (const r of rows) {
    const fields = breakdownFields(await policies.get(r.policy_id, r.policy_version));
    if (!fields.includes(r.field)) stale.push(r);
  }
  if (stale.length === 0) return 0;
  await db.transaction(async (trx) => {
    await trx.raw('LOCK TABLE records IN SHARE ROW EXCLUSIVE MODE');
    for (const { pool_key, field } of stale) {
      for (const table of ['stats_fields', 'stats_tally', 'stats_tally_delta'] as const)
        await trx(table).where({ pool_key, field }).delete();
      // Claim rows keep the field's value no longer: tallied again later, it is read from records.
      await trx.raw(
        `UPDATE stats_claim_rows SET fields = fields - :field
         WHERE pool_key = :pool AND fields -> :field IS NOT NULL`,
        { pool: pool_key, field },
      );
    }
  });
  return stale.length;
}

/**
 * The breakdown by `field` and the pooled count, from the tally (folded rows plus pending deltas);
 * without a field (the policy has none with fixed values) the pooled count alone.
 */
export async function breakdownOf(
  db: Knex,
  pool: string,
  field: string | null,
): Promise<Breakdown> {
  if (field === null) return { pooledNow: await pooledCount(db, pool), items: [] };
  if (!(await tallyField(db, pool, field))) return countedBreakdown(db, pool, field);
  const rows = await db.raw<{
    rows: { value: string | null; pooled: boolean; state: string; n: number }[];
  }>(
    `SELECT v #>> '{}' AS value, pooled, state, sum(n)::int AS n
     FROM (SELECT v, pooled, state, n FROM stats_tally WHERE pool_key = :pool AND field = :field
           UNION ALL
           SELECT v, pooled, state, n FROM stats_tally_delta WHERE pool_key = :pool AND field = :field) t
     GROUP BY v, pooled, state`,
    { pool, field },
  );
  const items = new Map<string | null, Breakdown['items'][number]>();
  let pooledNow = 0;
  for (const r of rows.rows) {
    const item = items.get(r.value) ?? { value: r.value, total: 0, pooled: 0 };
    item.total += r.n;
    if (r.pooled) item.pooled += r.n;
    if (r.pooled) pooledNow += r.n;
    items.set(r.value, item);
  }
  return {
    pooledNow,
    items: [...items.values()]
      .filter((i) => i.total !== 0)
      .sort((a, b) => b.total - a.total || String(a.value).localeCompare(String(b.value)))
      .slice(0, BREAKDOWN_ITEMS),
  };
}

/** The same figures counted from the pool's records (a field past the tallied ones). */
async function countedBreakdown(db: Knex, pool: string, field: string): Promise<Breakdown> {
  const items = await db.raw<{ rows: Breakdown['items'] }>(
    `SELECT data->>:field AS value, count(*)::int AS total, count(*) FILTER (WHERE pooled)::int AS pooled
     FROM records WHERE pool_key = :pool GROUP BY 1 ORDER BY total DESC, 1 LIMIT ${BREAKDOWN_ITEMS}`,
    { field, pool },
  );
  return { pooledNow: await pooledCount(db, pool), items: items.rows };
}

async function pooledCount(db: Knex, pool: string): Promise<number> {
  const pooled = (await db('records')
    .where({ pool_key: pool, pooled: true })
    .count({ n: '*' })
    .first()) as { n: number | string };
  return Number(pooled.n);
}
