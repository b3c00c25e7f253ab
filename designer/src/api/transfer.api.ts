// Import (CSV or NDJSON, progress streamed back as NDJSON lines) and file downloads with the token.
import type { ImportReport } from './api.types.js';
import { ApiError, apiFetch } from './client.js';
import { saveBlob } from './save-file.js';

// Generated from schemas/ (api.types.ts): the final report; progress lines carry its counts.
export type { ImportReport };
export type ImportProgress = Omit<ImportReport, 'errors'>;

export function importFormat(fileName: string): 'csv' | 'ndjson' {
  return /\.(ndjson|jsonl|json)$/i.test(fileName) ? 'ndjson' : 'csv';
}

/** Uploads a file and reads the progress lines as they come; resolves with the final report. */
export async function importRecords(
  pool: string,
  file: Blob,
  format: 'csv' | 'ndjson',
  onProgress: (progress: ImportProgress) => void,
): Promise<ImportReport> {
  const response = await apiFetch(`/api/pools/${encodeURIComponent(pool)}/import`, {
    method: 'POST',
    headers: {
      'content-type': format === 'csv' ? 'text/csv' : 'application/x-ndjson',
      accept: 'application/x-ndjson',
    },
    body: file,
  });
  let report: ImportReport | null = null;
  for await (const line of ndjsonLines(response)) {
    const message = JSON.parse(line) as {
      progress?: ImportProgress;
      done?: ImportReport;
      error?: { message: string };
    };
    if (message.progress) onProgress(message.progress);
    if (message.done) report = message.done;
    // The import failed on the server after its reply had begun (a 200): the stream's last line says so.
    if (message.error) throw new ApiError(500, 'POOL_ERR_INTERNAL', message.error.message);
  }
  if (!report) throw new Error('the import ended without a report');
  return report;
}

/** The lines of a streamed NDJSON body, as they arrive. */
export async function* ndjsonLines(response: Response): AsyncGenerator<string> {
  if (!response.body) {
    yield* (await response.text()).split('\n').filter((l) => l.trim() !== '');
    return;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffer += value;
    const lines = buffer.split('\n');
    buffer = done ? '' : (lines.pop() ?? '');
    for (const line of lines) if (line.trim() !== '') yield line;
    if (done) return;
  }
}

/** Downloads an authenticated file (a plain link cannot carry the bearer token); gives its size in bytes. */
export async function download(path: string, fileName: string): Promise<number> {
  const blob = await (await apiFetch(path)).blob();
  saveBlob(blob, fileName);
  return blob.size;
}
