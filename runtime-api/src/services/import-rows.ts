// Import rows from CSV or NDJSON, streamed: each row is parsed into entity data and an owner, or an error
// naming its line and field (checks against the policy come after, in import.service.ts).
import type { Readable } from 'node:stream';
import { escapePointer, type CompiledPolicy } from '@poolflow/engine';
import { depthOf, MAX_JSON_DEPTH } from '../plugins/input-guard.plugin.js';
import { RuntimeError } from '../runtime.error.js';
import { csvText, parseCsv, splitLines } from './csv.js';
import { choiceOf, EXPORT_COLUMNS, readHeader } from './import-columns.js';

/**
 * What is wrong with a row: where, in English, and a stable `code` with `params` a client words in its
 * own language (README: import report).
 */
export interface RowProblem {
  path: string;
  message: string;
  code: string;
  params: Record<string, unknown>;
}

export interface ParsedRow {
  line: number;
  data?: Record<string, unknown>;
  ownerId?: string | null;
  /** The row's problem; `details` lists each when there are several (the first is the row's). */
  error?: RowProblem & { details?: RowProblem[] };
}

/**
 * CSV cells are text: turn them into the entity schema's types (numbers, booleans) and a choice written by
 * its name into its value; empty means absent.
 */
function coerce(compiled: CompiledPolicy, field: string, raw: string): unknown {
  if (raw === '') return undefined;
  const prop = compiled.policy.entity.schema.properties[field] as
    { type?: string; enum?: unknown[] } | undefined;
  if (prop?.type === 'integer' || prop?.type === 'number') {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  if (prop?.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return choiceOf(prop, raw);
}

/** The column names of a CSV header row, as the rows are read by them. */
const columnNames = (fields: string[]): string[] => fields.map((f) => f.trim());

/**
 * Checks a CSV body's header before any row is read (import-columns.ts: a column by key, title or Chinese
 * name). Refused whole with a 400 naming each wrong column (`/body/header/<index>`), code
 * unknown-column, column-ambiguous or column-repeated.
 * A column without a name is skipped (spreadsheets add them); a row with a value in it fails alone.
 */
export async function checkCsvHeader(compiled: CompiledPolicy, body: Readable): Promise<void> {
  for await (const { fields: cells } of parseCsv(body)) {
    const { problems } = readHeader(compiled, columnNames(cells));
    if (problems.length > 0)
      throw new RuntimeError(
        'POOL_ERR_INVALID_PAYLOAD',
        `the CSV header is refused: ${problems.map((d) => `${d.path} ${d.message}`).join('; ')}`,
        problems,
      );
    return;
  }
}

export async function* csvRows(
  compiled: CompiledPolicy,
  body: Readable,
): AsyncGenerator<ParsedRow> {
  let header: string[] | undefined;
  for await (const { line, fields } of parseCsv(body)) {
    if (!header) {
      header = readHeader(compiled, columnNames(fields)).targets;
      continue;
    }
    if (fields.length === 1 && fields[0] === '') continue;
    if (fields.length !== header.length) {
      yield {
        line,
        error: {
          path: '',
          message: `has ${fields.length} cells, the header has ${header.length}`,
          code: 'cell-count',
          params: { cells: fields.length, columns: header.length },
        },
      };
      continue;
    }
    const unnamed = header.findIndex((name, i) => name === '' && fields[i] !== '');
    if (unnamed >= 0) {
      yield {
        line,
        error: {
          path: '',
          message: `has a value in column ${unnamed + 1}, which has no name`,
          code: 'unnamed-column',
          params: { column: unnamed + 1 },
        },
      };
      continue;
    }
    const data: Record<string, unknown> = {};
    let ownerId: string | null = null;
    header.forEach((name, i) => {
      const cell = csvText(fields[i] ?? '');
      if (name === '') return;
      if (name === 'ownerId') ownerId = cell === '' ? null : cell;
      // An export's own columns come back with its rows: they are not fields.
      else if (!EXPORT_COLUMNS.includes(name)) {
        const value = coerce(compiled, name, cell);
        if (value !== undefined) data[name] = value;
      }
    });
    yield { line, data, ownerId };
  }
}

/** The keys an NDJSON line may carry. */
const LINE_KEYS = ['data', 'ownerId'];

/** A key a line may not carry, in Ajv's words (the designer says it as a form's unknown field). */
const unknownKey = (key: string): RowProblem => ({
  path: `/${escapePointer(key)}`,
  message: `${key} is not a key of an import line (${LINE_KEYS.join(', ')})`,
  code: 'schema',
  params: { keyword: 'additionalProperties', additionalProperty: key },
});

export async function* ndjsonRows(body: Readable): AsyncGenerator<ParsedRow> {
  let line = 0;
  for await (const text of splitLines(body)) {
    line++;
    if (text.trim() === '') continue;
    if (depthOf(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      yield {
        line,
        error: {
          path: '',
          message: `nests deeper than ${MAX_JSON_DEPTH} levels`,
          code: 'too-deep',
          params: { limit: MAX_JSON_DEPTH },
        },
      };
      continue;
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        const error = { code: 'not-object', params: {}, path: '' };
        yield { line, error: { ...error, message: 'is not JSON: not an object' } };
        continue;
      }
      // As a JSON body's additionalProperties: false, a key a line may not carry (a `state`) is refused,
      // not dropped.
      const unknown = Object.keys(parsed).filter((key) => !LINE_KEYS.includes(key));
      if (unknown.length > 0) {
        const problems = unknown.map(unknownKey);
        const message = problems.map((p) => p.message).join('; ');
        const details = problems.length > 1 ? { details: problems } : {};
        yield { line, error: { ...problems[0]!, message, ...details } };
        continue;
      }
      const { data, ownerId } = parsed as { data?: unknown; ownerId?: unknown };
      if (!data || typeof data !== 'object') {
        const error = { code: 'data-required', params: {}, path: '/data' };
        yield { line, error: { ...error, message: 'is required (an object)' } };
        continue;
      }
      if (ownerId !== undefined && ownerId !== null && typeof ownerId !== 'string') {
        // Ajv's words for it: the designer says it as it says a form's type error.
        const params = { keyword: 'type', type: ['string', 'null'] };
        const error = { code: 'schema', params, path: '/ownerId' };
        yield { line, error: { ...error, message: 'must be a string or null' } };
        continue;
      }
      yield {
        line,
        data: data as Record<string, unknown>,
        ownerId: (ownerId as string | null | undefined) ?? null,
      };
    } catch (e) {
      const reason = (e as Error).message;
      yield {
        line,
        error: {
          path: '',
          message: `is not JSON: ${reason}`,
          code: 'not-json',
          params: { reason },
        },
      };
    }
  }
}
