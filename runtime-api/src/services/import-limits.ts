// Import bounds (bytes, rows, cell length): the body is copied to a temporary file while counting and hashed,
// then checked whole before any row is written, so an import past a bound writes nothing.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { RuntimeError } from '../runtime.error.js';
import { CellTooLong, parseCsv, splitLines } from './csv.js';

export interface ImportLimits {
  /** Largest import body in bytes (POOLFLOW_IMPORT_MAX_BYTES). */
  maxBytes: number;
  /** Most data rows in one import, the CSV header not counted (POOLFLOW_IMPORT_MAX_ROWS). */
  maxRows: number;
  /** Longest CSV cell or NDJSON line, in characters (POOLFLOW_IMPORT_MAX_CELL). */
  maxCellChars: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxRows: 100_000,
  maxCellChars: 100_000,
};

/**
 * An import past a bound (413), with the bound's detail code and params: `too-large {limit}` (bytes, the
 * code Fastify's own body limit is refused with), `too-many-rows {limit}`, `cell-too-long {line, limit}`
 * (CSV) and `line-too-long {line, limit}` (NDJSON).
 */
export function tooLarge(
  message: string,
  code: 'too-large' | 'too-many-rows' | 'cell-too-long' | 'line-too-long',
  params: Record<string, number>,
): RuntimeError {
  return new RuntimeError('POOL_ERR_TOO_LARGE', `/body ${message}`, [
    { path: '/body', message, code, params },
  ]);
}

/** A body past the import's byte limit (by its declared length, or while it streams). */
export const tooManyBytes = (maxBytes: number): RuntimeError =>
  tooLarge(`is larger than the import limit of ${maxBytes} bytes`, 'too-large', {
    limit: maxBytes,
  });

export interface Spooled {
  path: string;
  bytes: number;
  /** SHA-256 of the body, for Idempotency-Key (the body itself is a stream). */
  sha256: string;
  open(): Readable;
  remove(): Promise<void>;
}

/**
 * Copies a request body to a temporary file, refusing it as soon as it passes `maxBytes`. The rest of a
 * refused body is read and dropped (not destroyed), so the client can still read the 413.
 */
export async function spool(body: Readable, maxBytes: number): Promise<Spooled> {
  const path = join(tmpdir(), `poolflow-import-${randomUUID()}`);
  // The file's read streams not closed yet. A refused import's body (the stream the route was handed)
  // is never read: left alone it kept its file descriptor open for good, and one still opening when
  // the file was removed failed with ENOENT on a stream nobody listened to, which ended the process.
  const streams = new Set<ReadStream>();
  const open = (): ReadStream => {
    const stream = createReadStream(path);
    streams.add(stream);
    stream.once('close', () => streams.delete(stream));
    return stream;
  };
  /** Closes every stream of the file (waiting for one still opening), then removes the file. */
  const remove = async (): Promise<void> => {
    await Promise.all(
      [...streams].map(
        (stream) =>
          new Promise<void>((resolve) => {
            stream.once('close', () => resolve());
            stream.destroy();
          }),
      ),
    );
    await rm(path, { force: true });
  };
  const hash = createHash('sha256');
  const file = createWriteStream(path);
  let bytes = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let refused = false;
      const fail = (e: unknown) => {
        if (refused) return;
        refused = true;
        file.destroy();
        reject(e as Error);
      };
      body.on('data', (chunk: Buffer) => {
        if (refused) return;
        bytes += chunk.length;
        if (bytes > maxBytes) return fail(tooManyBytes(maxBytes));
        hash.update(chunk);
        if (!file.write(chunk)) {
          body.pause();
          file.once('drain', () => body.resume());
        }
      });
      let ended = false;
      body.once('end', () => {
        ended = true;
        if (!refused) file.end(() => resolve());
      });
      // A client that goes away mid-upload: the partial file is removed, not left behind.
      body.once('close', () => {
        if (!ended)
          fail(RuntimeError.invalid('/body', 'ended before it was complete', 'body-incomplete'));
      });
      body.once('error', fail);
      file.once('error', fail);
    });
  } catch (e) {
    await remove();
    throw e;
  }
  return { path, bytes, sha256: hash.digest('hex'), open, remove };
}

/** Counts rows and cell lengths of a spooled body; throws POOL_ERR_TOO_LARGE past a limit. */
export async function checkImport(
  spooled: Spooled,
  format: 'csv' | 'ndjson',
  limits: ImportLimits,
): Promise<number> {
  let rows = 0;
  try {
    if (format === 'csv') {
      let header = true;
      for await (const row of parseCsv(spooled.open(), limits.maxCellChars)) {
        if (header) header = false;
        else if (!(row.fields.length === 1 && row.fields[0] === '')) rows++;
        if (rows > limits.maxRows) break;
      }
    } else {
      for await (const line of splitLines(spooled.open(), limits.maxCellChars)) {
        if (line.trim() !== '') rows++;
        if (rows > limits.maxRows) break;
      }
    }
  } catch (e) {
    if (!(e instanceof CellTooLong)) throw e;
    const [what, code] =
      format === 'csv'
        ? (['a cell', 'cell-too-long'] as const)
        : (['a line', 'line-too-long'] as const);
    throw tooLarge(
      `line ${e.line} has ${what} longer than the import limit of ${e.max} characters`,
      code,
      { line: e.line, limit: e.max },
    );
  }
  if (rows > limits.maxRows)
    throw tooLarge(`has more than ${limits.maxRows} rows, the import limit`, 'too-many-rows', {
      limit: limits.maxRows,
    });
  return rows;
}
