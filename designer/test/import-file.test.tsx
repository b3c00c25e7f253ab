// @vitest-environment jsdom
// The rejected rows of an import as a file of their own: the header and those rows as the file had them,
// split as the runtime's CSV parser splits them, so that the file imports again as those rows.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCsv } from '../../runtime-api/src/services/csv.js';
import type { ImportReport } from '../src/api/transfer.api.js';
import type { Lang } from '../src/i18n/messages.js';
import { ImportPage } from '../src/workspace/import-page.js';
import {
  csvRowsAsWritten,
  rejectedFileName,
  rejectedRowsFile,
} from '../src/workspace/import-file.js';
import { TestWorkspace } from './workspace-harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The runtime's own reading of a CSV text: each row's line and cells. */
async function runtimeRows(text: string): Promise<{ line: number; fields: string[] }[]> {
  const rows = [];
  for await (const row of parseCsv(Readable.from([text]))) rows.push(row);
  return rows;
}

// Every turn of the parser: a quoted cell with a newline and doubled quotes, a quote inside an unquoted
// cell (kept as text), an empty quoted cell, CRLF line ends, a blank line, Chinese text.
const TRICKY = [
  'name,industry,phone',
  '"Multi\r\nline, Ltd",trade,1',
  'Plain,retail,2',
  'He said "hi",software,3',
  '"Quote ""inside""",finance,4',
  '',
  '"",other,5',
  '测试客户,trade,"6"',
].join('\r\n');

describe('csvRowsAsWritten', () => {
  it('splits rows where the runtime does and keeps each as written', async () => {
    const mine = csvRowsAsWritten(TRICKY);
    const theirs = (await runtimeRows(TRICKY)).filter((r) => r.fields.join('') !== '');
    expect(mine.map((r) => r.line)).toEqual(theirs.map((r) => r.line));
    expect(mine.map((r) => r.line)).toEqual([1, 2, 4, 5, 6, 8, 9]);
    // Each row's text, read by the runtime alone, gives the row's cells.
    for (const [i, row] of mine.entries()) {
      const [alone] = await runtimeRows(row.text);
      expect(alone?.fields).toEqual(theirs[i]?.fields);
    }
    expect(mine[1]?.text).toBe('"Multi\r\nline, Ltd",trade,1');
  });
});

describe('rejectedRowsFile', () => {
  it('gives the header and the rejected rows of a CSV, which the runtime reads as those rows', async () => {
    const file = rejectedRowsFile(`\uFEFF${TRICKY}`, 'csv', new Set([2, 6, 9]));
    expect(file.startsWith('\uFEFFname,industry,phone\r\n')).toBe(true);
    const rows = await runtimeRows(file.slice(1));
    expect(rows.map((r) => r.fields)).toEqual([
      ['name', 'industry', 'phone'],
      ['Multi\r\nline, Ltd', 'trade', '1'],
      ['Quote "inside"', 'finance', '4'],
      ['测试客户', 'trade', '6'],
    ]);
  });

  it('gives the rejected lines of an NDJSON file, and names the file after the upload', () => {
    const ndjson =
      '{"data":{"name":"A"}}\n{"data":{"name":"B"}}\n{"data":\n{"data":{"name":"D"}}\n';
    expect(rejectedRowsFile(ndjson, 'ndjson', new Set([2, 3]))).toBe(
      '{"data":{"name":"B"}}\n{"data":\n',
    );
    expect(rejectedFileName('leads 2026.csv', 'csv')).toBe('leads 2026-rejected.csv');
    expect(rejectedFileName('rows.jsonl', 'ndjson')).toBe('rows-rejected.ndjson');
  });
});

describe('the import page', () => {
  const errors: ImportReport['errors'] = [
    { line: 3, path: '/data/level', message: 'Level', code: 'schema', params: {} },
    { line: 5, path: '/data/name', message: 'Name', code: 'schema', params: {} },
  ];

  async function importAndSave(lang: Lang): Promise<{ label: string; name: string; text: string }> {
    const done: ImportReport = { rows: 4, imported: 2, failed: 2, errors, routed: {} };
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response(`${JSON.stringify({ done })}\n`))),
    );
    const saved: Blob[] = [];
    vi.stubGlobal('URL', {
      ...URL,
      createObjectURL: (blob: Blob) => (saved.push(blob), 'blob:rejected'),
      revokeObjectURL: () => undefined,
    });
    let name = '';
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      name = this.download;
    });
    render(
      <TestWorkspace lang={lang}>
        <ImportPage />
      </TestWorkspace>,
    );
    const csv = 'name,level\nA,A\nB,Z\nC,B\n,A\n';
    const file = new File([csv], 'leads.csv', { type: 'text/csv' });
    fireEvent.change(screen.getByTestId('import-input'), { target: { files: [file] } });
    await waitFor(() =>
      expect(screen.getByTestId<HTMLButtonElement>('import-start').disabled).toBe(false),
    );
    fireEvent.click(screen.getByTestId('import-start'));
    const button = await screen.findByTestId('import-rejected');
    fireEvent.click(button);
    await waitFor(() => expect(saved).toHaveLength(1));
    click.mockRestore();
    // Read as bytes: Blob.text() would drop the BOM the test wants to see.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await saved[0].arrayBuffer());
    return { label: button.textContent ?? '', name, text };
  }

  it('offers the rejected rows as a file after an import that refused some', async () => {
    const { label, name, text } = await importAndSave('en');
    expect(label).toBe('↓ Download the 2 rejected rows');
    expect(name).toBe('leads-rejected.csv');
    expect(text).toBe('\uFEFFname,level\nB,Z\n,A\n');
  });

  it('says so in Chinese', async () => {
    const { label } = await importAndSave('zh');
    expect(label).toBe('↓ 下载被拒绝的 2 行');
  });
});
