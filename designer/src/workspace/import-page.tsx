// Import for managers: upload CSV or NDJSON, watch the progress the server streams back, read the
// per-row error report; export the pool as CSV.
import { useRef, useState } from 'react';
import {
  download,
  importFormat,
  importRecords,
  type ImportProgress,
  type ImportReport,
} from '../api/transfer.api.js';
import { detailWords, refusalWords, type RefusalNames } from '../api/refusal-words.js';
import { saveBlob } from '../api/save-file.js';
import { useI18n } from '../i18n/i18n.js';
import { choiceWords } from './field-labels.js';
import { countRows, rejectedFileName, rejectedRowsFile } from './import-file.js';
import { useWorkspace } from './workspace-context.js';
import { cellLabels } from '../pages/cell-labels.js';

/** One problem of an import row: the row's own, or one of its fields' (details). */
type RowProblem = Pick<ImportReport['errors'][number], 'path' | 'message' | 'code' | 'params'>;

export function ImportPage() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { pool, policy, fieldTitle, refusalNames, words } = useWorkspace();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [total, setTotal] = useState(0);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fields = Object.keys(policy.entity.schema.properties);
  // Columns a row cannot do without: a row missing one is rejected.
  const required = new Set(
    Array.isArray(policy.entity.schema['required'])
      ? (policy.entity.schema['required'] as unknown[]).map(String)
      : [],
  );

  const choose = async (chosen: File | undefined) => {
    setFile(chosen ?? null);
    setReport(null);
    setProgress(null);
    setError(null);
    if (chosen) setTotal(countRows(await chosen.text(), importFormat(chosen.name)));
  };
  const run = async () => {
    if (!file) return;
    setBusy(true);
    setReport(null);
    setError(null);
    setProgress({ rows: 0, imported: 0, failed: 0 });
    try {
      const done = await importRecords(pool.key, file, importFormat(file.name), setProgress);
      setProgress(done);
      setReport(done);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  /** The refused rows of the file the report is of, as a file of their own (its header first). */
  const saveRejected = async (of: File, lines: ReadonlySet<number>) => {
    const format = importFormat(of.name);
    const text = rejectedRowsFile(await of.text(), format, lines);
    const type = format === 'csv' ? 'text/csv' : 'application/x-ndjson';
    saveBlob(new Blob([text], { type }), rejectedFileName(of.name, format));
  };
  const rejectedLines = new Set(report?.errors.map((e) => e.line));
  const share = progress && total > 0 ? Math.min(1, progress.rows / total) : report ? 1 : 0;
  // What a row's error names, in the words of the workspace: fields by their titles, people and pools
  // by their names. An owner cell that names no one is shown as it was typed, not shortened as an id.
  const names: RefusalNames = {
    ...refusalNames,
    field: (path) => rowField(path, fieldTitle, t('owner')),
  };
  /** One problem of a row: the server's English (a duplicate's, naming no ids), or Chinese by its code. */
  const problemWords = (problem: RowProblem): string => detailWords(problem, i18n, names);

  return (
    <div className="import-page" data-testid="import-page">
      <div className="page-head">
        <div>
          <h1>{t('importExport')}</h1>
          <p className="muted">{t('importHint', words)}</p>
        </div>
        <button
          type="button"
          className="btn"
          data-testid="export-csv"
          onClick={() =>
            void download(
              `/api/pools/${encodeURIComponent(pool.key)}/export?format=csv&lang=${lang}`,
              `${pool.key}.csv`,
            ).catch((e: unknown) => setError(e))
          }
        >
          ↓ {t('exportCsv')}
        </button>
      </div>
      <section className="panel">
        <h3>{t('importTitle')}</h3>
        <p className="hint">
          {t('importColumns')} <code>{[...fields, 'ownerId'].join(', ')}</code>{' '}
          <button
            type="button"
            className="btn btn-link"
            data-testid="import-template"
            onClick={() =>
              void download(
                `/api/pools/${encodeURIComponent(pool.key)}/import-template?lang=${lang}`,
                `${pool.key}-import.csv`,
              ).catch((e: unknown) => setError(e))
            }
          >
            ↓ {t('importTemplate')}
          </button>
        </p>
        <p className="hint" data-testid="import-names">
          {t('importNames')}
        </p>
        <ul className="hint import-fields" data-testid="import-fields">
          {fields.map((f) => {
            const choices = (policy.entity.schema.properties[f] as { enum?: unknown[] }).enum;
            return (
              <li key={f}>
                <code>{f}</code> {fieldTitle(f)}
                {required.has(f) && <strong> ({t('importRequired')})</strong>}
                {choices ? `: ${choices.map((c) => choiceWords(String(c), lang)).join(' / ')}` : ''}
              </li>
            );
          })}
          <li>
            <code>ownerId</code> {t('importOwnerHint')}
          </li>
        </ul>
        <div
          className={file ? 'dropzone has-file' : 'dropzone'}
          onDragOver={(e) => e.preventDefault()}
          onDrop={(e) => {
            e.preventDefault();
            void choose(e.dataTransfer.files[0]);
          }}
          onClick={() => input.current?.click()}
        >
          {file ? (
            <>
              <strong data-testid="import-file-name">{file.name}</strong>
              <span className="muted">
                {' '}
                · {t('rowsCount', { count: total })} · {importFormat(file.name).toUpperCase()}
              </span>
            </>
          ) : (
            <span className="muted">{t('dropFile')}</span>
          )}
          <input
            ref={input}
            type="file"
            accept=".csv,.ndjson,.jsonl,text/csv,application/x-ndjson"
            hidden
            data-testid="import-input"
            onChange={(e) => void choose(e.target.files?.[0])}
          />
        </div>
        <div className="row">
          <button
            type="button"
            className="btn primary"
            disabled={!file || busy}
            onClick={() => void run()}
            data-testid="import-start"
          >
            {t('importStart')}
          </button>
        </div>
        {progress && (
          <div className="import-progress" data-testid="import-progress">
            <div
              className="progress"
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(share * 100)}
            >
              <div className="progress-bar" style={{ width: `${share * 100}%` }} />
            </div>
            <div className="progress-text">
              {t('importCounts', {
                rows: progress.rows,
                total: total || progress.rows,
                imported: progress.imported,
                failed: progress.failed,
              })}
            </div>
          </div>
        )}
        {error !== null && <div className="alert error">{refusalWords(error, i18n)}</div>}
        {report && (
          <div className="import-report" data-testid="import-report">
            <div className={report.failed > 0 ? 'alert warn' : 'alert ok'}>
              {t('importDone', { imported: report.imported, failed: report.failed })}
            </div>
            {file && rejectedLines.size > 0 && (
              <p className="hint">
                <button
                  type="button"
                  className="btn btn-link"
                  data-testid="import-rejected"
                  onClick={() => void saveRejected(file, rejectedLines).catch(setError)}
                >
                  ↓ {t('rejectedDownload', { count: rejectedLines.size })}
                </button>{' '}
                {t('rejectedHint')}
              </p>
            )}
            {report.errors.length > 0 && (
              <table ref={cellLabels} className="data-table" data-testid="import-errors">
                <thead>
                  <tr>
                    <th className="num">{t('line')}</th>
                    <th>{t('field')}</th>
                    <th>{t('problem')}</th>
                  </tr>
                </thead>
                <tbody>
                  {/* A row with several wrong fields: one table row per field, under its line. */}
                  {report.errors.flatMap((e) => {
                    const problems: RowProblem[] = e.details?.length ? e.details : [e];
                    return problems.map((problem, i) => (
                      <tr key={`${e.line}.${i}`} data-testid="import-error">
                        {i === 0 && (
                          <td className="num" rowSpan={problems.length}>
                            {e.line}
                          </td>
                        )}
                        <td>
                          <code>
                            {errorField(problem.path, fieldTitle, {
                              owner: t('owner'),
                              record: t('importWholeRecord'),
                            })}
                          </code>
                        </td>
                        <td data-testid="import-error-problem">{problemWords(problem)}</td>
                      </tr>
                    ));
                  })}
                </tbody>
              </table>
            )}
            {report.errors.length < report.failed && (
              <p className="hint">
                {t('moreErrors', { count: report.failed - report.errors.length })}
              </p>
            )}
          </div>
        )}
      </section>
    </div>
  );
}

/** A field of a row by its title ("/data/industry" -> "Industry"), the owner column by its name. */
function rowField(
  path: string,
  title: (field: string) => string,
  owner: string,
): string | undefined {
  if (path === '/ownerId') return owner;
  const field = /^\/data\/([^/]+)/.exec(path)?.[1];
  return field === undefined ? undefined : title(field);
}

/**
 * "/data/industry" -> "Industry (/data/industry)", "/ownerId" -> "Owner (/ownerId)", "/data" (a rule
 * about the whole record, such as an admission rule) -> "The record (/data)".
 */
function errorField(
  path: string,
  title: (field: string) => string,
  words: { owner: string; record: string },
): string {
  const name = path === '/data' ? words.record : rowField(path, title, words.owner);
  return name === undefined ? path || '—' : `${name} (${path})`;
}
