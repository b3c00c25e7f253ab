// `poolflow import FILE --pool KEY`: streams a CSV or NDJSON file to a running server, with a progress bar.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { CliError, EXIT } from './cli.error.js';

export interface ImportOptions {
  pool: string;
  url: string;
  token: string | undefined;
  out: (line: string) => void;
  /** Progress goes here, redrawn in place (stderr on a terminal). */
  progress: (text: string) => void;
}

interface Report {
  rows: number;
  imported: number;
  failed: number;
  errors?: { line: number; path: string; message: string }[];
}

export function progressBar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}%`;
}

async function countRows(file: string, csv: boolean): Promise<number> {
  const text = await readFile(file, 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '').length;
  return csv ? Math.max(0, lines - 1) : lines;
}

export async function importCommand(file: string, options: ImportOptions): Promise<number> {
  if (!options.token)
    throw CliError.usage(
      'import needs --token (or POOLFLOW_TOKEN): log in with POST /api/auth/login',
    );
  try {
    await stat(file);
  } catch {
    throw new CliError(`cannot read ${file}`);
  }
  const csv = !/\.(nd)?jsonl?$/i.test(file);
  const total = await countRows(file, csv);
  // Streaming a request body needs `duplex: 'half'` (undici), which the DOM typings do not list.
  const init: RequestInit & { duplex: 'half' } = {
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.token}`,
      'content-type': csv ? 'text/csv' : 'application/x-ndjson',
      accept: 'application/x-ndjson',
    },
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- needed under DOM typings
    body: Readable.toWeb(createReadStream(file)) as unknown as ReadableStream,
    duplex: 'half',
  };
  const url = `${options.url.replace(/\/$/, '')}/api/pools/${encodeURIComponent(options.pool)}/import`;
  const res = await fetch(url, init);
  if (!res.ok || !res.body) {
    const text = await res.text();
    throw new CliError(`import refused (${res.status}): ${text}`, EXIT.failed);
  }
  let report: Report | undefined;
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (!line.trim()) continue;
      const message = JSON.parse(line) as {
        progress?: Report;
        done?: Report;
        error?: { message: string };
      };
      if (message.progress) {
        const p = message.progress;
        options.progress(
          `${progressBar(p.rows, total)} ${p.rows}/${total} rows, ${p.imported} imported, ${p.failed} failed`,
        );
      }
      if (message.done) report = message.done;
      if (message.error) throw new CliError(`import failed: ${message.error.message}`, EXIT.failed);
    }
  }
  if (!report) throw new CliError('the server closed the import without a report', EXIT.failed);
  options.progress(`${progressBar(report.rows, report.rows)} ${report.rows}/${report.rows} rows`);
  options.out(
    `${file}: ${report.imported} imported, ${report.failed} failed of ${report.rows} rows into pool ${options.pool}`,
  );
  for (const e of report.errors ?? [])
    options.out(`  line ${e.line}  ${e.path || '/'}  ${e.message}`);
  return report.failed > 0 ? EXIT.failed : EXIT.ok;
}
