// Writes a batch of imported records (already checked and started by the engine) in one transaction:
// COPY into records, timers and history on PostgreSQL; the generic set-based WRITE on PGlite (no COPY
// FROM STDIN there) and for the rare rows whose start has effects beyond timers and the owner.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Effect, PoolSnapshot, StepResult, UniqueKey } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { insertKeys } from './record-keys.js';
import { searchText } from './record-row.js';
import { writeOutcomes, type RecordOutcome, type WriteMetrics } from './record-writer.js';

/** A checked row the engine has started, waiting to be written. */
export interface StartedRow {
  line: number;
  recordId: string;
  ownerId: string | null;
  result: StepResult;
  /** The entrance pool's routing sent the row to another pool (by this rule). */
  routed?: { pool: string; rule: string };
  /** Its unique values (查重, record-keys.ts), written with it. */
  keys?: UniqueKey[];
}

export interface ImportWrite {
  poolKey: string;
  actorId: string;
  /** The time the rows were started at (their creation and history time). */
  at: number;
  /** Write through COPY (PostgreSQL) instead of the generic statement. */
  copy: boolean;
  /** Counts the moves a start asked for that were skipped (poolflow_moves_skipped_total). */
  metrics?: WriteMetrics | undefined;
  /** The policy the rows' unique values are kept under (record_keys). */
  policyId?: string;
}

/** COPY data is sent in chunks of about this many characters (one CopyData message each). */
const COPY_CHUNK_CHARS = 64 * 1024;

const RECORD_COLUMNS = [
  'id',
  'pool_key',
  'policy_id',
  'policy_version',
  'state',
  'owner_id',
  'pooled',
  'done',
  'limit_free',
  'tags',
  'score',
  'data',
  'snapshot',
  'seq',
  'search',
  'created_at',
  'updated_at',
];
const TIMER_COLUMNS = ['record_id', 'timer_key', 'due_at', 'event'];
const HISTORY_COLUMNS = [
  'record_id',
  'pool_key',
  'seq',
  'at',
  'actor_id',
  'event_type',
  'payload',
  'from_state',
  'to_state',
  'owner_from',
  'owner_to',
  'tags',
  'reason',
];

/** True where the database client is node-postgres (COPY FROM STDIN); PGlite over knex has none. */
export function supportsCopy(db: Knex): boolean {
  return (db.client as { config: Knex.Config }).config.client === 'pg';
}

/** The outcome the generic writer takes for an imported row: a created record and its CREATE step. */
export function importOutcome(row: StartedRow, w: ImportWrite): RecordOutcome {
  return {
    recordId: row.recordId,
    poolKey: row.routed?.pool ?? w.poolKey,
    prevSeq: 0,
    created: true,
    steps: [
      {
        result: row.result,
        eventType: 'CREATE',
        payload: createPayload(row, w),
        actorId: w.actorId,
        at: w.at,
      },
    ],
  };
}

/** The CREATE history payload of an imported row: routed ones say by which rule, from which pool. */
function createPayload(row: StartedRow, w: ImportWrite): Record<string, unknown> {
  return row.routed
    ? { ownerId: row.ownerId, import: true, routedBy: row.routed.rule, from: w.poolKey }
    : { ownerId: row.ownerId, import: true };
}

/**
 * Rows COPY can write whole: their effects are only timers and the owner they were created with. A
 * notification, an outbox effect or a move to another pool (a policy may start with one) goes through
 * the generic writer, which knows how to write each.
 */
function copyable(result: StepResult, actorId: string): boolean {
  return result.effects.every(
    (e: Effect) =>
      e.type === 'schedule' ||
      e.type === 'cancel' ||
      (e.type === 'owner' && !(e.reason === 'assign' && e.to && e.to !== actorId)),
  );
}

const ESCAPED = /[\\\n\r\t]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A value in COPY's text format: NULL is \N; backslash, newline, return and tab are escaped. */
function text(value: string | null): string {
  if (value === null) return '\\N';
  return ESCAPED.test(value) ? value.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c] as string) : value;
}

const json = (value: unknown): string => (value === null ? '\\N' : text(JSON.stringify(value)));

/** Times as the database prints them back; the few distinct due times of a batch are formatted once. */
class Times {
  readonly #cache = new Map<number, string>();
  iso(ms: number): string {
    let s = this.#cache.get(ms);
    if (s === undefined) {
      s = new Date(ms).toISOString();
      if (this.#cache.size < 1000) this.#cache.set(ms, s);
    }
    return s;
  }
}

// Rows sharing a start (import-starts.ts) share its snapshot object: it is serialised once. Snapshots
// are never changed once started, and the map lets go of them with the rows.
const snapshotTexts = new WeakMap<PoolSnapshot, { snapshot: string; timers: string[] }>();

/** One row of a batch: its COPY lines (records, timers, history), or its outcome for the generic writer. */
interface Entry {
  line: number;
  recordId: string;
  keys?: UniqueKey[] | undefined;
  /** The pool the row is written in. */
  pool: string;
  copy?: [record: string, timers: string, history: string];
  outcome?: RecordOutcome;
}

/**
 * Rows to write in one transaction. Each row is serialised as it is added, so the engine's objects for
 * it are collected young instead of living until the batch is written.
 */
export class ImportBatch {
  readonly #entries: Entry[];
  readonly #times = new Times();

  constructor(
    readonly w: ImportWrite,
    entries: Entry[] = [],
  ) {
    this.#entries = entries;
  }

  get size(): number {
    return this.#entries.length;
  }

  /** Rows by the pool they are written in. */
  get pools(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const e of this.#entries) counts.set(e.pool, (counts.get(e.pool) ?? 0) + 1);
    return counts;
  }

