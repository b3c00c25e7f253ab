// Imports records into a pool from CSV or NDJSON, streamed: rows are checked one by one and started by the
// engine; good rows are written in batches (each row whole: record, timers, history), bad rows are
// reported with their line. While batches are written (two at once on PostgreSQL), the next one is
// checked and started.
import type { Readable } from 'node:stream';
import { EngineError, type CompiledPolicy } from '@poolflow/engine';
import type { Knex } from 'knex';
import { poolMemberIds } from '../access.js';
import { findNul } from '../plugins/input-guard.plugin.js';
import type { Clock } from './clock.js';
import { csvRows, ndjsonRows } from './import-rows.js';
import { StartSharing } from './import-starts.js';
import { ImportBatch, supportsCopy } from './import-writer.js';
import { assertEntity } from './entity-check.js';
import { poolOwners } from './import-owners.js';
import { compiledRouting, poolRoutings, routeNew } from './pool-routing.js';
import type { WriteMetrics } from './record-writer.js';
import type { Actor } from './record.service.js';
import { newRecordId } from './record-id.js';

export interface ImportProgress {
  rows: number;
  imported: number;
  failed: number;
}

export interface ImportReport extends ImportProgress {
  errors: { line: number; path: string; message: string; code?: string; rule?: string }[];
  /** Imported rows by the pool they landed in (the entrance pool's routing decides). */
  routed: Record<string, number>;
}

/** Rows per write transaction: one COPY per table on PostgreSQL, one WRITE statement on PGlite. */
export const IMPORT_BATCH = 5_000;
/**
 * Batches being written at once on PostgreSQL, each in its own transaction and connection. 50,000 rows
 * on the 2-core bench machine: 1 gave 6,806 rows/s, 2 gave 9,701, 3 gave 10,546 (within the noise).
 */
const WRITES_IN_FLIGHT = 2;
/** Progress is reported every this many rows read, and after every batch written. */
const PROGRESS_EVERY = 500;
/** Errors kept in the report (all are counted in `failed`). */
const MAX_ERRORS = 10_000;
/**
 * Failed write transactions an import retries by halves to find the rows the database refuses (the
 * others are written); past this, a failing part is reported as not written without splitting it.
 */
const MAX_WRITE_RETRIES = 1_000;

/** An error's {path, message} for the report, from the details of an engine or runtime error. */
function problem(e: unknown, path: string, message: string): { path: string; message: string } {
  const details = (e instanceof EngineError && Array.isArray(e.details) ? e.details : []) as {
    path: string;
    message: string;
  }[];
  return {
    path: details[0]?.path ?? path,
    // Each detail's message names its field (entity-check.ts); the first one's path locates the row's.
    message: details.map((d) => d.message).join('; ') || message,
  };
}

