// Deletes expired rows (idempotency keys, sessions, login counts, old notifications and deliveries) in bounded chunks: a backlog of
// millions is neither one statement holding every row's lock until it commits nor a list in memory.
import type { Knex } from 'knex';

/** Rows one purge statement deletes at most. */
export const PURGE_CHUNK_ROWS = 10_000;
/** Statements one run of a purge makes at most (so 1,000,000 rows a table); the rest is the next run's. */
export const PURGE_CHUNKS_PER_RUN = 100;

export interface PurgeLimits {
  chunkRows: number;
  chunksPerRun: number;
}

export const PURGE_LIMITS: PurgeLimits = {
  chunkRows: PURGE_CHUNK_ROWS,
  chunksPerRun: PURGE_CHUNKS_PER_RUN,
};

/**
 * Deletes the rows of `table` that match `expired` (a condition on its columns with `?` bindings), a
 * chunk at a time, each chunk in its own statement; returns how many. A chunk is picked by row address
 * and the condition checked again as it is deleted (a row changed meanwhile, such as a login count whose
 * window restarted, stays). Rows are counted, not returned: knex-pglite reports no delete count.
 */
export async function purgeInChunks(
  db: Knex,
  table: 'idempotency' | 'sessions' | 'login_attempts' | 'notifications' | 'outbox',
  expired: string,
  bindings: Knex.ValueDict[string][],
  limits: PurgeLimits = PURGE_LIMITS,
): Promise<number> {
  let purged = 0;
  for (let chunk = 0; chunk < limits.chunksPerRun; chunk++) {
    const { rows } = await db.raw<{ rows: { n: number }[] }>(
      `WITH gone AS (
         DELETE FROM ${table}
         WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE ${expired} LIMIT ${limits.chunkRows}))
           AND ${expired}
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [...bindings, ...bindings],
    );
    const n = rows[0]?.n ?? 0;
    purged += n;
    if (n < limits.chunkRows) break;
  }
  return purged;
}
