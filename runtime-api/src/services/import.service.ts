// Imports records into a pool from CSV or NDJSON, streamed: rows are checked one by one, good rows are
// written in batches (each row whole: record, timers, history), bad rows are reported with their line.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { EngineError, start, type CompiledPolicy } from '@poolflow/engine';
import type { Knex } from 'knex';
import { poolMemberIds } from '../access.js';
import { depthOf, findNul, MAX_JSON_DEPTH } from '../plugins/input-guard.plugin.js';
import type { Clock } from './clock.js';
import { parseCsv, splitLines } from './csv.js';
import { assertEntity, type Actor } from './record.service.js';
import { writeOutcomes, type RecordOutcome } from './record-writer.js';

export interface ImportProgress {
  rows: number;
  imported: number;
  failed: number;
}

export interface ImportReport extends ImportProgress {
  errors: { line: number; path: string; message: string }[];
}

interface ParsedRow {
  line: number;
  data?: Record<string, unknown>;
  ownerId?: string | null;
  error?: { path: string; message: string };
}

const BATCH = 500;
const MAX_ERRORS = 10_000;

/** CSV cells are text: turn them into the entity schema's types (numbers, booleans); empty means absent. */
function coerce(compiled: CompiledPolicy, field: string, raw: string): unknown {
  if (raw === '') return undefined;
  const prop = compiled.policy.entity.schema.properties[field] as { type?: string } | undefined;
  if (prop?.type === 'integer' || prop?.type === 'number') {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  if (prop?.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

async function* csvRows(compiled: CompiledPolicy, body: Readable): AsyncGenerator<ParsedRow> {
  let header: string[] | undefined;
  for await (const { line, fields } of parseCsv(body)) {
    if (!header) {
      header = fields.map((f) => f.trim());
      continue;
    }
    if (fields.length === 1 && fields[0] === '') continue;
    if (fields.length !== header.length) {
      yield {
        line,
        error: { path: '', message: `has ${fields.length} cells, the header has ${header.length}` },
      };
      continue;
    }
    const data: Record<string, unknown> = {};
    let ownerId: string | null = null;
    header.forEach((name, i) => {
      const cell = fields[i] ?? '';
      if (name === 'ownerId') ownerId = cell === '' ? null : cell;
      else if (!['id', 'state', 'tags', 'score'].includes(name)) {
        const value = coerce(compiled, name, cell);
        if (value !== undefined) data[name] = value;
      }
    });
    yield { line, data, ownerId };
  }
}

async function* ndjsonRows(body: Readable): AsyncGenerator<ParsedRow> {
  let line = 0;
  for await (const text of splitLines(body)) {
    line++;
    if (text.trim() === '') continue;
    if (depthOf(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      yield { line, error: { path: '', message: `nests deeper than ${MAX_JSON_DEPTH} levels` } };
      continue;
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
      const { data, ownerId } = parsed as { data?: unknown; ownerId?: unknown };
      if (!data || typeof data !== 'object') {
        yield { line, error: { path: '/data', message: 'is required (an object)' } };
        continue;
      }
      if (ownerId !== undefined && ownerId !== null && typeof ownerId !== 'string') {
        yield { line, error: { path: '/ownerId', message: 'must be a string or null' } };
        continue;
      }
      yield {
        line,
        data: data as Record<string, unknown>,
        ownerId: (ownerId as string | null | undefined) ?? null,
      };
    } catch (e) {
      yield { line, error: { path: '', message: `is not JSON: ${(e as Error).message}` } };
    }
  }
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
): Promise<ImportReport> {
  const report: ImportReport = { rows: 0, imported: 0, failed: 0, errors: [] };
  // Records are only given to members of the pool (read once: rows are checked against it as they come).
  const members = await poolMemberIds(db, poolKey);
  const fail = (line: number, path: string, message: string): void => {
    report.failed++;
    if (report.errors.length < MAX_ERRORS) report.errors.push({ line, path, message });
  };
  let batch: { line: number; data: Record<string, unknown>; ownerId: string | null }[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    try {
      await db.transaction(async (trx) => {
        const now = await clock.now(trx);
        const outcomes: RecordOutcome[] = rows.map((r) => {
          const id = randomUUID();
          const result = start(compiled, {
            entity: r.data,
            now,
            ownerId: r.ownerId,
            user: actor,
            recordId: id,
          });
          return {
            recordId: id,
            poolKey,
            prevSeq: 0,
            created: true,
            steps: [
              {
                result,
                eventType: 'CREATE',
                payload: { ownerId: r.ownerId, import: true },
                actorId: actor.id,
                at: now,
              },
            ],
          };
        });
        await writeOutcomes(trx, outcomes);
      });
      report.imported += rows.length;
    } catch (e) {
      // The whole batch rolled back: none of its rows is half-written; report each of them.
      for (const r of rows) fail(r.line, '', `not written: ${(e as Error).message}`);
    }
    onProgress({ rows: report.rows, imported: report.imported, failed: report.failed });
  };
  const source = format === 'csv' ? csvRows(compiled, body) : ndjsonRows(body);
  for await (const row of source) {
    report.rows++;
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
      const details = (e instanceof EngineError ? e.details : []) as {
        path: string;
        message: string;
      }[];
      const first = details[0];
      fail(
        row.line,
        first?.path ?? '/data',
        details.map((d) => `${d.path} ${d.message}`).join('; ') || 'is invalid',
      );
      continue;
    }
    const ownerId = row.ownerId ?? null;
    if (ownerId !== null && !members.has(ownerId)) {
      fail(row.line, '/ownerId', `user ${ownerId} is not a member of pool ${poolKey}`);
      continue;
    }
    batch.push({ line: row.line, data: row.data, ownerId });
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return report;
}