export async function importRecords(
  db: Knex,
  clock: Clock,
  compiled: CompiledPolicy,
  poolKey: string,
  format: 'csv' | 'ndjson',
  body: Readable,
  actor: Actor,
  onProgress: (p: ImportProgress) => void,
  metrics?: WriteMetrics,
): Promise<ImportReport> {
  const report: ImportReport = { rows: 0, imported: 0, failed: 0, errors: [], routed: {} };
  // The entrance pool's routing, compiled once: each row is admitted and routed as it is started.
  const routing = compiledRouting(compiled, (await poolRoutings(db, [poolKey])).get(poolKey));
  const members = new Map<string, Set<string>>();
  const targetMembers = async (pool: string): Promise<Set<string>> => {
    let ids = members.get(pool);
    if (!ids) members.set(pool, (ids = await poolMemberIds(db, pool)));
    return ids;
  };
  // Records are only given to members of the pool (read once: rows are checked against it as they come),
  // named by id, username or display name.
  const owners = await poolOwners(db, poolKey);
  const copy = supportsCopy(db);
  const starts = new StartSharing(compiled, actor);
  const progress = (): void =>
    onProgress({ rows: report.rows, imported: report.imported, failed: report.failed });
  const fail = (line: number, path: string, message: string, refused?: EngineError): void => {
    report.failed++;
    if (report.errors.length >= MAX_ERRORS) return;
    const rule = (refused?.details as { rule?: string } | undefined)?.rule;
    report.errors.push(
      refused && rule !== undefined
        ? { line, path, message, code: refused.code, rule }
        : { line, path, message },
    );
  };
  let retries = 0;
  /** Writes a batch in one transaction; if it fails, each half again, so one refused row loses no other. */
  const write = async (batch: ImportBatch): Promise<void> => {
    try {
      await db.transaction((trx) => batch.write(trx));
      report.imported += batch.size;
      for (const [pool, n] of batch.pools) report.routed[pool] = (report.routed[pool] ?? 0) + n;
    } catch (e) {
      if (batch.size > 1 && retries < MAX_WRITE_RETRIES) {
        retries++;
        for (const half of batch.split()) await write(half);
        return;
      }
      // Rolled back whole: none of these rows is half-written; report each of them.
      for (const line of batch.lines) fail(line, '', `not written: ${(e as Error).message}`);
    }
  };

  let batch: ImportBatch | undefined;
  // On PostgreSQL, batches are written on WRITES_IN_FLIGHT connections while the next is prepared:
  // the database's work per row is most of an import's, and one COPY keeps one core busy. PGlite runs
  // in this thread: one batch at a time.
  const writing: Promise<void>[] = [];
  const flush = async (): Promise<void> => {
    if (!batch || batch.size === 0) return;
    while (writing.length >= (copy ? WRITES_IN_FLIGHT : 1)) await writing.shift();
    writing.push(write(batch).then(progress));
    batch = undefined;
    if (!copy) await Promise.all(writing);
  };

  const source = format === 'csv' ? csvRows(compiled, body) : ndjsonRows(body);
  for await (const row of source) {
    report.rows++;
    if (report.rows % PROGRESS_EVERY === 0) {
      progress();
      // Rows parsed from a buffered body never wait for I/O: let the batch being written go on.
      if (writing.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
    if (row.error || !row.data) {
      fail(row.line, row.error?.path ?? '', row.error?.message ?? 'is invalid');
      continue;
    }
    // PostgreSQL refuses U+0000 in JSON: one such cell would fail its whole batch, so it fails alone here.
    const nul = findNul(row.data, '/data');
    if (nul) {
      fail(row.line, nul, 'must not contain a NUL character');
      continue;
    }
    try {
      assertEntity(compiled, row.data);
    } catch (e) {
      const { path, message } = problem(e, '/data', 'is invalid');
      fail(row.line, path, message);
      continue;
    }
    const owner = row.ownerId ? owners.resolve(row.ownerId) : null;
    if (owner && 'error' in owner) {
      fail(row.line, '/ownerId', owner.error);
      continue;
    }
    const ownerId = owner ? owner.id : null;
    // One time per batch, read when its first row is started, as one transaction would read it.
    batch ??= new ImportBatch({
      poolKey,
      actorId: actor.id,
      at: await clock.now(db),
      copy,
      metrics,
    });
    const recordId = newRecordId();
    try {
      const result = starts.start(row.data, ownerId, batch.w.at, recordId);
      const routed = routeNew(routing, result, batch.w.at);
      // A routed record's owner must be a member of the pool it lands in, as one created there.
      if (routed && ownerId !== null && !(await targetMembers(routed.pool)).has(ownerId)) {
        fail(
          row.line,
          '/ownerId',
          `is not a member of pool ${routed.pool}, where the row is routed`,
        );
        continue;
      }
      batch.add({ line: row.line, recordId, ownerId, result, ...(routed ? { routed } : {}) });
    } catch (e) {
      if (e instanceof EngineError && e.code === 'POOL_ERR_NOT_ADMITTED') {
        fail(row.line, '/data', e.message, e);
        continue;
      }
      // A rule over budget or a bad delay refuses this row alone.
      const { path, message } = problem(e, '', (e as Error).message);
      fail(row.line, path, message);
      continue;
    }
    if (batch.size >= IMPORT_BATCH) await flush();
  }
  await flush();
  await Promise.all(writing);
  // Rows refused by the database are found after later rows were checked: report in line order.
  report.errors.sort((a, b) => a.line - b.line);
  return report;
}