  /** The CSV or NDJSON lines of the rows. */
  get lines(): number[] {
    return this.#entries.map((e) => e.line);
  }

  /** The rows' unique values (查重), by line. */
  get keys(): { line: number; keys: UniqueKey[] }[] {
    return this.#entries.flatMap((e) => (e.keys?.length ? [{ line: e.line, keys: e.keys }] : []));
  }

  /** The batch without the rows of `lines` (refused before the write). */
  without(lines: ReadonlySet<number>): ImportBatch {
    return new ImportBatch(
      this.w,
      this.#entries.filter((e) => !lines.has(e.line)),
    );
  }

  /** The two halves of the batch (a failed write is retried by halves). */
  split(): [ImportBatch, ImportBatch] {
    const half = Math.ceil(this.#entries.length / 2);
    return [
      new ImportBatch(this.w, this.#entries.slice(0, half)),
      new ImportBatch(this.w, this.#entries.slice(half)),
    ];
  }

  /** A snapshot's COPY text and its timers' lines after the record id, once per shared snapshot. */
  #snapshotText(snapshot: PoolSnapshot): { snapshot: string; timers: string[] } {
    let texts = snapshotTexts.get(snapshot);
    if (!texts) {
      texts = {
        snapshot: json(snapshot),
        timers: Object.entries(snapshot.timers).map(([key, timer]) => {
          const event = { type: key, timerKey: key, dueAt: timer.dueAt };
          return `${[text(key), this.#times.iso(timer.dueAt), json(event)].join('\t')}\n`;
        }),
      };
      snapshotTexts.set(snapshot, texts);
    }
    return texts;
  }

  add(row: StartedRow): void {
    const { w } = this;
    if (!w.copy || !copyable(row.result, w.actorId)) {
      this.#entries.push({
        line: row.line,
        recordId: row.recordId,
        keys: row.keys,
        pool: row.routed?.pool ?? w.poolKey,
        outcome: importOutcome(row, w),
      });
      return;
    }
    const { result } = row;
    const { snapshot, record } = result;
    const id = row.recordId;
    const at = this.#times.iso(w.at);
    const pool = text(row.routed?.pool ?? w.poolKey);
    const state = text(snapshot.value);
    const owner = text(record.ownerId);
    const tags = json(record.tags);
    const recordLine = [
      id,
      pool,
      text(snapshot.policyId),
      String(snapshot.policyVersion),
      state,
      owner,
      record.pooled ? 't' : 'f',
      snapshot.status === 'done' ? 't' : 'f',
      record.limitFree ? 't' : 'f',
      tags,
      String(record.score),
      json(record.entity),
      this.#snapshotText(snapshot).snapshot,
      String(snapshot.seq),
      text(searchText(record.entity)),
      at,
      at,
    ].join('\t');
    let timerLines = '';
    for (const tail of this.#snapshotText(snapshot).timers) timerLines += `${id}\t${tail}`;
    // As the generic writer fills history: the owner before is the owner effect's `from`.
    const ownerEffect = result.effects.find((e) => e.type === 'owner') as
      Extract<Effect, { type: 'owner' }> | undefined;
    const lastRelease = snapshot.instance.lastRelease;
    const reason = record.pooled && lastRelease?.at === w.at ? lastRelease.reason : null;
    const historyLine = [
      id,
      pool,
      String(snapshot.seq),
      at,
      text(w.actorId),
      'CREATE',
      json(createPayload(row, w)),
      text(result.from),
      state,
      text(ownerEffect ? ownerEffect.from : record.ownerId),
      owner,
      tags,
      text(reason),
    ].join('\t');
    this.#entries.push({
      line: row.line,
      recordId: id,
      keys: row.keys,
      pool: row.routed?.pool ?? w.poolKey,
      copy: [`${recordLine}\n`, timerLines, `${historyLine}\n`],
    });
  }

  /** Writes the rows in the transaction: the same records, timers and history as the generic writer. */
  async write(trx: Knex.Transaction): Promise<void> {
    const copied = this.#entries.filter((e) => e.copy);
    if (copied.length > 0) {
      // The transaction's own connection (knex hands it out for the transaction's queries).
      const client = trx.client as { acquireConnection(): Promise<ClientBase> };
      const conn = await client.acquireConnection();
      // Records first: the timers' foreign key finds them.
      await copy(conn, 'records', RECORD_COLUMNS, copied, 0);
      await copy(conn, 'timers', TIMER_COLUMNS, copied, 1);
      await copy(conn, 'history', HISTORY_COLUMNS, copied, 2);
    }
    const others = this.#entries.flatMap((e) => (e.outcome ? [e.outcome] : []));
    if (others.length > 0) await writeOutcomes(trx, others, this.w.metrics);
    // Their unique values, under the constraint: a value another record took meanwhile fails the batch.
    const keyed = this.#entries.flatMap((e) =>
      (e.keys ?? []).map((k) => ({ ...k, recordId: e.recordId })),
    );
    if (this.w.policyId !== undefined) await insertKeys(trx, this.w.policyId, keyed);
  }
}

/** COPY of one table's lines of the entries, sent in chunks of about COPY_CHUNK_CHARS. */
async function copy(
  conn: ClientBase,
  table: string,
  columns: string[],
  entries: Entry[],
  part: 0 | 1 | 2,
): Promise<void> {
  function* chunks(): Generator<string> {
    let chunk = '';
    for (const e of entries) {
      chunk += (e.copy as string[])[part];
      if (chunk.length >= COPY_CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(
    Readable.from(chunks()),
    conn.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)),
  );
}
