// Reading a result too large to hold at once: a cursor in the caller's transaction, fetched a batch at a
// time. One statement, so one snapshot and one plan (a sequential scan stays one scan, where keyset pages
// of a filtered table may each scan it again); the next batch is fetched while the caller handles this one.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * Hands `each` the rows of `sql` in batches of up to `batch`, holding at most two batches in memory. Runs
 * in `trx` (a cursor lives in a transaction); PostgreSQL plans a cursor's query without parallel workers,
 * and a query that sorts or groups returns its first row only once it has read all of its input.
 */
export async function eachBatch<Row>(
  trx: Knex.Transaction,
  sql: string,
  bindings: readonly unknown[],
  batch: number,
  each: (rows: Row[]) => Promise<void> | void,
): Promise<void> {
  const cursor = `poolflow_cursor_${randomBytes(6).toString('hex')}`;
  await trx.raw(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${sql}`, bindings as Knex.RawBinding[]);
  const fetch = (): Promise<{ rows: Row[] }> => {
    const pending = Promise.resolve(
      trx.raw<{ rows: Row[] }>(`FETCH FORWARD ${Math.max(1, Math.floor(batch))} FROM ${cursor}`),
    );
    // A fetch left behind when `each` throws fails with the transaction: not an unhandled rejection.
    pending.catch(() => undefined);
    return pending;
  };
  let next = fetch();
  for (;;) {
    const { rows } = await next;
    if (rows.length === 0) break;
    next = fetch();
    await each(rows);
  }
  await trx.raw(`CLOSE ${cursor}`);
}

/**
 * Runs `read` in one snapshot of the database: the caller's transaction, or a read-only repeatable-read
 * one of its own (what a read by cursor, which needs a transaction, and its neighbours then agree on).
 */
export function inSnapshot<T>(
  db: Knex | Knex.Transaction,
  read: (trx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  if (db.isTransaction) return read(db as Knex.Transaction);
  return db.transaction(read, { isolationLevel: 'repeatable read', readOnly: true });
}
