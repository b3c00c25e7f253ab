// Imports records into a pool from CSV or NDJSON, streamed: rows are checked one by one and started by the
// engine; good rows are written in batches (each row whole: record, timers, history), bad rows are
// reported with their line. While batches are written (two at once on PostgreSQL), the next one is
// checked and started.
import type { Readable } from 'node:stream';
import { EngineError, type CompiledPolicy } from '@poolflow/engine';
import type { FastifyBaseLogger } from 'fastify';
import type { Knex } from 'knex';
import { notMember, poolMemberIds } from '../access.js';
import { findBadText, TEXT_FAULT_MESSAGES } from '../plugins/input-guard.plugin.js';
import type { Clock } from './clock.js';
import { csvRows, ndjsonRows, type RowProblem } from './import-rows.js';
import { StartSharing } from './import-starts.js';
import { ImportBatch, supportsCopy } from './import-writer.js';
import { UniqueRows } from './unique-rows.js';
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

/** A refused row: its line, and what is wrong in English and as a code with params (README). */
export interface ImportRowError extends RowProblem {
  line: number;
  /** The admission rule that refused the row (code POOL_ERR_NOT_ADMITTED). */
  rule?: string;
  /** Each problem of a row that has several (its fields' schema errors, its owner's): the row's first. */
  details?: RowProblem[];
}

export interface ImportReport extends ImportProgress {
  errors: ImportRowError[];
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

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** A refused row's error before its line is known. */
type RowError = Omit<ImportRowError, 'line'>;

/** A row the database refused, whatever it said. */
const NOT_WRITTEN: RowError = {
  path: '',
  message: 'not written: the database refused the row',
  code: 'not-written',
  params: {},
};

/**
 * A row's error from its problems: the first one's path, code and params, every message (each names its
 * field, entity-check.ts), and the problems as details when there are several.
 */
function ofProblems(problems: RowProblem[], fallback: string): RowError {
  const [first] = problems as [RowProblem, ...RowProblem[]];
  return {
    ...first,
    message: problems.map((p) => p.message).join('; ') || fallback,
    ...(problems.length > 1 ? { details: problems } : {}),
  };
}

/**
 * A row's problem for the report, from an engine or runtime error: a list of details (the entity's
 * schema errors) gives the first one's path, code and params; else the error's own code, its details
 * as params (a rule over budget: rule, limit; a bad delay: delay, field, value).
 */
function problem(e: unknown, path: string, message: string): RowError {
  if (!(e instanceof EngineError)) return { path, message, code: 'start-failed', params: {} };
  const details = (Array.isArray(e.details) ? e.details : []) as Partial<RowProblem>[];
  if (details.length === 0)
    return { path, message, code: e.code, params: isObject(e.details) ? e.details : {} };
  const worded = (d: Partial<RowProblem>): RowProblem => ({
    path: d.path ?? path,
    message: d.message ?? '',
    code: d.code ?? e.code,
    params: d.params ?? {},
  });
  return ofProblems(details.map(worded), message);
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
  log?: FastifyBaseLogger,
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
  const fail = (line: number, error: RowError) => {
    report.failed++;
    if (report.errors.length < MAX_ERRORS) report.errors.push({ line, ...error });
  };
  // Unique fields (查重): a row with a value an earlier row of the file has is refused here; one with a
  // value a record has already, when its batch is written (unique-rows.ts).
  const unique = new UniqueRows(db, compiled);
  let retries = 0;
  /** Writes a batch in one transaction; if it fails, each half again, so one refused row loses no other. */
  const write = async (whole: ImportBatch): Promise<void> => {
    const batch = whole.without(await unique.taken(whole, fail));
    if (batch.size === 0) return;
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
      // Rolled back whole: none of these rows is half-written; report each of them. Not in the
      // database's words: knex puts the statement (kilobytes, with the rows' values) before them. The
      // log keeps the error, without values (log-serializers.ts).
      log?.error({ err: e, pool: poolKey, lines: batch.lines }, 'import rows not written');
      for (const line of batch.lines) fail(line, NOT_WRITTEN);
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
      fail(row.line, row.error ?? { path: '', message: 'is invalid', code: 'invalid', params: {} });
      continue;
    }
    // PostgreSQL refuses U+0000 and a lone surrogate in JSON: one such cell would fail its whole batch
    // (and every retry of its halves), so it fails alone here.
    const bad = findBadText(row.data, '/data') ?? findBadText(row.ownerId, '/ownerId');
    if (bad) {
      fail(row.line, { ...bad, message: TEXT_FAULT_MESSAGES[bad.code], params: {} });
      continue;
    }
    let invalid: RowError | undefined;
    try {
      assertEntity(compiled, row.data);
    } catch (e) {
      invalid = problem(e, '/data', 'is invalid');
    }
    // The owner is checked even when a field is wrong: the report names every problem of the row at once.
    const owner = row.ownerId ? owners.resolve(row.ownerId) : null;
    const unowned: RowProblem | undefined =
      owner && 'error' in owner
        ? { path: '/ownerId', message: owner.error, code: owner.code, params: owner.params }
        : undefined;
    const problems = [
      ...(invalid ? (invalid.details ?? [invalid]) : []),
      ...(unowned ? [unowned] : []),
    ];
    if (problems.length > 0) {
      fail(row.line, ofProblems(problems, 'is invalid'));
      continue;
    }
    const ownerId = owner && !('error' in owner) ? owner.id : null;
    const keys = unique.keys(row.data);
    const repeated = unique.repeated(keys);
    if (repeated) {
      fail(row.line, repeated);
      continue;
    }
    // One time per batch, read when its first row is started, as one transaction would read it.
    batch ??= new ImportBatch({
      poolKey,
      actorId: actor.id,
      at: await clock.now(db),
      copy,
      metrics,
      policyId: compiled.policy.id,
    });
    const recordId = newRecordId();
    try {
      const result = starts.start(row.data, ownerId, batch.w.at, recordId);
      const routed = routeNew(routing, result, batch.w.at);
      // A routed record's owner must be a member of the pool it lands in, as one created there.
      if (routed && ownerId !== null && !(await targetMembers(routed.pool)).has(ownerId)) {
        fail(row.line, {
          path: '/ownerId',
          message: `is not a member of pool ${routed.pool}, where the row is routed`,
          ...notMember(ownerId, routed.pool),
        });
        continue;
      }
      batch.add({
        line: row.line,
        recordId,
        ownerId,
        result,
        ...(routed ? { routed } : {}),
        ...(keys.length > 0 ? { keys } : {}),
      });
      unique.seen(keys, row.line);
    } catch (e) {
      if (e instanceof EngineError && e.code === 'POOL_ERR_NOT_ADMITTED') {
        // params: the rule and its message in both languages (routing.ts notAdmitted).
        const params = isObject(e.details) ? e.details : {};
        const rule = typeof params['rule'] === 'string' ? { rule: params['rule'] } : {};
        fail(row.line, { path: '/data', message: e.message, code: e.code, params, ...rule });
        continue;
      }
      // A rule over budget or a bad delay refuses this row alone.
      fail(row.line, problem(e, '', (e as Error).message));
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
